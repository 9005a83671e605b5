"""Double data entry pages: the site's switch, and a form typed twice with its differences."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from evalsys import audit
from evalsys.collection import double_entry
from evalsys.collection.models import HeldPaperEntry
from evalsys.collection.paper_form import Problem, in_language, questions_of, staff_problem
from evalsys.collection.submission_errors import InvalidAnswers, SubmissionError
from evalsys.collection.submissions import Submission
from evalsys.collection.views.paper import _submission_problem
from evalsys.i18n import LANGUAGES, _
from evalsys.programme import questionnaires


@view_config(route_name="site.paper_double_entry", permission="collect", request_method="POST")
def switch(context, request):
    """On or off for the site; the site's evaluators and coordinators decide."""
    site = context.site
    on = request.POST.get("double_entry") == "on"
    if site.double_entry != on:
        site.double_entry = on
        audit.record_request(
            request,
            "paper_double_entry_switched",
            target_type="site",
            target_id=site.id,
            intervention_id=site.intervention_id,
            site_id=site.id,
            on=on,
        )
    request.session.flash(
        request.translate(
            _("Double data entry is on: every paper form is typed twice, by two people.")
            if on
            else _("Double data entry is off: a paper form is stored when it is typed once.")
        )
    )
    wave = request.POST.get("wave", "")
    query = {"wave": wave} if wave else {}
    return HTTPSeeOther(
        request.route_url(
            "site.paper", slug=context.intervention.slug, site=site.slug, _query=query
        )
    )


@view_config(route_name="site.paper_held", permission="collect", renderer="paper_held.jinja2")
def held_form(context, request):
    """GET: the two entries side by side; POST: store the form with the values chosen."""
    intervention, site = context.intervention, context.site
    held = _held(request, site)
    questionnaire = questionnaires.load(intervention.questionnaire)
    questions = questions_of(questionnaire)
    found = double_entry.differences(held)
    order = {field: q.number for field, q in questions.items()}
    found.sort(key=lambda d: order.get(d.field, 0))
    lang = request.locale_name
    rows = [_row(request, d, questions, lang) for d in found]
    page = {
        "intervention": intervention,
        "site": site,
        "held": held,
        "rows": rows,
        "errors": [],
        "chosen": {},
    }
    if request.method != "POST":
        audit.record_request(
            request,
            "participant_data_viewed",
            target_type="participant",
            target_id=held.participant_code,
            intervention_id=intervention.id,
            site_id=site.id,
            page="paper_held",
        )
        return page
    chosen = {d.field: request.POST.get(f"choice-{d.field}", "") for d in found}
    submission = Submission(
        submission_id=held.second_submission_id or held.submission_id,
        intervention=intervention,
        site=site,
        wave=held.wave,
        participant_code=held.participant_code,
        answers={},
        mode="paper",
        submitted_by=request.identity,
        code_elements=held.wave.settings.get("participant_code") == "self_generated",
    )
    try:
        stored = double_entry.resolve(request.dbsession, held, submission, chosen, request=request)
    except KeyError as missing:
        errors = [row["problem"] for row in rows if row["field"] in missing.args]
    except InvalidAnswers as invalid:
        # The values chosen do not fit together: an answer to a question that does not apply
        # once the other entry's answer to an earlier question is taken.
        answers = submission.answers
        errors = [
            staff_problem(request, e, questions, questionnaire, answers) for e in invalid.errors
        ]
    except SubmissionError as error:
        values = {"participant_code": held.participant_code}
        text = _submission_problem(request, error, values, held.wave)
        errors = [Problem("participant_code", text, text)]
    else:
        request.session.flash(
            request.translate(
                _("Saved: ${code}", mapping={"code": stored.response.participant_code})
            )
        )
        return HTTPSeeOther(
            request.route_url(
                "site.paper",
                slug=intervention.slug,
                site=site.slug,
                _query={"wave": held.wave.label},
            )
        )
    request.response.status_int = 400
    page.update(errors=errors, chosen=chosen)
    return page


def _held(request, site) -> HeldPaperEntry:
    entry = request.matchdict["entry"]
    held = None
    if entry.isdigit() and len(entry) <= 18:
        held = request.dbsession.get(HeldPaperEntry, int(entry))
    if held is None or held.site_id != site.id:
        raise HTTPNotFound()
    return held


def _row(request, difference, questions, lang) -> dict:
    """One difference as the page shows it: number, question, the two values as typed."""
    field = difference.field
    question = questions.get(field)
    if field == "group":
        label, number = request.translate(_("Group")), ""
        names = {"intervention": _("intervention group"), "comparison": _("comparison group")}
        show = {g: request.translate(name) for g, name in names.items()}
        values = [show.get(v, v) for v in (difference.first, difference.second)]
    elif field == "language":
        label, number = request.translate(_("Language of the paper form")), ""
        values = [LANGUAGES.get(v, v) for v in (difference.first, difference.second)]
    else:
        label = question.text(lang) if question else field
        number = question.number if question else ""
        values = [_shown(request, question, v) for v in (difference.first, difference.second)]
    name = label if number == "" else f"{number}"
    text = request.translate(
        _("Choose the right value for ${question}.", mapping={"question": name})
        if number == ""
        else _("Choose the right value for question ${question}.", mapping={"question": name})
    )
    return {
        "field": field,
        "number": number,
        "label": label,
        "first": values[0],
        "second": values[1],
        "problem": Problem(field, text, text),
    }


def _shown(request, question, value) -> str:
    if value is None:
        return request.translate(_("(empty)"))
    item = question.item if question else None
    options = (*item.options, *item.missing) if item else ()  # missing-data codes too
    labels = {o.value: in_language(o.labels, request.locale_name) for o in options}
    values = value if isinstance(value, list) else [value]
    return "; ".join(f"{v} = {labels[v]}" if v in labels else str(v) for v in values)
