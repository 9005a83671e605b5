"""An intervention's sites, waves, survey links, questionnaire and coordinators through the API."""

from __future__ import annotations

import datetime as dt

from pyramid.view import view_config

from evalsys import setup
from evalsys.accounts.models import Membership, User
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.interventions import visible_sites
from evalsys.api.representations import link_body, questionnaire_body, site_body, wave_body
from evalsys.api.requests import json_body
from evalsys.collection.models import SurveyLink
from evalsys.programme import questionnaires


@view_config(route_name="api.sites", request_method="GET", renderer="json", permission="read")
def list_sites(context, request):
    return {"items": [site_body(s) for s in visible_sites(request, context.intervention)]}


@view_config(
    route_name="api.sites",
    request_method="POST",
    renderer="json",
    permission="manage",
    require_csrf=False,
)
def add_site(context, request):
    body = json_body(request, "SiteCreate")
    site = setup.add_site(request.dbsession, context.intervention, actor=request.identity, **body)
    request.response.status_int = 201
    return site_body(site)


@view_config(
    route_name="api.site_coordinators", request_method="GET", renderer="json", permission="read"
)
def list_coordinators(context, request):
    users = (
        request.dbsession.query(User)
        .join(Membership, Membership.user_id == User.id)
        .filter(Membership.site_id == context.site.id, User.role == "coordinator")
        .order_by(User.username)
    )
    return {"items": [_coordinator(user, context) for user in users]}


def _coordinator(user: User, context) -> dict:
    return {
        "username": user.username,
        "intervention": context.intervention.slug,
        "site": context.site.slug,
    }


@view_config(
    route_name="api.site_coordinators",
    request_method="POST",
    renderer="json",
    permission="manage",
    require_csrf=False,
)
def assign_coordinator(context, request):
    body = json_body(request, "CoordinatorAssignment")
    user = request.dbsession.query(User).filter_by(username=body["username"]).one_or_none()
    if user is None:
        raise ApiError(
            ErrorCode.validation_failed,
            "no account with this user name",
            [detail("username", "unknown_user", "create the account first")],
        )
    _, created = setup.assign_coordinator(
        request.dbsession, context.site, user, actor=request.identity
    )
    request.response.status_int = 201 if created else 200
    return _coordinator(user, context)


@view_config(route_name="api.waves", request_method="GET", renderer="json", permission="read")
def list_waves(context, request):
    return {"items": [wave_body(w) for w in context.intervention.waves]}


@view_config(
    route_name="api.waves",
    request_method="POST",
    renderer="json",
    permission="manage",
    require_csrf=False,
)
def add_wave(context, request):
    body = _dates(json_body(request, "WaveCreate"))
    wave = setup.add_wave(request.dbsession, context.intervention, actor=request.identity, **body)
    request.response.status_int = 201
    return wave_body(wave)


@view_config(route_name="api.wave", request_method="GET", renderer="json", permission="read")
def get_wave(context, request):
    return wave_body(context.wave)


@view_config(
    route_name="api.wave",
    request_method="PATCH",
    renderer="json",
    permission="manage",
    require_csrf=False,
)
def change_wave(context, request):
    body = _dates(json_body(request, "WaveChange"))
    setup.update_wave(request.dbsession, context.wave, body, actor=request.identity)
    return wave_body(context.wave)


@view_config(
    route_name="api.questionnaire", request_method="GET", renderer="json", permission="read"
)
def get_questionnaire(context, request):
    row = context.intervention.questionnaire
    if row is None:
        raise ApiError(ErrorCode.not_found, "this intervention has no questionnaire yet")
    return questionnaire_body(
        row, questionnaires.load(row), setup.has_responses(request.dbsession, row)
    )


@view_config(
    route_name="api.questionnaire",
    request_method="PUT",
    renderer="json",
    permission="manage",
    require_csrf=False,
)
def set_questionnaire(context, request):
    body = json_body(request, "QuestionnaireChange")
    refs = [(i["id"], i.get("version")) for i in body["instruments"]]
    row, created = setup.set_questionnaire(
        request.dbsession,
        context.intervention,
        refs,
        demographics=body.get("demographics", True),
        actor=request.identity,
    )
    request.response.status_int = 201 if created else 200
    return questionnaire_body(
        row, questionnaires.load(row), setup.has_responses(request.dbsession, row)
    )


def _dates(body: dict) -> dict:
    """ISO dates (already checked by the schema) as dates."""
    for field in ("opens_on", "closes_on"):
        if body.get(field) is not None:
            body[field] = dt.date.fromisoformat(body[field])
    return body


@view_config(route_name="api.links", request_method="GET", renderer="json", permission="read")
def list_links(context, request):
    """The survey links within the scope: the ``link`` a submission names."""
    intervention = context.intervention
    scope = request.access.scope("structure")
    rows = (
        request.dbsession.query(SurveyLink)
        .filter_by(intervention_id=intervention.id)
        .order_by(SurveyLink.site_id, SurveyLink.wave_id, SurveyLink.group_name)
        .all()
    )
    return {
        "items": [
            link_body(request, link) for link in rows if scope.covers(intervention.id, link.site_id)
        ]
    }
