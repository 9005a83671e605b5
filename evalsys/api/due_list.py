"""GET /api/v1/interventions/{slug}/sites/{site}/due: a site's due list as JSON."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys import audit
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.followup import due_list
from evalsys.followup.schedule import STATUSES, Rules, counts


def _day(value):
    return None if value is None else value.isoformat()


@view_config(route_name="api.site_due", request_method="GET", renderer="json", permission="read")
def site_due(context, request):
    grant = request.access.grant
    if grant is not None and grant.permission != "read":
        # participant codes: as the due list files, a read token only (docs/api.md)
        raise ApiError(ErrorCode.forbidden, "the due list needs a read token")
    status = request.params.get("status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(
            ErrorCode.validation_failed,
            f"status is one of {', '.join(STATUSES)}",
            [detail("status", "invalid_choice", f"use one of {', '.join(STATUSES)}")],
        )
    rules = Rules.from_settings(request.registry.settings)
    on = due_list.today()
    rows = due_list.due_rows(
        request.dbsession, context.intervention, site_ids=[context.site.id], on=on, rules=rules
    )
    shown = due_list.listed(rows, status)
    if shown:
        audit.record_request(
            request,
            "participant_data_viewed",
            target_type="site",
            target_id=context.site.id,
            intervention_id=context.intervention.id,
            site_id=context.site.id,
            due_list=len(shown),
        )
    return {
        "on": on.isoformat(),
        "counts": counts(rows),
        "items": [
            {
                "participant_code": row.code,
                "group": row.group,
                "last_wave": row.last_wave,
                "last_answered_on": _day(row.last_answered_on),
                "next_wave": row.wave,
                "opens_on": _day(row.opens),
                "closes_on": _day(row.closes),
                "status": row.status,
                "missed_waves": list(row.missed),
            }
            for row in shown
        ],
    }
