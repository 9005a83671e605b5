"""Interventions through the API: list and read within scope; create and change (set-up)."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys import setup
from evalsys.api.representations import intervention_detail, intervention_summary
from evalsys.api.requests import json_body
from evalsys.programme.models import Intervention


def visible_sites(request, intervention: Intervention) -> list:
    scope = request.access.scope("structure")
    return [s for s in intervention.sites if scope.covers(intervention.id, s.id)]


@view_config(
    route_name="api.interventions", request_method="GET", renderer="json", permission="api"
)
def list_interventions(request):
    scope = request.access.scope("structure")
    interventions = request.dbsession.query(Intervention).order_by(Intervention.slug).all()
    return {"items": [intervention_summary(i) for i in interventions if scope.touches(i.id)]}


@view_config(
    route_name="api.interventions",
    request_method="POST",
    renderer="json",
    permission="create_intervention",
    require_csrf=False,
)
def create_intervention(request):
    body = json_body(request, "InterventionCreate")
    intervention = setup.create_intervention(request.dbsession, creator=request.identity, **body)
    request.response.status_int = 201
    request.response.location = request.route_url("api.intervention", slug=intervention.slug)
    return intervention_detail(intervention, list(intervention.sites))


@view_config(
    route_name="api.intervention", request_method="GET", renderer="json", permission="read"
)
def get_intervention(context, request):
    return intervention_detail(context.intervention, visible_sites(request, context.intervention))


@view_config(
    route_name="api.intervention",
    request_method="PATCH",
    renderer="json",
    permission="manage",
    require_csrf=False,
)
def change_intervention(context, request):
    body = json_body(request, "InterventionChange")
    setup.update_intervention(request.dbsession, context.intervention, body, actor=request.identity)
    return intervention_detail(context.intervention, list(context.intervention.sites))
