"""503 with Retry-After while the database cannot be reached; the app recovers by itself."""

from __future__ import annotations

import logging

from pyramid.view import exception_view_config
from pyramid_retry import is_last_attempt, mark_error_retryable
from sqlalchemy.exc import DBAPIError

from evalsys.db.availability import RETRY_AFTER_SECONDS, database_unavailable, worth_retrying

log = logging.getLogger(__name__)


@exception_view_config(context=DBAPIError, path_info=r"^/(?!api/)", renderer="error.jinja2")
def database_down(exc, request):
    if worth_retrying(exc) and not is_last_attempt(request):
        mark_error_retryable(exc)
        raise exc
    if not database_unavailable(exc):
        raise exc
    log.warning("database unavailable: %s", exc.orig)
    request.response.status_int = 503
    request.response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return {
        "title": request.translate("evalsys is briefly unavailable"),
        "message": request.translate(
            "We cannot save or show anything for a moment. Wait a minute and try again. "
            "Answers you were typing are still in the page: go back and send them again."
        ),
    }
