"""POST /api/v1/responses (idempotent on submission_id), and reading responses within scope."""

from __future__ import annotations

import datetime as dt

from pyramid.view import view_config
from sqlalchemy.orm import joinedload, selectinload

from ..models import Intervention, Participant, Questionnaire, Response, Site, SurveyLink, Wave
from ..services import audit, ratelimit
from ..services.submissions import (
    AlreadyAnswered,
    InvalidAnswers,
    Submission,
    SubmissionError,
    WrongSite,
    submit,
)
from .errors import ApiError, ErrorCode, detail
from .representations import stored_response
from .requests import json_body
from .scope import allows, scope_for

DEFAULT_SUBMITS_PER_MINUTE = 120
DEFAULT_PAGE = 100
MAX_PAGE = 500


def check_rate_limit(request) -> None:
    """Per client address, in this worker (see services.ratelimit); 429 with Retry-After."""
    allowed = int(
        request.registry.settings.get(
            "evalsys.rate_limit.api.per_address", DEFAULT_SUBMITS_PER_MINUTE
        )
    )
    wait = ratelimit.hit(("api.address", request.client_addr or "unknown"), allowed)
    if wait:
        raise ApiError(
            ErrorCode.rate_limited,
            f"too many submissions from this address; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


@view_config(
    route_name="api.responses",
    request_method="POST",
    renderer="json",
    permission="api",
    require_csrf=False,
)
def submit_response(request):
    check_rate_limit(request)
    body = json_body(request, "ResponseSubmission")
    link = request.dbsession.query(SurveyLink).filter_by(token=body["link"]).one_or_none()
    if link is None:
        raise ApiError(
            ErrorCode.not_found,
            "no survey behind this link",
            [detail("link", "unknown_link", "check the link token")],
        )
    if not allows(request, "submit", intervention_id=link.intervention_id, site_id=link.site_id):
        raise ApiError(ErrorCode.forbidden, "this token may not submit for this link's site")
    _check_open(link)
    try:
        stored = submit(
            request.dbsession,
            Submission(
                submission_id=body["submission_id"],
                intervention=link.site.intervention,
                site=link.site,
                wave=link.wave,
                participant_code=body["participant_code"],
                answers=body["answers"],
                language=body["language"],
                mode="api",
                group=link.group_name,
                duration_seconds=body.get("duration_seconds"),
                submitted_by=request.identity,
            ),
        )
    except SubmissionError as error:
        raise _submission_error(error) from None
    response = stored.response
    request.response.status_int = 201 if stored.created else 200
    if stored.created:
        request.response.location = request.route_url("api.response", id=response.id)
    version = request.dbsession.get(Questionnaire, response.questionnaire_id).version
    return stored_response(response, link.site.intervention.slug, version)


def _check_open(link: SurveyLink, today: dt.date | None = None) -> None:
    """The same rules as the web survey: a closed link, or a wave outside its dates, is 410."""
    today = today or dt.date.today()
    wave = link.wave
    if not link.is_open:
        reason = "the survey link is closed"
    elif wave.opens_on and today < wave.opens_on:
        reason = f"wave {wave.label} opens on {wave.opens_on.isoformat()}"
    elif wave.closes_on and today > wave.closes_on:
        reason = f"wave {wave.label} closed on {wave.closes_on.isoformat()}"
    else:
        return
    raise ApiError(ErrorCode.link_closed, reason, [detail("link", "closed", reason)])


def _submission_error(error: SubmissionError) -> ApiError:
    if isinstance(error, InvalidAnswers):
        details = [{**d, "field": f"answers.{d['field']}"} for d in error.details]
        return ApiError(ErrorCode.invalid_answers, error.message, details)
    if isinstance(error, AlreadyAnswered):
        field = [detail("participant_code", "already_answered", error.message)]
        return ApiError(ErrorCode.already_answered, error.message, field)
    if isinstance(error, WrongSite):
        field = [detail("participant_code", "other_site", error.message)]
        return ApiError(ErrorCode.participant_at_other_site, error.message, field)
    if any(d.get("code") == "conflict" for d in error.details):
        return ApiError(ErrorCode.submission_id_reused, error.message, error.details)
    return ApiError(ErrorCode.invalid_submission, error.message, error.details)


def _responses_query(request):
    return (
        request.dbsession.query(Response, Intervention.slug, Questionnaire.version)
        .join(Intervention, Intervention.id == Response.intervention_id)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .join(Participant, Participant.id == Response.participant_id)
        .options(
            joinedload(Response.participant).joinedload(Participant.site),
            joinedload(Response.wave),
            selectinload(Response.scores),
        )
    )


@view_config(route_name="api.responses", request_method="GET", renderer="json", permission="api")
def list_responses(request):
    limit = _int_param(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    cursor = _int_param(request, "cursor", 0, 0, None)
    query = _responses_query(request).filter(Response.superseded_at.is_(None))
    clause = scope_for(request, "read").clause(Response.intervention_id, Participant.site_id)
    if clause is not None:
        query = query.filter(clause)
    if request.GET.get("intervention"):
        query = query.filter(Intervention.slug == request.GET["intervention"])
    if request.GET.get("site"):
        query = query.filter(
            Participant.site_id.in_(
                request.dbsession.query(Site.id).filter(Site.slug == request.GET["site"])
            )
        )
    if request.GET.get("wave"):
        query = query.filter(
            Response.wave_id.in_(
                request.dbsession.query(Wave.id).filter(Wave.label == request.GET["wave"])
            )
        )
    rows = query.filter(Response.id > cursor).order_by(Response.id).limit(limit + 1).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [stored_response(response, slug, version) for response, slug, version in rows]
    if items:
        audit.record_request(
            request,
            "participant_data_viewed",
            target_type="api",
            target_id="api.responses",
            responses=[item["id"] for item in items],
        )
    return {"items": items, "next_cursor": str(items[-1]["id"]) if more else None}


@view_config(route_name="api.response", request_method="GET", renderer="json", permission="api")
def get_response(request):
    response_id = request.matchdict["id"]
    if not response_id.isdigit() or len(response_id) > 18:
        raise ApiError(ErrorCode.not_found, "no such response")
    row = _responses_query(request).filter(Response.id == int(response_id)).one_or_none()
    if row is None:
        raise ApiError(ErrorCode.not_found, "no such response")
    response, slug, version = row
    site_id = response.participant.site_id
    if not allows(request, "read", intervention_id=response.intervention_id, site_id=site_id):
        # Outside the scope looks exactly like not there.
        raise ApiError(ErrorCode.not_found, "no such response")
    audit.record_request(
        request,
        "participant_data_viewed",
        target_type="response",
        target_id=response.id,
        intervention_id=response.intervention_id,
        site_id=site_id,
    )
    return stored_response(response, slug, version)


def _int_param(request, name: str, default: int, lowest: int, highest: int | None) -> int:
    text = request.GET.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or len(text) > 18:
        raise ApiError(
            ErrorCode.validation_failed,
            f"{name} must be a whole number",
            [detail(name, "wrong_type", "a whole number")],
        )
    value = int(text)
    if value < lowest or (highest is not None and value > highest):
        upper = f" to {highest}" if highest is not None else " or more"
        raise ApiError(
            ErrorCode.validation_failed,
            f"{name} must be {lowest}{upper}",
            [detail(name, "out_of_range", f"{lowest}{upper}")],
        )
    return value
