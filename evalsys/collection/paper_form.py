"""The paper form as staff see it: one question number across the form, problems worded for staff.

The entry screen, the printed questionnaire and the double-entry comparison all number the
questions the same way: 1, 2, 3... over the whole form, demographics first (the order of
``Questionnaire.blocks``). Problems come from ``surveys`` as ``FieldError`` worded for the
participant ("u", "please answer"); a coordinator typing a form in needs the question's number,
its text and what to type instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import surveys
from evalsys.collection.condition_text import in_words, wording_for
from evalsys.i18n import _
from surveys.conditions import parse_condition
from surveys.model import CHOICE_TYPES

SHORT_TEXT = 60  # characters of a question's text in a problem line


@dataclass(frozen=True)
class Question:
    """One item of the form with the number the paper and the entry screen show."""

    number: int
    item: surveys.Item

    def text(self, lang: str) -> str:
        return in_language(self.item.text, lang)

    def short_text(self, lang: str) -> str:
        text = " ".join(self.text(lang).split())
        return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1].rstrip() + "…"


@dataclass(frozen=True)
class Problem:
    """A problem with one field of the form: the line for the summary and the one at the field."""

    field: str
    summary: str
    at_field: str


def in_language(texts: dict[str, str], lang: str) -> str:
    """A text in ``lang``, else Dutch, else any language it has."""
    return texts.get(lang) or texts.get("nl") or next(iter(texts.values()), "")


def questions_of(questionnaire: surveys.Questionnaire) -> dict[str, Question]:
    """Every item by id with its number, in the order of the form."""
    items = (item for block in questionnaire.blocks for item in block.items)
    return {item.id: Question(n, item) for n, item in enumerate(items, start=1)}


def staff_problem(
    request,
    error: surveys.FieldError,
    questions: dict[str, Question],
    questionnaire: surveys.Questionnaire | None = None,
    answers: dict | None = None,
) -> Problem:
    """``error`` worded for the person typing the form, in the request's language.

    An answer to a question that does not apply (``not_applicable``) names the condition that
    does not hold, in words with the paper's question numbers, when ``questionnaire`` and the
    form's ``answers`` are given.
    """
    question = questions.get(error.field)
    if question is None:  # not a question of this form: only the API or a script sends those
        text = request.translate(_("This question is not part of this questionnaire."))
        return Problem(error.field, text, text)
    mapping = {"number": question.number, "text": question.short_text(request.locale_name)}
    if error.code == "not_applicable":
        why = ""
        if questionnaire is not None:
            condition = failing_condition(questionnaire, error.field, answers or {})
            if condition:
                why = " " + condition_in_words(
                    condition, questionnaire, questions, request.locale_name, request.translate
                )
        summary = _(
            "Question ${number} (${text}) does not apply to this form, because of an earlier "
            "answer.${why} Leave it empty, or check the earlier answer.",
            mapping={**mapping, "why": why},
        )
        at_field = _(
            "This question does not apply, because of an earlier answer.${why} Leave it empty.",
            mapping={"why": why},
        )
        return Problem(error.field, request.translate(summary), request.translate(at_field))
    if error.code == "constraint":
        lang = "nl" if request.locale_name == "nl" else "en"
        what = error.text(lang)
        summary = _("Question ${number} (${text}): ${what}", mapping={**mapping, "what": what})
        return Problem(error.field, request.translate(summary), what)
    if error.code == "required":
        summary = _("Answer question ${number} (${text}).", mapping=mapping)
        return Problem(
            error.field,
            request.translate(summary),
            request.translate(_("Type the answer from the paper form.")),
        )
    what = request.translate(_what_to_type(error, question.item))
    summary = _("Question ${number} (${text}): ${what}", mapping={**mapping, "what": what})
    return Problem(error.field, request.translate(summary), what[:1].upper() + what[1:])


def _what_to_type(error: surveys.FieldError, item: surveys.Item):
    values = ", ".join(str(v) for v in item.option_values)
    if error.code == "out_of_range":
        low, high = error.params.get("min"), error.params.get("max")
        if low is None:  # a number with only an upper bound (surveys: out_of_range.max)
            return _("type a number of at most ${max}.", mapping={"max": _number(high)})
        if high is None:
            return _("type a number of at least ${min}.", mapping={"min": _number(low)})
        return _(
            "type a number from ${min} to ${max}.",
            mapping={"min": _number(low), "max": _number(high)},
        )
    if error.code == "too_long":
        return _(
            "shorten the answer to at most ${count} characters.",
            mapping={"count": error.params.get("max_length", item.max_length)},
        )
    if error.code == "invalid_characters":
        return _("type the text again: it holds a hidden control character (often pasted along).")
    if item.type in CHOICE_TYPES:
        return _("choose one of the answers (${values}).", mapping={"values": values})
    if item.type == "multiple_choice":
        return _(
            "choose one or more of the answers (${values}), separated by ;",
            mapping={"values": values},
        )
    if item.type == "number":
        return _("type a number.")
    if item.type == "year":
        return _("type a year, such as 2009.")
    return _("type the answer as text.")


def _number(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def conditions_of(questionnaire: surveys.Questionnaire, item_id: str) -> list[str]:
    """The conditions a question applies under, outermost first: its block's, its groups',
    its own."""
    for block in questionnaire.blocks:
        if not block.has_item(item_id):
            continue
        item = block.item(item_id)
        groups = {g.id: g for g in block.groups}
        chain, group_id = [], item.group
        while group_id in groups and groups[group_id] not in chain:
            chain.append(groups[group_id])
            group_id = groups[group_id].parent
        found = [block.relevant, *(g.relevant for g in reversed(chain)), item.relevant]
        return [c for c in found if c]
    return []


def failing_condition(
    questionnaire: surveys.Questionnaire, item_id: str, answers: dict
) -> str | None:
    """The first of the question's conditions that does not hold for ``answers`` (an answer to
    a question that does not apply counting as not given); its own when none can be found."""
    hidden = questionnaire.not_applicable(answers)
    given = {k: v for k, v in answers.items() if k not in hidden}
    conditions = conditions_of(questionnaire, item_id)
    for condition in conditions:
        if not parse_condition(condition).holds(given):
            return condition
    return conditions[-1] if conditions else None


def condition_in_words(
    condition: str,
    questionnaire: surveys.Questionnaire,
    questions: dict[str, Question],
    lang: str,
    translate,
) -> str:
    """ "Only if you answered 'Yes' to question 3.", with the paper's question numbers."""
    items = {q.item.id: q.item for q in questions.values()}
    number = {q.item.id: q.number for q in questions.values()}

    def question(item: surveys.Item) -> str:
        return translate(_("question ${number}", mapping={"number": number[item.id]}))

    return in_words(condition, wording_for(items, lang, question), translate)


def form_notes(
    questionnaire: surveys.Questionnaire, questions: dict[str, Question], lang: str, translate
) -> dict[str, dict]:
    """Per question id, what the entry screen and the printed form say besides the options:
    ``condition`` (the conditions it applies under, in words) and ``missing`` (its
    missing-data codes, which are typed like an answer)."""
    notes: dict[str, dict] = {}
    for block in questionnaire.blocks:
        for item in block.items:
            words = [
                condition_in_words(c, questionnaire, questions, lang, translate)
                for c in conditions_of(questionnaire, item.id)
            ]
            missing = block.missing_for(item)
            if words or missing:
                notes[item.id] = {"condition": " ".join(words), "missing": missing}
    return notes
