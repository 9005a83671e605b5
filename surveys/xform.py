"""A questionnaire as XLSForm rows (the dictionary pyxform reads), and as an XForm made by pyxform.

:func:`xlsform_rows` turns the instruments into the ``survey`` and ``choices`` rows of an
XLSForm: one group per instrument, an item per row, labels and hints in every language. A
caller puts its own rows before them (a participant code, consent) and gives the settings;
:func:`xform` hands the whole to pyxform, the reference implementation of XLSForm, so the XForm
is what ODK Collect and Enketo expect. The workbook export (surveys.xlsform_export) can write
the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from surveys.model import Item
from surveys.questionnaire import Questionnaire
from surveys.xlsform_sheets import language_header, language_label

#: Item type -> XLSForm question type (a choice type is followed by its list name).
XLSFORM_TYPES = {
    "likert": "select_one",
    "single_choice": "select_one",
    "yes_no": "select_one",
    "multiple_choice": "select_multiple",
    "number": "decimal",
    "year": "integer",
    "text": "text",
}


class XFormError(ValueError):
    """pyxform refused the rows; the message is pyxform's."""


def languages_of(questionnaire: Questionnaire, default_language: str = "nl") -> list[str]:
    """Every language an instrument of the questionnaire has, the default one first."""
    found = {lang for block in questionnaire.blocks for lang in block.languages}
    found |= {lang for block in questionnaire.blocks for lang in block.title}
    found.add(default_language)
    return [default_language, *sorted(found - {default_language})]


def texts(mapping: dict[str, str], languages: Sequence[str], kind: str = "label") -> dict:
    """``{"label::Dutch (nl)": ...}`` for each language; a missing one gets another's text
    (pyxform needs every language, and an empty label shows nothing in Collect)."""
    fallback = next((mapping[lang] for lang in languages if mapping.get(lang)), "")
    fallback = fallback or next(iter(mapping.values()), "")
    return {language_header(kind, lang): mapping.get(lang) or fallback for lang in languages}


def xlsform_rows(
    questionnaire: Questionnaire, languages: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``survey`` and ``choices`` rows of the questionnaire's instruments.

    Item ids are the XForm field names, so an instance's fields map back to answers by name
    (ids are unique across a questionnaire). Option values are the choice names.
    """
    survey: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []
    for block in questionnaire.blocks:
        survey.append(
            {
                "type": "begin_group",
                "name": block.id,
                **texts(block.section_title or block.title, languages),
                "appearance": "field-list",
            }
        )
        if block.instructions:
            survey.append(
                {
                    "type": "note",
                    "name": f"{block.id}_instructions",
                    **texts(block.instructions, languages),
                }
            )
        for item in block.items:
            survey.append(_item_row(item, languages, choices))
        survey.append({"type": "end_group", "name": block.id})
    return survey, choices


def _item_row(item: Item, languages: Sequence[str], choices: list[dict]) -> dict[str, Any]:
    kind = XLSFORM_TYPES[item.type]
    row: dict[str, Any] = {"name": item.id, **texts(item.text, languages)}
    if item.hint:
        row.update(texts(item.hint, languages, "hint"))
    if item.required:
        row["required"] = "yes"
    if item.options:
        list_name = f"{item.id}_options"
        kind = f"{kind} {list_name}"
        for option in item.options:
            choices.append(
                {
                    "list_name": list_name,
                    "name": str(option.value),
                    **texts(option.labels, languages),
                }
            )
        if item.type == "likert":
            row["appearance"] = "likert"
    elif item.type in ("number", "year") and item.min is not None and item.max is not None:
        row["constraint"] = f". >= {item.min:g} and . <= {item.max:g}"
    elif item.type == "text" and item.max_length:
        row["constraint"] = f"string-length(.) <= {item.max_length}"
    row["type"] = kind
    return row


def xform(
    survey: Iterable[dict[str, Any]],
    choices: Iterable[dict[str, Any]],
    *,
    form_id: str,
    title: str,
    version: str,
    default_language: str = "nl",
) -> str:
    """The XForm (XML text) of XLSForm rows, made by pyxform; XFormError if it refuses them."""
    workbook = {
        "survey": list(survey),
        "choices": list(choices),
        "settings": [
            {
                "form_title": title,
                "form_id": form_id,
                "version": version,
                "default_language": language_label(default_language),
            }
        ],
    }
    try:
        return convert(xlsform=workbook, warnings=[], form_name="data").xform
    except PyXFormError as error:
        raise XFormError(str(error)) from None


__all__ = ["XFormError", "languages_of", "texts", "xform", "xlsform_rows"]
