"""Paper entry: a coordinator types in paper forms one after another, keyboard only."""

from __future__ import annotations

import uuid

from pyramid.view import view_config

from evalsys.collection.cells import answers_from_cells, items_of
from evalsys.collection.models import GROUPS
from evalsys.collection.submissions import (
    AlreadyAnswered,
    InvalidAnswers,
    Submission,
    SubmissionConflict,
    SubmissionError,
    SubmissionIdReused,
    WrongSite,
    submit,
)
from evalsys.i18n import LANGUAGES, _
from evalsys.programme import questionnaires

META_FIELDS = ("participant_code", "group", "language", "submission_id", "wave")


@view_config(route_name="site.paper", renderer="paper.jinja2", permission="collect")
def paper_entry(request):
    intervention, site = request.context.intervention, request.context.site
    page = {"intervention": intervention, "site": site, "waves": intervention.waves}
    if intervention.questionnaire is None:
        return {**page, "questionnaire": None}
    questionnaire = questionnaires.load(intervention.questionnaire)
    labels = {w.label: w for w in intervention.waves}
    wave = labels.get(request.params.get("wave", ""))
    page.update(
        questionnaire=questionnaire,
        wave=wave,
        languages=sorted({lang for b in questionnaire.blocks for lang in b.languages} or {"nl"}),
        groups=GROUPS,
        language_names=LANGUAGES,
        values={"group": "intervention", "language": "nl"},
        errors=[],
        saved=None,
        submission_id=str(uuid.uuid4()),
    )
    if request.method != "POST" or wave is None:
        return page

    form = request.POST
    values = {name: form.get(name, "").strip() for name in (*META_FIELDS, *items_of(questionnaire))}
    cells = {item_id: values[item_id] for item_id in items_of(questionnaire)}
    answers, problems = answers_from_cells(questionnaire, cells)
    language = request.locale_name
    errors = [(p.field, p.text(language)) for p in problems]
    if not values["participant_code"]:
        errors.insert(0, ("participant_code", request.translate("Fill in the participant code.")))
    group = values["group"] if values["group"] in GROUPS else "intervention"
    if not errors:
        try:
            stored = submit(
                request.dbsession,
                Submission(
                    submission_id=values["submission_id"] or str(uuid.uuid4()),
                    intervention=intervention,
                    site=site,
                    wave=wave,
                    participant_code=values["participant_code"],
                    answers=answers,
                    language=values["language"]
                    if values["language"] in page["languages"]
                    else "nl",
                    mode="paper",
                    group=group,
                    submitted_by=request.identity,
                    code_elements=wave.settings.get("participant_code") == "self_generated",
                ),
            )
        except InvalidAnswers as error:
            errors = [(e.field, e.text(language)) for e in error.errors]
        except SubmissionError as error:
            errors = [("participant_code", _submission_problem(request, error, values, wave))]
        else:
            # The next form: same wave, group and language; a new submission id.
            page["saved"] = {"code": stored.response.participant_code, "created": stored.created}
            page["values"] = {"group": group, "language": values["language"]}
            return page
    request.response.status_int = 400
    page.update(values=values, errors=errors, submission_id=values["submission_id"])
    return page


def _submission_problem(request, error: SubmissionError, values: dict, wave) -> str:
    code = values["participant_code"].upper()
    if isinstance(error, AlreadyAnswered):
        return request.translate(
            _(
                "Participant ${code} already answered wave ${wave}. If the stored form is "
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
    if isinstance(error, SubmissionConflict | SubmissionIdReused):
        # The same form saved before (back, changed, saved again): the first version stays.
        return request.translate(
            _(
                "This form was saved before with other answers or another code; that version "
                "is kept. Start a new form for a new entry; correct the stored version under "
                "Stored responses if it is wrong."
            )
        )
    if any(d.get("field") == "participant_code" for d in error.details):
        return request.translate(
            _("A participant code has 2 to 63 letters, digits or dashes, like AB12-7.")
        )
    return request.translate(
        _("This form could not be saved: ${problem}", mapping={"problem": error.message})
    )
