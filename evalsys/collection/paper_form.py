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
from evalsys.i18n import _
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


def staff_problem(request, error: surveys.FieldError, questions: dict[str, Question]) -> Problem:
    """``error`` worded for the person typing the form, in the request's language."""
    question = questions.get(error.field)
    if question is None:  # not a question of this form: only the API or a script sends those
        text = request.translate(_("This question is not part of this questionnaire."))
        return Problem(error.field, text, text)
    mapping = {"number": question.number, "text": question.short_text(request.locale_name)}
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
        return _(
            "type a number from ${min} to ${max}.",
            mapping={
                "min": _number(error.params.get("min")),
                "max": _number(error.params.get("max")),
            },
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
