"""GET /healthz: is the application up, and can it reach its database?"""

from __future__ import annotations

import logging

from pyramid.view import view_config
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)


@view_config(route_name="healthz", renderer="json", permission="public")
def healthz(request):
    request.tm.doom()  # this view never writes
    try:
        request.dbsession.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as error:
        log.warning("health check: database unreachable: %s", error.orig)
        request.response.status_int = 503
        return {"status": "error", "database": "unreachable"}
    return {"status": "ok", "database": "ok"}
