"""Reading an XLSForm workbook's sheets: rows as records, language columns, choice lists."""

from __future__ import annotations

import re
from typing import Any

#: Language codes and the names XLSForm columns give them (``label::Dutch (nl)``).
LANGUAGE_NAMES = {
    "nl": "Dutch",
    "en": "English",
    "de": "German",
    "fr": "French",
    "tr": "Turkish",
    "ar": "Arabic",
    "pl": "Polish",
    "es": "Spanish",
    "pt": "Portuguese",
    "so": "Somali",
    "ti": "Tigrinya",
    "uk": "Ukrainian",
}
_CODE_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
_LANG_COLUMN = re.compile(r"^(label|hint)(?:::(.+))?$")


def sheet_rows(ws) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The header and the non-empty rows as ``(row number, {column: value})``."""
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return [], []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for number, row in enumerate(rows[1:], start=2):
        record = {h: v for h, v in zip(header, row, strict=False) if h}
        if any(v not in (None, "") for v in record.values()):
            out.append((number, record))
    return header, out


def language_of(suffix: str | None, default: str) -> str | None:
    """The language code of a column suffix (``Dutch (nl)``, ``nl`` or ``Dutch``), or None."""
    if suffix is None:
        return default
    match = re.search(r"\(([a-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$", suffix.strip())
    if match:
        return match.group(1)
    return _CODE_BY_NAME.get(suffix.strip().lower())


def language_label(lang: str) -> str:
    """``Dutch (nl)``: a language as headers and settings name it, and :func:`language_of` reads."""
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def language_header(kind: str, lang: str) -> str:
    """The column header for ``kind`` (label, hint) in ``lang``: ``label::Dutch (nl)``."""
    return f"{kind}::{language_label(lang)}"


def language_columns(header: list[str], default: str) -> tuple[dict[str, str], list[str]]:
    """The label and hint columns with their language, and those whose language is unknown."""
    columns, unknown = {}, []
    for h in header:
        match = _LANG_COLUMN.match(h)
        if match:
            lang = language_of(match.group(2), default)
            if lang is None:
                unknown.append(h)
            else:
                columns[h] = lang
    return columns, unknown


def texts(record: dict[str, Any], kind: str, columns: dict[str, str]) -> dict[str, str]:
    """The ``kind`` (label, hint) texts of a row by language, leaving out empty cells."""
    out = {}
    for header, lang in columns.items():
        if header.split("::")[0] == kind:
            value = record.get(header)
            if value not in (None, ""):
                out[lang] = str(value)
    return out


def read_choices(workbook, default: str) -> dict[str, list[dict]]:
    """The choices sheet's lists: list name -> ``[{row, name, label}]`` in sheet order."""
    if "choices" not in workbook.sheetnames:
        return {}
    header, rows = sheet_rows(workbook["choices"])
    columns, _unknown = language_columns(header, default)
    lists: dict[str, list[dict]] = {}
    for number, record in rows:
        list_name = str(record.get("list_name") or record.get("list name") or "").strip()
        lists.setdefault(list_name, []).append(
            {"row": number, "name": record.get("name"), "label": texts(record, "label", columns)}
        )
    return lists
