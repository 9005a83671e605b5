"""An intervention's overview: its sites and how collection is going."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys.collection import progress
from evalsys.programme.visibility import visible_sites


@view_config(route_name="intervention.overview", permission="view", renderer="intervention.jinja2")
def overview(context, request):
    intervention = context.intervention
    sites = visible_sites(request, intervention)
    rows = progress.site_progress(request.dbsession, intervention, site_ids={s.id for s in sites})
    slugs = {s.id: s.slug for s in sites}
    return {
        "intervention": intervention,
        "progress": rows,
        "slugs": slugs,
        "can_manage": request.has_permission("manage", context),
        "can_see_results": request.has_permission("view_participants", context),
    }
