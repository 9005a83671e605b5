"""Pages to correct, move and void a stored response with a reason, and its history."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response as WebResponse
from pyramid.view import view_config

from evalsys import audit
from evalsys.collection import change_log, corrections, issued_codes, stored_responses
from evalsys.collection import versions as response_versions
from evalsys.collection.cells import answers_from_cells, cell_text, items_of
from evalsys.collection.corrections import (
    CodeNotIssuedHere,
    CorrectionError,
    NotCurrent,
    Reason,
    WaveTaken,
)
from evalsys.collection.progress import signal_kinds
from evalsys.collection.submission_errors import InvalidAnswers
from evalsys.collection.submissions import BLANKS_ALLOWED_MODES
from evalsys.i18n import _
from evalsys.programme import questionnaires
from evalsys.programme.models import Questionnaire


def reason_names(request) -> list[tuple[str, str]]:
    names = {
        "typing_error": _("Typing error"),
        "wrong_participant_code": _("Wrong participant code"),
        "wrong_wave": _("Wrong round"),
        "participant_request": _("At the participant's request"),
        "wrong_code_match": _("Wrong match of a self-generated code"),
        "entered_by_mistake": _("Entered by mistake"),
        "other": _("Other (describe below)"),
    }
    return [(code, request.translate(names[code])) for code in corrections.REASONS]


def _found(context):
    if context.response is None:
        raise HTTPNotFound()
    return context.response


def _page(context, request, **extra) -> dict:
    return {
        "intervention": context.intervention,
        "site": context.site,
        "response": context.response,
        "reasons": reason_names(request),
        "errors": [],
        "values": {},
        **extra,
    }


@view_config(
    route_name="site.responses", permission="view_participants", renderer="response_list.jinja2"
)
def response_list(context, request):
    page = {
        "intervention": context.intervention,
        "site": context.site,
        "problem": None,
        "signal_kinds": signal_kinds,
    }
    try:
        chosen = stored_responses.parse_filter(context.intervention, request.GET)
    except stored_responses.UnknownFilter as error:
        request.response.status_int = 400
        return {
            **page,
            "chosen": stored_responses.ResponseFilter(),
            "responses": [],
            "problem": _filter_problem(request, error),
        }
    rows = stored_responses.site_responses(request.dbsession, context.site, chosen)
    if rows:
        audit.record_request(
            request,
            "participant_data_viewed",
            target_type="site",
            target_id=context.site.id,
            intervention_id=context.intervention.id,
            site_id=context.site.id,
            responses=len(rows),
        )
    return {**page, "chosen": chosen, "responses": rows}


def _filter_problem(request, error: stored_responses.UnknownFilter) -> str:
    if error.field == "wave":
        text = _(
            "There is no round “${label}” in this intervention. Show all responses, or choose "
            "a number on the site page.",
            mapping={"label": error.value},
        )
    else:
        text = _(
            "“${flag}” is not a kind of signal. Show all responses, or choose a number on the "
            "site page.",
            mapping={"flag": error.value},
        )
    return request.translate(text)


@view_config(
    route_name="response.history",
    permission="view_participants",
    renderer="response_history.jinja2",
)
def history(context, request):
    db = request.dbsession
    _found(context)
    chain = response_versions.versions(db, context.response)
    audit.record_request(
        request,
        "participant_data_viewed",
        target_type="response",
        target_id=context.response.id,
        intervention_id=context.intervention.id,
        site_id=context.site.id,
    )
    current = response_versions.current_version(db, context.response)
    return {
        **_page(context, request),
        "versions": list(reversed(chain)),
        "events": response_versions.history_events(db, chain),
        "current": current,
        "candidates": [] if current is None else response_versions.match_candidates(db, current),
    }


def _reason(request) -> Reason:
    return Reason.parse(request.POST.get("reason", ""), request.POST.get("reason_text", ""))


def _not_current(context, request, error: NotCurrent) -> dict:
    request.response.status_int = 409
    return {**_page(context, request), "not_current": error.current, "questionnaire": None}


def _problem(request, error: CorrectionError) -> str:
    if isinstance(error, WaveTaken):
        return request.translate(
            _(
                "This participant already has a response in that round; correct or void that "
                "one first. Nothing was moved."
            )
        )
    if isinstance(error, CodeNotIssuedHere):
        return request.translate(issued_codes.staff_message(error.reason, error.typed))
    texts = {
        "reason": _("Choose a reason for this change."),
        "reason_text": _("Describe the reason (at most 1000 characters)."),
        "answers": _("These answers are the stored ones; nothing was changed."),
    }
    if error.field in texts:
        return request.translate(texts[error.field])
    return request.translate(
        _("This change could not be saved: ${problem}", mapping={"problem": error.message})
    )


@view_config(
    route_name="response.correct", permission="correct", renderer="response_correct.jinja2"
)
def correct(context, request):
    response = _found(context)
    row = request.dbsession.get(Questionnaire, response.questionnaire_id)
    questionnaire = questionnaires.load(row)
    items = items_of(questionnaire)
    values = {item: _as_cell(response.answers.get(item)) for item in items}
    page = _page(context, request, questionnaire=questionnaire, values=values)
    if response.superseded_at is not None and request.method != "POST":
        page["not_current"] = response_versions.current_version(request.dbsession, response)
        return page
    if request.method != "POST":
        return page
    form = request.POST
    cells = {item: form.get(item, "").strip() for item in items}
    page["values"] = {
        **cells,
        "reason": form.get("reason", ""),
        "reason_text": form.get("reason_text", ""),
    }
    blanks = response.mode in BLANKS_ALLOWED_MODES
    answers, problems = answers_from_cells(questionnaire, cells, blanks_allowed=blanks)
    language = request.locale_name
    errors = [(p.field, p.text(language)) for p in problems]
    try:
        reason = _reason(request)
    except CorrectionError as error:
        errors.append((error.field, _problem(request, error)))
    if not errors:
        try:
            new = corrections.correct(
                request.dbsession,
                response,
                answers,
                reason,
                actor=request.identity,
                request=request,
            )
        except NotCurrent as error:
            return _not_current(context, request, error)
        except InvalidAnswers as error:
            errors = [(e.field, e.text(language)) for e in error.errors]
        except CorrectionError as error:
            errors = [(error.field, _problem(request, error))]
        else:
            return _to_history(request, context, new)
    request.response.status_int = 400
    page["errors"] = errors
    return page


def _to_history(request, context, response) -> HTTPSeeOther:
    url = request.route_url(
        "response.history", slug=context.intervention.slug, site=context.site.slug, id=response.id
    )
    return HTTPSeeOther(location=url + "?saved=1")


def _as_cell(value) -> str:
    if isinstance(value, list):
        return ";".join(cell_text(v) for v in value)
    return cell_text(value)


@view_config(route_name="response.move", permission="correct", renderer="response_action.jinja2")
def move(context, request):
    response = _found(context)
    page = _page(
        context,
        request,
        action="move",
        waves=context.intervention.waves,
        values={"participant_code": response.participant.code, "wave": response.wave.label},
    )
    if response.superseded_at is not None:
        page["not_current"] = response_versions.current_version(request.dbsession, response)
        if request.method == "POST":
            request.response.status_int = 409
        return page
    if request.method != "POST":
        return page
    form = request.POST
    page["values"] = {
        name: form.get(name, "").strip()
        for name in ("participant_code", "wave", "reason", "reason_text")
    }
    waves = {w.label: w for w in context.intervention.waves}
    wave = waves.get(page["values"]["wave"])
    code = page["values"]["participant_code"]
    try:
        reason = _reason(request)
        new = corrections.move(
            request.dbsession,
            response,
            reason,
            participant_code=code or None,
            wave=wave,
            actor=request.identity,
            request=request,
        )
    except NotCurrent as error:
        return _not_current(context, request, error)
    except CorrectionError as error:
        request.response.status_int = 409 if isinstance(error, WaveTaken) else 400
        page["errors"] = [(error.field or "participant_code", _problem(request, error))]
        return page
    return _to_history(request, context, new)


@view_config(route_name="response.void", permission="correct", renderer="response_action.jinja2")
def void(context, request):
    response = _found(context)
    page = _page(context, request, action="void")
    if response.superseded_at is not None:
        page["not_current"] = response_versions.current_version(request.dbsession, response)
        if request.method == "POST":
            request.response.status_int = 409
        return page
    if request.method != "POST":
        return page
    page["values"] = {
        name: request.POST.get(name, "").strip() for name in ("reason", "reason_text")
    }
    try:
        corrections.void(
            request.dbsession, response, _reason(request), actor=request.identity, request=request
        )
    except NotCurrent as error:
        return _not_current(context, request, error)
    except CorrectionError as error:
        request.response.status_int = 400
        page["errors"] = [(error.field, _problem(request, error))]
        return page
    return _to_history(request, context, response)


@view_config(route_name="intervention.change_log", permission="export", request_method="GET")
def change_log_csv(context, request):
    """The change log of an intervention's responses beside the exports (CSV, formulas
    neutralised as in the other exports)."""
    return WebResponse(
        body=change_log.change_log_csv(request.dbsession, context.intervention),
        content_type="text/csv",
        charset="utf-8",
        content_disposition=(
            f'attachment; filename="{change_log.change_log_filename(context.intervention)}"'
        ),
        cache_control="no-store",
    )
