"""Writing a questionnaire as an XLSForm workbook, with openpyxl (the mapping: surveys.xlsform)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from surveys.questionnaire import Questionnaire
from surveys.xlsform_sheets import language_header, language_label


def export_xlsform(
    questionnaire: Questionnaire,
    target: str | Path | IO[bytes],
    languages: Iterable[str] | None = None,
    default_language: str = "nl",
) -> None:
    """Write a questionnaire as an XLSForm workbook (survey, choices, settings sheets).

    Scales, reverse keying and citations are not part of XLSForm and are not written; the
    ``evalsys_type`` column keeps likert, yes/no and year items recognisable on import.
    """
    blocks = questionnaire.blocks
    langs = (
        list(languages)
        if languages is not None
        else sorted({lang for b in blocks for lang in b.languages} or {default_language})
    )
    if default_language in langs:
        langs.remove(default_language)
        langs.insert(0, default_language)
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            *[language_header("label", lang) for lang in langs],
            *[language_header("hint", lang) for lang in langs],
            "required",
            "constraint",
            "appearance",
            "evalsys_type",
        ]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *[language_header("label", lang) for lang in langs]])

    def texts(mapping: dict[str, str]) -> list[str]:
        return [mapping.get(lang, "") for lang in langs]

    if questionnaire.consent:
        survey.append(
            ["note", "consent", *texts(questionnaire.consent), *[""] * len(langs), "", "", "", ""]
        )
    for block in blocks:
        survey.append(
            [
                "begin_group",
                block.id,
                *texts(block.title),
                *[""] * len(langs),
                "",
                "",
                "field-list",
                "",
            ]
        )
        for item in block.items:
            survey.append(_export_item(item, texts, choices))
        survey.append(["end_group", block.id, *[""] * (2 * len(langs)), "", "", "", ""])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    title = questionnaire.title.get(default_language) or next(
        iter(questionnaire.title.values()), questionnaire.id
    )
    settings.append(
        [
            title,
            questionnaire.id,
            questionnaire.version,
            language_label(default_language),
        ]
    )
    book.save(target)


def _export_item(item, texts, choices) -> list[Any]:
    constraint, appearance, evalsys_type = "", "", ""
    if item.options:
        list_name = f"{item.id}_options"
        for option in item.options:
            choices.append([list_name, option.value, *texts(option.labels)])
        kind = ("select_multiple " if item.type == "multiple_choice" else "select_one ") + list_name
        if item.type == "likert":
            appearance, evalsys_type = "likert", "likert"
        elif item.type == "yes_no":
            evalsys_type = "yes_no"
    elif item.type in ("number", "year"):
        kind = "integer" if item.type == "year" else "decimal"
        constraint = f". >= {item.min:g} and . <= {item.max:g}"
        evalsys_type = "year" if item.type == "year" else ""
    else:
        kind = "text"
        constraint = f"string-length(.) <= {item.max_length}"
    return [
        kind,
        item.id,
        *texts(item.text),
        *texts(item.hint),
        "yes" if item.required else "no",
        constraint,
        appearance,
        evalsys_type,
    ]


__all__ = ["export_xlsform"]
