"""Correcting, moving and voiding a stored response through the API, and reading its history.

``{id}`` is the version the client started from: when it is no longer current the answer is
409 ``superseded``, naming the current version (``details`` and ``Content-Location``), and
nothing is changed. A change needs the ``submit`` scope (a token with permission ``submit``, or
a session of the intervention's evaluator or the site's coordinator), the history ``read``; a
read token that may not change a response gets 403, anyone else 404 as for no such response.
"""

from __future__ import annotations

from pyramid.view import view_config
from sqlalchemy.orm import joinedload, selectinload

from evalsys import audit
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.representations import stored_response
from evalsys.api.requests import json_body
from evalsys.collection import corrections
from evalsys.collection import versions as response_versions
from evalsys.collection.corrections import CorrectionError, NotCurrent, Reason, WaveTaken
from evalsys.collection.models import Participant, Response
from evalsys.collection.submission_errors import InvalidAnswers
from evalsys.programme.models import Intervention, Questionnaire, Wave


def _response(request, purpose: str) -> Response:
    response_id = request.matchdict["id"]
    response = None
    if response_id.isdigit() and len(response_id) <= 18:
        response = (
            request.dbsession.query(Response)
            .options(joinedload(Response.participant).joinedload(Participant.site))
            .filter(Response.id == int(response_id))
            .one_or_none()
        )
    if response is None:
        raise ApiError(ErrorCode.not_found, "no such response")
    where = {"intervention_id": response.intervention_id, "site_id": response.participant.site_id}
    if request.access.allows(purpose, **where):
        return response
    if purpose == "submit" and request.access.allows("read", **where):
        raise ApiError(ErrorCode.forbidden, "this token or account may not change responses")
    if purpose == "read" and request.access.allows("submit", **where):
        raise ApiError(ErrorCode.forbidden, "a submit token may not read responses")
    raise ApiError(ErrorCode.not_found, "no such response")  # outside: as if not there


def _body_of(request, response: Response) -> dict:
    """The StoredResponse shape of ``response`` as it is stored now."""
    db = request.dbsession
    db.flush()
    db.expire(response)
    row = (
        db.query(Response, Intervention.slug, Questionnaire.version)
        .join(Intervention, Intervention.id == Response.intervention_id)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .options(
            joinedload(Response.participant).joinedload(Participant.site),
            joinedload(Response.wave),
            selectinload(Response.scores),
        )
        .filter(Response.id == response.id)
        .one()
    )
    return stored_response(*row)


def _reason(body: dict) -> Reason:
    return Reason.parse(body.get("reason"), body.get("reason_text", ""))


def _error(request, error: CorrectionError) -> ApiError:
    if isinstance(error, NotCurrent):
        current = error.current
        if current is None:
            return ApiError(ErrorCode.superseded, error.message, [detail("id", "voided", "voided")])
        url = request.route_url("api.response", id=current.id)
        return ApiError(
            ErrorCode.superseded,
            error.message,
            [detail("id", "superseded", f"the current version is {current.id}")],
            headers={"Content-Location": url},
        )
    if isinstance(error, WaveTaken):
        return ApiError(
            ErrorCode.already_answered, error.message, [detail(error.field, "taken", error.message)]
        )
    return ApiError(
        ErrorCode.validation_failed, error.message, [detail(error.field, "invalid", error.message)]
    )


def _created(request, new: Response) -> dict:
    request.response.status_int = 201
    request.response.location = request.route_url("api.response", id=new.id)
    return _body_of(request, new)


@view_config(
    route_name="api.response_corrections",
    request_method="POST",
    renderer="json",
    permission="api",
    require_csrf=False,
)
def correct(request):
    response = _response(request, "submit")
    body = json_body(request, "ResponseCorrection")
    try:
        new = corrections.correct(
            request.dbsession,
            response,
            body["answers"],
            _reason(body),
            actor=_actor(request),
            request=request,
        )
    except InvalidAnswers as error:
        details = [{**d, "field": f"answers.{d['field']}"} for d in error.details]
        raise ApiError(ErrorCode.invalid_answers, error.message, details) from None
    except CorrectionError as error:
        raise _error(request, error) from None
    return _created(request, new)


@view_config(
    route_name="api.response_moves",
    request_method="POST",
    renderer="json",
    permission="api",
    require_csrf=False,
)
def move(request):
    response = _response(request, "submit")
    body = json_body(request, "ResponseMove")
    wave = None
    if body.get("wave"):
        wave = (
            request.dbsession.query(Wave)
            .filter_by(intervention_id=response.intervention_id, label=body["wave"])
            .one_or_none()
        )
        if wave is None:
            raise ApiError(
                ErrorCode.validation_failed,
                f"the intervention has no wave {body['wave']}",
                [detail("wave", "unknown_wave", "a wave label of this intervention")],
            )
    try:
        new = corrections.move(
            request.dbsession,
            response,
            _reason(body),
            participant_code=body.get("participant_code"),
            wave=wave,
            actor=_actor(request),
            request=request,
        )
    except CorrectionError as error:
        raise _error(request, error) from None
    return _created(request, new)


@view_config(
    route_name="api.response_void",
    request_method="POST",
    renderer="json",
    permission="api",
    require_csrf=False,
)
def void(request):
    response = _response(request, "submit")
    body = json_body(request, "ResponseVoid")
    try:
        corrections.void(
            request.dbsession, response, _reason(body), actor=_actor(request), request=request
        )
    except CorrectionError as error:
        raise _error(request, error) from None
    return _body_of(request, response)


@view_config(
    route_name="api.response_history", request_method="GET", renderer="json", permission="api"
)
def history(request):
    response = _response(request, "read")
    db = request.dbsession
    chain = response_versions.versions(db, response)
    current = response_versions.current_version(db, response)
    audit.record_request(
        request,
        "participant_data_viewed",
        target_type="response",
        target_id=response.id,
        intervention_id=response.intervention_id,
        site_id=response.participant.site_id,
    )
    return {
        "current_id": None if current is None else current.id,
        "versions": [_body_of(request, version) for version in chain],
        "changes": [change_of(event) for event in response_versions.history_events(db, chain)],
    }


def change_of(event) -> dict:
    """One audit event of a change as the ResponseChange shape."""
    details = event.details or {}
    return {
        "action": event.action,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor,
        "response_id": int(event.target_id),
        "new_version": details.get("new_version"),
        "reason": details.get("reason", ""),
        "reason_text": details.get("reason_text", ""),
        "changes": details.get("changes", {}),
        "moved": details.get("moved"),
        "code_match_confirmed": bool(details.get("code_match_confirmed")),
    }


def _actor(request):
    return request.identity  # a token's user, or the signed-in person
