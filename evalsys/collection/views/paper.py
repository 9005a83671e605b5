"""Paper entry: a coordinator types in paper forms one after another, keyboard only; the blank
paper questionnaire to print."""

from __future__ import annotations

import uuid

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.response import Response as WebResponse
from pyramid.view import view_config

from evalsys import audit
from evalsys.collection import double_entry, issued_codes
from evalsys.collection.cells import answers_from_cells, items_of, left_blank
from evalsys.collection.models import GROUPS
from evalsys.collection.paper_form import Problem, form_notes, questions_of, staff_problem
from evalsys.collection.paper_pdf import paper_questionnaire_pdf
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
from evalsys.i18n import LANGUAGES, _
from evalsys.programme import questionnaires

META_FIELDS = ("participant_code", "group", "language", "submission_id", "wave")


def form_languages(questionnaire) -> list[str]:
    """The languages a paper form can be in: those of every block (Dutch when none says)."""
    return sorted({lang for b in questionnaire.blocks for lang in b.languages} or {"nl"})


@view_config(route_name="site.paper", renderer="paper.jinja2", permission="collect")
def paper_entry(request):
    intervention, site = request.context.intervention, request.context.site
    page = {"intervention": intervention, "site": site, "waves": intervention.waves}
    if intervention.questionnaire is None:
        return {**page, "questionnaire": None}
    questionnaire = questionnaires.load(intervention.questionnaire)
    labels = {w.label: w for w in intervention.waves}
    wave = labels.get(request.params.get("wave", ""))
    questions = questions_of(questionnaire)
    page.update(
        questionnaire=questionnaire,
        wave=wave,
        languages=form_languages(questionnaire),
        questions=questions,
        notes=form_notes(questionnaire, questions, request.locale_name, request.translate),
        groups=GROUPS,
        language_names=LANGUAGES,
        values={"group": "intervention", "language": "nl"},
        errors=[],
        saved=None,
        submission_id=str(uuid.uuid4()),
        messages=request.session.pop_flash(),
        held=_held_entries(request, site),
    )
    if request.method != "POST" or wave is None:
        return page

    form = request.POST
    values = {name: form.get(name, "").strip() for name in (*META_FIELDS, *items_of(questionnaire))}
    cells = {item_id: values[item_id] for item_id in items_of(questionnaire)}
    # A question left blank on paper was left blank by the participant: stored as not answered.
    answers, problems = answers_from_cells(questionnaire, cells, blanks_allowed=True)
    questions = page["questions"]
    errors = [staff_problem(request, p, questions, questionnaire, answers) for p in problems]
    if not values["participant_code"]:
        errors.insert(0, _code_problem(request.translate(_("Fill in the participant code."))))
    group = values["group"] if values["group"] in GROUPS else "intervention"
    if not errors:
        submission = Submission(
            submission_id=values["submission_id"] or str(uuid.uuid4()),
            intervention=intervention,
            site=site,
            wave=wave,
            participant_code=values["participant_code"],
            answers=answers,
            language=values["language"] if values["language"] in page["languages"] else "nl",
            mode="paper",
            group=group,
            submitted_by=request.identity,
            code_elements=wave.settings.get("participant_code") == "self_generated",
            issued_only=issued_codes.only_issued(wave.settings),
        )
        try:
            if site.double_entry or double_entry.held_for(request.dbsession, submission):
                outcome = double_entry.enter(request.dbsession, submission, request=request)
            else:
                outcome = double_entry.Outcome(
                    "stored", stored=submit(request.dbsession, submission)
                )
        except InvalidAnswers as error:
            errors = [
                staff_problem(request, e, questions, questionnaire, answers) for e in error.errors
            ]
        except SubmissionError as error:
            errors = [_code_problem(_submission_problem(request, error, values, wave))]
        else:
            if outcome.kind == "differs":
                return HTTPSeeOther(
                    request.route_url(
                        "site.paper_held",
                        slug=intervention.slug,
                        site=site.slug,
                        entry=outcome.held.id,
                    )
                )
            # The next form: same wave, group and language; a new submission id.
            if outcome.kind == "held":
                page["saved"] = {"code": outcome.held.participant_code, "held": True}
                page["held"] = _held_entries(request, site)
            else:
                stored = outcome.stored
                page["saved"] = {
                    "code": stored.response.participant_code,
                    "created": stored.created,
                }
            # Said once the form is stored, with the numbers to check on the paper: a blank
            # is an answer of the participant's, and a mistyped one is corrected under
            # Stored responses (or caught by the second typing).
            blank = left_blank(questionnaire, answers)
            page["saved"]["blank"] = [questions[item_id].number for item_id in blank]
            page["values"] = {"group": group, "language": values["language"]}
            return page
    request.response.status_int = 400
    page.update(values=values, errors=errors, submission_id=values["submission_id"])
    return page


