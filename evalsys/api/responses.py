"""POST /api/v1/responses (idempotent on submission_id), and reading responses within scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyramid.response import Response as WebResponse
from pyramid.view import view_config
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from evalsys import audit
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.representations import response_body, stored_response
from evalsys.api.requests import CONTROL_CHARACTER, json_body
from evalsys.collection import answer_window, issued_codes, ratelimit
from evalsys.collection.models import Participant, Response, SurveyLink
from evalsys.collection.submission_errors import (
    AlreadyAnswered,
    CodeNotIssued,
    InvalidAnswers,
    SubmissionConflict,
    SubmissionError,
    SubmissionIdReused,
    WrongSite,
)
from evalsys.collection.submissions import Submission, submit
from evalsys.db.recent import recent
from evalsys.db.statements import Prepared, execute
from evalsys.json_text import encode
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Questionnaire, Site, Wave
from surveys.validation import has_control_characters

DEFAULT_SUBMITS_PER_MINUTE = 120
DEFAULT_PAGE = 100
MAX_PAGE = 500


# In the environ once the request was counted in autocommit: a submission that the fast path
# (api.submission_lane) hands to the whole application, or that pyramid_retry runs again, is
# not counted twice.
COUNTED = "evalsys.api.rate_limit_wait"


def check_rate_limit(request) -> None:
    """Per client address, counted in the database for every worker (collection.ratelimit);
    429 with Retry-After."""
    environ = request.environ
    wait = environ.get(COUNTED)
    if wait is None:
        allowed = int(
            request.registry.settings.get(
                "evalsys.rate_limit.api.per_address", DEFAULT_SUBMITS_PER_MINUTE
            )
        )
        address = request.client_addr or "unknown"
        local = ratelimit.local_counts(request.registry)
        db = request.dbconnection
        wait = ratelimit.hit(db, ("api.address", address), allowed, None, local)
        if db is not request.__dict__.get("dbsession"):
            # Counted in autocommit, so it stays counted if the request runs again.
            environ[COUNTED] = wait
    if wait:
        raise ApiError(
            ErrorCode.rate_limited,
            f"too many submissions from this address; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


@dataclass(frozen=True)
class _Ref:
    """What the submission service reads of an intervention, site or wave."""

    id: int
    label: str = ""
    webhooks: bool = False  # an intervention's: it has webhooks to tell (evalsys.webhooks)


_LINK = Prepared(
    select(
        SurveyLink.intervention_id,
        SurveyLink.site_id,
        SurveyLink.wave_id,
        SurveyLink.group_name,
        SurveyLink.is_open,
        Intervention.slug.label("intervention_slug"),
        Intervention.webhooks.label("intervention_webhooks"),
        Site.slug.label("site_slug"),
        Wave.label.label("wave_label"),
        Wave.settings.label("wave_settings"),
        Wave.opens_on,
        Wave.closes_on,
        Questionnaire.id.label("questionnaire_id"),
        Questionnaire.version.label("questionnaire_version"),
        Questionnaire.created_at.label("questionnaire_created_at"),
    )
    .join(Intervention, Intervention.id == SurveyLink.intervention_id)
    .join(Site, Site.id == SurveyLink.site_id)
    .join(Wave, Wave.id == SurveyLink.wave_id)
    .outerjoin(
        Questionnaire,
        Questionnaire.id == questionnaires.latest_id(SurveyLink.intervention_id),
    )
    .where(SurveyLink.token == bindparam("token"))
)


def _link(request, token: str):
    """The link with what a submission needs of its site, wave, intervention and questionnaire
    (as the database had it a moment ago: services.recent)."""
    return recent(request, "links").get(
        token, lambda: execute(request.dbconnection, _LINK, {"token": token}).first()
    )


@view_config(
    route_name="api.responses",
    request_method=("GET", "POST"),
    renderer="json",
    permission="api",
    require_csrf=False,  # a GET needs none; for POST see tests/evalsys/access_rules.py
)
def responses(request):
    """POST submits, GET lists. One view for both: of two views on one route Pyramid tries each
    in turn, and the one that does not fit the method costs an exception that is a whole
    response object, on every submission (the busiest request)."""
    return submit_response(request) if request.method == "POST" else list_responses(request)


def submit_response(request):
    check_rate_limit(request)
    body = json_body(request, "ResponseSubmission")
    _check_characters(body)
    link = _link(request, body["link"])
    if link is None:
        raise ApiError(
            ErrorCode.not_found,
            "no survey behind this link",
            [detail("link", "unknown_link", "check the link token")],
        )
    if not request.access.allows(
        "submit", intervention_id=link.intervention_id, site_id=link.site_id
    ):
        raise ApiError(ErrorCode.forbidden, "this token may not submit for this link's site")
    submitted_at = _submitted_at(body)
    _check_open(request, link, submitted_at)
    # On PostgreSQL the response is stored by one statement in autocommit: no transaction.
    # With webhooks, their event is a second statement: both then go in the request's
    # transaction, so that a response is never stored without its event, nor the other way.
    db = request.dbsession if link.intervention_webhooks else request.dbconnection
    try:
        stored = submit(
            db,
            Submission(
                submission_id=body["submission_id"],
                intervention=_Ref(link.intervention_id, webhooks=link.intervention_webhooks),
                site=_Ref(link.site_id),
                wave=_Ref(link.wave_id, link.wave_label),
                participant_code=body["participant_code"],
                answers=body["answers"],
                language=body["language"],
                mode="api",
                group=link.group_name,
                duration_seconds=body.get("duration_seconds"),
                submitted_at=submitted_at,
                submitted_by=_submitter(request),
                issued_only=issued_codes.only_issued(link.wave_settings),
                questionnaire=None
                if link.questionnaire_id is None
                else questionnaires.version_of(
                    db,
                    link.questionnaire_id,
                    link.questionnaire_version,
                    link.questionnaire_created_at,
                ),
            ),
        )
    except SubmissionError as error:
        raise _submission_error(error) from None
    record = stored.response
    headers = [("Content-Type", "application/json")]
    if stored.created:
        status = 201
        # route_url("api.response", id=...) for this fixed pattern, at a tenth of its cost.
        headers.append(("Location", f"{request.application_url}/api/v1/responses/{record.id}"))
        version = stored.questionnaire_version
    else:
        # A retry: answer exactly as GET /responses/{id} does. submit() answers a retry only
        # with a response of the link's site, wave and intervention, which this token may
        # submit for. The link names the questionnaire version of nearly every retry;
        # otherwise it is read as for GET.
        status = 200
        if record.questionnaire_id != link.questionnaire_id:
            response, slug, version = (
                _responses_query(request).filter(Response.id == record.id).one()
            )
            request.response.status_int = 200
            return stored_response(response, slug, version)
        version = link.questionnaire_version
    body = response_body(
        record,
        intervention=link.intervention_slug,
        site=link.site_slug,
        wave=link.wave_label,
        questionnaire_version=version,
        scores=stored.scores,
    )
    # What the json renderer would answer, without its machinery and events (the hot path),
    # and without request.response, whose setters parse each header again.
    return WebResponse(body=encode(body), status=status, headerlist=headers)


def _check_characters(body: dict) -> None:
    """422 for a control character in the link, the code or an item id: PostgreSQL refuses NUL
    even in a look-up, and an item id with a missing answer is stored as sent. (Text answers are
    judged by surveys, per item.) One search over the three at once: a pattern per field and
    key in the schema cost four times as much (7.5 against 2 microseconds), on every
    submission."""
    if not has_control_characters(
        body["link"] + body["participant_code"] + "".join(body["answers"]), multiline=False
    ):
        return
    fields = [
        name
        for name in ("link", "participant_code")
        if has_control_characters(body[name], multiline=False)
    ]
    if any(has_control_characters(key, multiline=False) for key in body["answers"]):
        fields.insert(0, "answers")
    raise ApiError(
        ErrorCode.validation_failed,
        f"{len(fields)} field(s) hold a control character such as NUL; remove it and send again",
        [detail(name, "invalid_characters", CONTROL_CHARACTER) for name in fields],
    )


def _submitter(request):
    """Who submits: the token's user (without loading it), or the signed-in person."""
    token = request.api_token
    return request.identity if token is None else _Ref(token.user_id)


