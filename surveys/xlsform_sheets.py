"""Reading an XLSForm workbook (.xlsx or .xls): its sheets as rows, columns in any case, languages.

Sheet and column names are compared in lower case, with pyxform's aliases (``relevance``,
``caption``, ``bind::relevant``, ``list name``); language columns are ``label::Dutch (nl)``,
``label::nl``, ``label:English`` or a plain ``label`` in the form's default language.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from surveys.xlsform_problems import Problems, XLSFormError

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
#: Columns that hold a text per language.
TRANSLATABLE = (
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "image",
    "big-image",
    "audio",
    "video",
)
_ALIASES = {
    "relevance": "relevant",
    "caption": "label",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "calculate": "calculation",
    "list name": "list_name",
    "repeat_count": "jr:count",
    "count": "jr:count",
    "control::appearance": "appearance",
    "readonly": "read_only",
    "set_form_title": "form_title",
    "set_form_id": "form_id",
    "media::image": "image",
    "media::audio": "audio",
    "media::video": "video",
    "media::big-image": "big-image",
}
_XLSX_MAGIC, _XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class Sheet:
    """One sheet: its name as written, the headers (normalised -> as written), the rows."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def read_sheets(source: str | Path | IO[bytes], label: str) -> dict[str, list[list[Any]]]:
    """Every sheet of an .xlsx or .xls workbook as rows of cell values, by lower-case name.

    Raises
    ------
    XLSFormError
        ``not_workbook`` when the bytes are neither an .xlsx nor an .xls workbook.
    """
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    try:
        if data.startswith(_XLSX_MAGIC):
            return _xlsx_sheets(data)
        if data.startswith(_XLS_MAGIC):
            return _xls_sheets(data)
    except Exception:  # noqa: BLE001 - the readers raise many kinds for a broken file
        pass
    problems = Problems()
    problems.add("", None, "", "not_workbook")
    raise XLSFormError(label, problems)


def _xlsx_sheets(data: bytes) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {
            ws.title.strip().lower(): [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in book.worksheets
        }
    finally:
        book.close()


def _xls_sheets(data: bytes) -> dict[str, list[list[Any]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    sheets = {}
    for ws in book.sheets():
        rows = []
        for r in range(ws.nrows):
            row = []
            for cell in ws.row(r):
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_EMPTY or value == "":
                    value = None
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                row.append(value)
            rows.append(row)
        sheets[ws.name.strip().lower()] = rows
    return sheets


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(name: str, raw: list[list[Any]], default: str, problems: Problems) -> Sheet:
    """A sheet's non-empty rows as ``(row number, {normalised column: value})``.

    A translatable column becomes ``label::<code>``; one whose language is not recognised is
    a problem of the header row.
    """
    sheet = Sheet(name)
    if not raw:
        return sheet
    keys: list[str | None] = []
    for cell in raw[0]:
        written = cell_text(cell)
        key = normalise_column(written, default) if written else None
        if written and key is None:
            problems.add(name, 1, written, "unknown_language")
        elif key is not None:
            sheet.headers.setdefault(key, written)
        keys.append(key)
    for number, row in enumerate(raw[1:], start=2):
        record: dict[str, Any] = {}
        # Two columns for one thing (``label`` and ``label::English (en)``) are read as one;
        # they may not disagree.
        for i, (key, value) in enumerate(zip(keys, row, strict=False)):
            if not key or value is None or value == "":
                continue
            if key in record and cell_text(record[key]) != cell_text(value):
                problems.add(
                    name,
                    number,
                    cell_text(raw[0][i]),
                    "conflicting_columns",
                    other=sheet.headers[key],
                )
                continue
            record[key] = value
        if record:
            sheet.rows.append((number, record))
    return sheet


def normalise_column(header: str, default: str) -> str | None:
    """``label::Dutch (nl)`` -> ``label::nl``, ``Relevance`` -> ``relevant``; None when the
    header names a language that is not recognised."""
    text = header.strip()
    lowered = text.lower()
    if lowered.startswith("bind::"):
        lowered = lowered.removeprefix("bind::")
        text = text[6:]
    if lowered in _ALIASES:
        lowered = _ALIASES[lowered]
        text = lowered
    for media in ("media::", ""):
        for kind in TRANSLATABLE:
            for separator in ("::", ":"):
                prefix = f"{media}{kind}{separator}"
                if lowered.startswith(prefix) and len(lowered) > len(prefix):
                    lang = language_of(text[len(prefix) :], default)
                    return f"{kind}::{lang}" if lang else None
            if lowered == f"{media}{kind}" and kind in TRANSLATABLE:
                return f"{kind}::{default}"
    return lowered


def language_of(suffix: str | None, default: str) -> str | None:
    """The language code of a column suffix (``Dutch (nl)``, ``nl`` or ``Dutch``), or None."""
    if suffix is None or not suffix.strip():
        return default
    text = suffix.strip()
    match = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$", text)
    if match:
        return match.group(1).lower() if "-" not in match.group(1) else match.group(1)
    if re.fullmatch(r"[A-Za-z]{2,3}", text):
        return text.lower()
    return _codes_by_name().get(text.lower())


@cache
def _codes_by_name() -> dict[str, str]:
    """Language names (English, as Babel spells them) to two-letter codes."""
    from babel import Locale

    names = {name.lower(): code for code, name in Locale("en").languages.items() if len(code) == 2}
    return names | {name.lower(): code for code, name in LANGUAGE_NAMES.items()}


def language_label(lang: str) -> str:
    """``Dutch (nl)``: a language as headers and settings name it, and :func:`language_of` reads."""
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def language_header(kind: str, lang: str) -> str:
    """The column header for ``kind`` (label, hint) in ``lang``: ``label::Dutch (nl)``."""
    return f"{kind}::{language_label(lang)}"


def texts(record: dict[str, Any], kind: str) -> dict[str, str]:
    """The ``kind`` (label, hint, ...) texts of a normalised row by language, empty left out."""
    prefix = f"{kind}::"
    return {
        key[len(prefix) :]: cell_text(value)
        for key, value in record.items()
        if key.startswith(prefix) and cell_text(value)
    }


__all__ = [
    "LANGUAGE_NAMES",
    "Sheet",
    "cell_text",
    "language_header",
    "language_label",
    "language_of",
    "normalise_column",
    "read_sheet",
    "read_sheets",
    "texts",
]