def _code_problem(text: str) -> Problem:
    return Problem("participant_code", text, text)


def _held_entries(request, site) -> list:
    """The site's forms typed once (double data entry); their codes are participant-level data,
    so showing them is logged."""
    held = double_entry.held_at_site(request.dbsession, site)
    if held:
        audit.record_request(
            request,
            "participant_data_viewed",
            target_type="site",
            target_id=site.id,
            intervention_id=site.intervention_id,
            site_id=site.id,
            page="paper",
            held=len(held),
        )
    return held


def _submission_problem(request, error: SubmissionError, values: dict, wave) -> str:
    code = values["participant_code"].upper()
    if isinstance(error, AlreadyAnswered):
        return request.translate(
            _(
                "Participant ${code} already answered round ${wave}. If the stored form is "
                "wrong, correct it under Stored responses.",
                mapping={"code": code, "wave": wave.label},
            )
        )
    if isinstance(error, WrongSite):
        return request.translate(
            _(
                "Participant ${code} belongs to another site. Check the code.",
                mapping={"code": code},
            )
        )
    if isinstance(error, CodeNotIssued):
        return request.translate(issued_codes.staff_message(error.reason, code))
    if isinstance(error, SubmissionConflict | SubmissionIdReused):
        # The same form saved before (back, changed, saved again): the first version stays.
        return request.translate(
            _(
                "This form was saved before with other answers or another code; that version "
                "is kept. Start a new form for a new entry; correct the stored version under "
                "Stored responses if it is wrong."
            )
        )
    if isinstance(error, double_entry.SameTypist):
        return request.translate(
            _(
                "You typed form ${code} for round ${wave} the first time. Another person types "
                "it the second time.",
                mapping={"code": code, "wave": wave.label},
            )
        )
    if isinstance(error, double_entry.AwaitingResolution):
        return request.translate(
            _(
                "Form ${code} for round ${wave} was typed twice already and differed. Resolve "
                "the differences under Forms typed once or differing.",
                mapping={"code": code, "wave": wave.label},
            )
        )
    if any(d.get("field") == "participant_code" for d in error.details):
        return request.translate(
            _("A participant code has 2 to 63 letters, digits or dashes, like AB12-7.")
        )
    return request.translate(
        _("This form could not be saved: ${problem}", mapping={"problem": error.message})
    )


@view_config(route_name="site.paper_pdf", permission="collect", request_method="GET")
def paper_pdf(context, request):
    """The blank paper questionnaire of one round in one language (``?wave=T0&lang=nl``)."""
    intervention, site = context.intervention, context.site
    if intervention.questionnaire is None:
        raise HTTPBadRequest(
            request.translate(_("This intervention has no questionnaire yet. Ask the evaluator."))
        )
    questionnaire = questionnaires.load(intervention.questionnaire)
    wave = next((w for w in intervention.waves if w.label == request.params.get("wave")), None)
    if wave is None:
        raise HTTPBadRequest(
            request.translate(
                _(
                    "Choose a round of the list: ${waves}.",
                    mapping={"waves": ", ".join(w.label for w in intervention.waves)},
                )
            )
        )
    languages = form_languages(questionnaire)
    language = request.params.get("lang", "nl")
    if language not in languages:
        raise HTTPBadRequest(
            request.translate(
                _(
                    "Choose a language of the questionnaire: ${languages}.",
                    mapping={"languages": ", ".join(languages)},
                )
            )
        )
    body = paper_questionnaire_pdf(
        questionnaire,
        language=language,
        translate=_localizer(request, language).translate,
        intervention=intervention.name,
        site=site.name,
        wave=f"{wave.label} · {wave.name_in(language)}",
        consent=(intervention.consent_text or {}).get(language, ""),
    )
    response = WebResponse(body=body, content_type="application/pdf")
    response.content_disposition = (
        f'inline; filename="paper-{site.slug}-{wave.label}-{language}.pdf"'
    )
    return response


def _localizer(request, language: str):
    """The interface's words in the form's language (English for a language it does not have)."""
    if language == request.locale_name:
        return request.localizer
    locale = language if language in LANGUAGES else "en"
    directories = request.registry.queryUtility(ITranslationDirectories, default=[])
    return make_localizer(locale, directories)
