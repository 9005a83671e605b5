"""Exception views for /api/: every error under /api/ comes back in the JSON error shape."""

from __future__ import annotations

import logging

from pyramid.exceptions import PredicateMismatch
from pyramid.httpexceptions import HTTPException
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from pyramid_retry import is_error_retryable, is_last_attempt, mark_error_retryable

from evalsys.accounts.access import unknown_to
from evalsys.api.errors import ApiError, ErrorCode, error_response
from evalsys.db.availability import RETRY_AFTER_SECONDS, database_unavailable, worth_retrying
from evalsys.setup import SetupError

log = logging.getLogger(__name__)

API = r"^/api/"
SQLITE_BACKOFF_SECONDS = 0.25

# Pyramid's own HTTP errors raised under /api/ (by contexts, predicates, WebOb) and our codes.
HTTP_CODES = {
    400: ErrorCode.invalid_json,
    401: ErrorCode.unauthenticated,
    403: ErrorCode.forbidden,
    404: ErrorCode.not_found,
    405: ErrorCode.method_not_allowed,
    409: ErrorCode.conflict,
    410: ErrorCode.link_closed,
    413: ErrorCode.request_too_large,
    415: ErrorCode.unsupported_media_type,
    429: ErrorCode.rate_limited,
}


@exception_view_config(context=ApiError, path_info=API)
def api_error(error: ApiError, request):
    return error_response(error.code, error.message, error.details, error.headers)


@exception_view_config(context=SetupError, path_info=API)
def api_setup_error(error: SetupError, request):
    """Every set-up service refusal, as 409 (clashes with what exists) or 422 (invalid input)."""
    code = ErrorCode.conflict if error.conflict else ErrorCode.validation_failed
    return error_response(code, error.message, error.details)


@notfound_view_config(path_info=API)
def api_not_found(exc, request):
    if isinstance(exc, PredicateMismatch) and request.matched_route is not None:
        # The URL exists, the method does not: say which ones do.
        return error_response(
            ErrorCode.method_not_allowed,
            f"{request.method} is not allowed here",
            headers={"Allow": ", ".join(allowed_methods(request))},
        )
    return error_response(ErrorCode.not_found, "nothing here: check the address")


@forbidden_view_config(path_info=API)
def api_forbidden(exc, request):
    if request.identity is None:
        sent_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
        challenge = 'Bearer realm="evalsys"'
        if sent_token:
            challenge += ', error="invalid_token"'
        return error_response(
            ErrorCode.unauthenticated,
            "this token is unknown, revoked or expired"
            if sent_token
            else "send an API token: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": challenge},
        )
    hidden = request.method in ("GET", "HEAD") and getattr(
        request.context, "hide_when_denied", False
    )
    if hidden or unknown_to(request, getattr(request, "context", None)):
        # Never reveal that something exists to someone who may not see it.
        return api_not_found(exc, request)
    return error_response(ErrorCode.forbidden, "your account or token may not do this")


@exception_view_config(context=HTTPException, path_info=API)
def api_http_exception(exc: HTTPException, request):
    code = HTTP_CODES.get(exc.code)
    if code is None:
        return api_unexpected(exc, request)
    headers = {k: v for k, v in exc.headers.items() if k in ("Retry-After", "Allow")}
    return error_response(code, exc.explanation or exc.title, headers=headers)


@exception_view_config(context=Exception, path_info=API)
def api_unexpected(exc: Exception, request):
    if worth_retrying(exc) and not is_last_attempt(request):
        mark_error_retryable(exc)  # a pooled connection died: the next attempt gets a new one
    if is_error_retryable(request, exc) and not is_last_attempt(request):
        raise exc  # pyramid_retry runs the request again
    if database_unavailable(exc):
        log.warning("database unavailable: %s", getattr(exc, "orig", exc))
        return error_response(
            ErrorCode.unavailable,
            "the database cannot be reached for a moment; send the same request again later "
            "(a repeated submission_id is stored once)",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    log.exception("unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return error_response(
        ErrorCode.internal_error, "something went wrong on our side; try again later"
    )


def allowed_methods(request) -> list[str]:
    """The methods the OpenAPI document lists for the matched route."""
    from evalsys.api.openapi import methods_for_route

    return methods_for_route(request.matched_route.name)