def _submitted_at(body: dict) -> dt.datetime | None:
    """The client's ``submitted_at`` (when answered offline), or None: now."""
    text = body.get("submitted_at")
    if text is None:
        return None
    try:
        return answer_window.parse_submitted_at(text)
    except answer_window.WindowError as error:
        raise _window_error(error) from None


def _check_open(request, link, submitted_at: dt.datetime | None) -> None:
    """The same rules as the web survey: a closed link, or a wave that was not open when the
    answers were given, is 410; a submitted_at out of bounds is 422 (collection.answer_window)."""
    try:
        answer_window.check_window(
            is_open=link.is_open,
            wave_label=link.wave_label,
            opens_on=link.opens_on,
            closes_on=link.closes_on,
            submitted_at=submitted_at,
            limits=answer_window.bounds(request.registry.settings),
        )
    except answer_window.WindowError as error:
        raise _window_error(error) from None


def _window_error(error: answer_window.WindowError) -> ApiError:
    if isinstance(error, answer_window.LinkClosed):
        return ApiError(
            ErrorCode.link_closed, error.message, [detail("link", "closed", error.message)]
        )
    return ApiError(
        ErrorCode.validation_failed, error.message, [detail(error.field, error.code, error.message)]
    )


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
    if isinstance(error, CodeNotIssued):
        return ApiError(ErrorCode.validation_failed, error.message, error.details)
    if isinstance(error, SubmissionIdReused):
        return ApiError(ErrorCode.submission_id_reused, error.message, error.details)
    if isinstance(error, SubmissionConflict):
        return ApiError(ErrorCode.submission_conflict, error.message, error.details)
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


SUBMIT_ONLY = "a submit token stores responses; reading them needs a read token"


def submit_only(request) -> bool:
    """A token that may submit but not read (its reads are 403, as docs/api.md says)."""
    grant = request.access.grant
    return grant is not None and grant.permission == "submit"


def list_responses(request):
    if submit_only(request):
        raise ApiError(ErrorCode.forbidden, SUBMIT_ONLY)
    limit = _int_param(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    cursor = _int_param(request, "cursor", 0, 0, None)
    for name in ("intervention", "site", "wave"):
        if has_control_characters(request.GET.get(name, ""), multiline=False):
            # PostgreSQL refuses NUL even in a look-up: say so instead of failing there.
            raise ApiError(
                ErrorCode.validation_failed,
                f"{name} holds a control character such as NUL",
                [detail(name, "invalid_characters", "remove the control character")],
            )
    query = _responses_query(request).filter(
        Response.superseded_at.is_(None), Response.test.is_(False)
    )
    clause = request.access.scope("read").clause(Response.intervention_id, Participant.site_id)
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
    where = {"intervention_id": response.intervention_id, "site_id": site_id}
    if not request.access.allows("read", **where):
        if submit_only(request) and request.access.allows("submit", **where):
            raise ApiError(ErrorCode.forbidden, SUBMIT_ONLY)
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
