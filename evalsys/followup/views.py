"""Due lists on the web: a site's list (page, CSV, XLSX, PDF), the intervention's overview with
retention per round and site (the JSON API's list: evalsys.api.due_list).

Participant codes are participant-level data: the pages that show them need
``view_participants``, so every call is audited as ``participant_data_viewed``
(evalsys.accounts.policy).
"""

from __future__ import annotations

from pyramid.response import Response
from pyramid.view import view_config

from evalsys.followup import due_list, files
from evalsys.followup.files import STATUS_WORDS
from evalsys.followup.schedule import LISTED, STATUSES, Rules, counts


def words(request) -> dict[str, str]:
    return {key: request.localizer.translate(text) for key, text in STATUS_WORDS.items()}


def _rules(request) -> Rules:
    return Rules.from_settings(request.registry.settings)


def _site_rows(context, request):
    rows = due_list.due_rows(
        request.dbsession, context.intervention, site_ids=[context.site.id], rules=_rules(request)
    )
    status = request.params.get("status", "")
    return rows, (status if status in STATUSES else "")


@view_config(route_name="site.due", permission="view_participants", renderer="due.jinja2")
def site_due(context, request):
    rows, status = _site_rows(context, request)
    shown = due_list.listed(rows, status or None)
    return {
        "intervention": context.intervention,
        "site": context.site,
        "rows": shown,
        "counts": counts(rows),
        "status": status,
        "statuses": STATUSES,
        "listed": LISTED,
        "words": words(request),
        "rules": _rules(request),
    }


@view_config(route_name="site.due_file", permission="view_participants")
def site_due_file(context, request):
    rows, status = _site_rows(context, request)
    shown = due_list.listed(rows, status or None)
    fmt = request.matchdict["format"]
    body, name = files.due_file(
        fmt,
        shown,
        translate=request.localizer.translate,
        intervention=context.intervention,
        site=context.site,
        day=due_list.today(),
    )
    return Response(
        body=body,
        content_type=files.MEDIA_TYPES[fmt],
        charset="utf-8" if fmt == "csv" else None,
        content_disposition=f'attachment; filename="{name}"',
        cache_control="no-store",
    )


@view_config(route_name="intervention.due", permission="follow_up", renderer="due_overview.jinja2")
def intervention_due(context, request):
    """Every site's counts and retention per round, the sites that fall behind marked: counts
    only, for the intervention's evaluators (``follow_up``), so no read of participant data."""
    intervention = context.intervention
    rows = due_list.due_rows(request.dbsession, intervention, rules=_rules(request))
    points = int(request.registry.settings.get("evalsys.followup.behind_points", 10))
    return {
        "intervention": intervention,
        "sites": sorted(intervention.sites, key=lambda s: s.name),
        "site_names": {s.id: s.name for s in intervention.sites},
        "counts": due_list.site_counts(rows),
        "total": counts(rows),
        "retention": due_list.retention(rows, intervention, behind_points=points),
        "words": words(request),
        "listed": LISTED,
        "behind_points": points,
    }
