"""Writing a questionnaire as an XLSForm workbook, with openpyxl (the mapping: surveys.xlsform).

The survey and choices rows are those of :mod:`surveys.xlsform_rows` (conditions, groups,
constraints, missing codes and choice names included); the ``evalsys`` sheet keeps what
XLSForm has no column for (scales, licence, citation, reverse keying, the languages'
statuses), so that :func:`surveys.import_xlsform` reads the file back as the same
instruments (equal fingerprints). pyxform ignores that sheet and the ``evalsys_*`` columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from surveys.questionnaire import Questionnaire
from surveys.xlsform import EXTRA_SHEET
from surveys.xlsform_rows import exact_texts, questionnaire_rows
from surveys.xlsform_sheets import language_header, language_label

#: The instrument keys the survey and choices sheets do not hold.
_SHEET_KEYS = ("id", "items", "groups", "relevant", "missing_codes")


def export_xlsform(
    questionnaire: Questionnaire,
    target: str | Path | IO[bytes],
    languages: Iterable[str] | None = None,
    default_language: str = "nl",
) -> None:
    """Write a questionnaire as an XLSForm workbook (survey, choices, settings, evalsys).

    Parameters
    ----------
    questionnaire : Questionnaire
    target : path or binary file
    languages : iterable of str, optional
        The languages to write (default: every language of the instruments).
    default_language : str
        The language of the settings' ``default_language``, written first.

    Raises
    ------
    ValueError
        When a group's items are not together (XLSForm writes a group once).
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
    survey, choices = questionnaire_rows(questionnaire, langs, odk=False)
    if questionnaire.consent:
        survey.insert(
            0, {"type": "note", "name": "consent", **exact_texts(questionnaire.consent, langs)}
        )
    book = Workbook()
    fixed = [
        "type",
        "name",
        *[language_header("label", lang) for lang in langs],
        *[language_header("hint", lang) for lang in langs],
        "required",
        "relevant",
        "constraint",
        *[language_header("constraint_message", lang) for lang in langs],
        "appearance",
        "evalsys_type",
        "evalsys_missing",
    ]
    _sheet(book.active, "survey", fixed, survey)
    _sheet(
        book.create_sheet(),
        "choices",
        ["list_name", "name", *[language_header("label", lang) for lang in langs], "evalsys_value"],
        choices,
    )
    title = questionnaire.title.get(default_language) or next(
        iter(questionnaire.title.values()), questionnaire.id
    )
    _sheet(
        book.create_sheet(),
        "settings",
        ["form_title", "form_id", "version", "default_language"],
        [
            {
                "form_title": title,
                "form_id": questionnaire.id,
                "version": questionnaire.version,
                "default_language": language_label(default_language),
            }
        ],
    )
    _sheet(book.create_sheet(), EXTRA_SHEET, ["block", "key", "value"], _extra_rows(questionnaire))
    book.save(target)


def _sheet(ws, title: str, fixed: list[str], rows: list[dict[str, Any]]) -> None:
    """Rows under the fixed columns, plus any column a row has beyond them; empty columns
    other than the first two are left out."""
    columns = list(dict.fromkeys([*fixed, *(k for row in rows for k in row)]))
    used = {k for row in rows for k, v in row.items() if v not in (None, "")}
    columns = [c for c in columns if c in used or c in fixed[:2]]
    ws.title = title
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c) for c in columns])


def _extra_rows(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """The ``evalsys`` sheet: per block what the other sheets cannot say, as JSON."""

    def row(block: str, key: str, value: Any) -> dict[str, Any]:
        return {"block": block, "key": key, "value": json.dumps(value, ensure_ascii=False)}

    rows = [
        row("", "id", questionnaire.id),
        row("", "version", questionnaire.version),
        row("", "title", dict(questionnaire.title)),
    ]
    for block in questionnaire.blocks:
        data = block.to_dict()
        for key, value in data.items():
            if key not in _SHEET_KEYS:
                rows.append(row(block.id, key, value))
        items = {}
        for item in block.items:
            extra: dict[str, Any] = {}
            if item.reverse:
                extra["reverse"] = True
            if item.scores is not None:
                extra["scores"] = {str(k): v for k, v in item.scores.items()}
            if item.constraint is not None and not item.constraint_message:
                extra["constraint"] = item.constraint  # a plain range reads back as min/max
            if extra:
                items[item.id] = extra
        if items:
            rows.append(row(block.id, "items", items))
    return rows


__all__ = ["export_xlsform"]
