"""The one error shape of the JSON API: a stable code, a message and per-field details.

``{"error": "<code>", "message": "...", "details": [{"field": ..., "code": ..., "message": ...}]}``
(the Kinto pattern). Codes are part of the API contract: add new ones, never rename them.
"""

from __future__ import annotations

from enum import StrEnum

from pyramid.response import Response


class ErrorCode(StrEnum):
    invalid_json = "invalid_json"
    unauthenticated = "unauthenticated"
    forbidden = "forbidden"
    not_found = "not_found"
    method_not_allowed = "method_not_allowed"
    conflict = "conflict"
    already_answered = "already_answered"
    participant_at_other_site = "participant_at_other_site"
    submission_id_reused = "submission_id_reused"
    submission_conflict = "submission_conflict"
    superseded = "superseded"
    link_closed = "link_closed"
    report_withdrawn = "report_withdrawn"
    request_too_large = "request_too_large"
    unsupported_media_type = "unsupported_media_type"
    validation_failed = "validation_failed"
    invalid_answers = "invalid_answers"
    invalid_submission = "invalid_submission"
    rate_limited = "rate_limited"
    internal_error = "internal_error"
    unavailable = "unavailable"


STATUS = {
    ErrorCode.invalid_json: 400,
    ErrorCode.unauthenticated: 401,
    ErrorCode.forbidden: 403,
    ErrorCode.not_found: 404,
    ErrorCode.method_not_allowed: 405,
    ErrorCode.conflict: 409,
    ErrorCode.already_answered: 409,
    ErrorCode.participant_at_other_site: 409,
    ErrorCode.submission_id_reused: 409,
    ErrorCode.submission_conflict: 409,
    ErrorCode.superseded: 409,
    ErrorCode.link_closed: 410,
    ErrorCode.report_withdrawn: 410,
    ErrorCode.request_too_large: 413,
    ErrorCode.unsupported_media_type: 415,
    ErrorCode.validation_failed: 422,
    ErrorCode.invalid_answers: 422,
    ErrorCode.invalid_submission: 422,
    ErrorCode.rate_limited: 429,
    ErrorCode.internal_error: 500,
    ErrorCode.unavailable: 503,
}


def detail(field: str, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


class ApiError(Exception):
    """Raised anywhere in an API view; the exception view turns it into the error shape."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        details: list[dict] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.details = details or []
        self.headers = headers or {}


def error_response(
    code: ErrorCode,
    message: str,
    details: list[dict] | None = None,
    headers: dict | None = None,
) -> Response:
    """The one helper that builds an API error response."""
    code = ErrorCode(code)
    response = Response(
        json_body={"error": code.value, "message": message, "details": list(details or [])},
        status=STATUS[code],
        content_type="application/json",
        charset="utf-8",
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
