"""XLSForm (KoboToolbox, ODK) import and export of questionnaires, with openpyxl.

Mapping (survey sheet ``type`` column):

===============================  ============================================================
XLSForm                          evalsys item
===============================  ============================================================
``select_one L``                 single choice; ``likert`` with ``appearance: likert``;
                                 ``yes_no`` when the choices are exactly ``yes`` / ``no``
``select_multiple L``            multiple choice
``integer`` / ``decimal``        number; ``constraint`` must give ``. >= a and . <= b``
``text``                         short text; ``string-length(.) <= n`` sets the maximum
                                 length (default 1000)
``begin_group`` / ``end_group``  one group is one instrument (group name = instrument id);
                                 a group named ``demographics`` is the demographics block
``note`` named ``consent``       the consent text
===============================  ============================================================

Choice names must be whole numbers (evalsys stores option values as numbers), except a plain
``yes``/``no`` list, stored as 1/0. The optional ``evalsys_type`` column (written on export)
overrides the type: ``likert``, ``yes_no``, ``year``. Metadata rows (``start``, ``end``,
``today``, ``deviceid`` ...) and other notes are skipped. Every other row that cannot be
mapped is reported, all at once, in one :class:`XLSFormError`.

Language columns look like ``label::Dutch (nl)``; a plain ``label`` column is in the form's
``default_language`` (``nl`` if not set). The default language is marked ``original``, the
others ``working``: edit the instrument to claim a validated translation. Scales are not part
of XLSForm: add them to the imported instruments in YAML (see docs/instruments.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from surveys.errors import InstrumentError
from surveys.instrument import parse_instrument
from surveys.questionnaire import Questionnaire

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
_SKIPPED_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "calculate",
    "note",
}
_DEFAULT_TEXT_LENGTH = 1000
_LOWER = re.compile(r"\.\s*>=\s*(-?\d+(?:\.\d+)?)")
_UPPER = re.compile(r"\.\s*<=\s*(-?\d+(?:\.\d+)?)")
_LENGTH = re.compile(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)")
_LANG_COLUMN = re.compile(r"^(label|hint)(?:::(.+))?$")


class XLSFormError(InstrumentError):
    """One or more XLSForm rows could not be mapped; ``problems`` names sheet and row."""


def _sheet_rows(ws) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
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


def _language_of(suffix: str | None, default: str) -> str | None:
    if suffix is None:
        return default
    match = re.search(r"\(([a-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$", suffix.strip())
    if match:
        return match.group(1)
    return _CODE_BY_NAME.get(suffix.strip().lower())


def _texts(record: dict[str, Any], kind: str, columns: dict[str, str]) -> dict[str, str]:
    out = {}
    for header, lang in columns.items():
        if header.split("::")[0] == kind:
            value = record.get(header)
            if value not in (None, ""):
                out[lang] = str(value)
    return out


def _required(value: Any) -> bool | None:
    text = str(value).strip().lower() if value is not None else ""
    if text in ("", "no", "false", "false()", "0"):
        return False
    if text in ("yes", "true", "true()", "1"):
        return True
    return None


def import_xlsform(
    source: str | Path | IO[bytes], name: str | None = None, version: str | None = None
) -> Questionnaire:
    """Read an XLSForm workbook into a :class:`Questionnaire` of new (unregistered) instruments.

    Parameters
    ----------
    source : path or binary file
    name : str, optional
        Name for error messages (defaults to the file name).
    version : str, optional
        Version for the instruments; defaults to the settings sheet ``version`` or ``"1"``.

    Raises
    ------
    XLSFormError
        Listing every row that cannot be mapped, as ``survey row 7: ...``.
    """
    label = name or (str(source) if isinstance(source, str | Path) else "<xlsform>")
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        return _import_workbook(workbook, label, version)
    finally:
        workbook.close()


def _import_workbook(workbook, label: str, version: str | None) -> Questionnaire:
    problems: list[tuple[str, str]] = []
    if "survey" not in workbook.sheetnames:
        raise XLSFormError(label, [("", "no 'survey' sheet")])
    settings: dict[str, Any] = {}
    if "settings" in workbook.sheetnames:
        _header, rows = _sheet_rows(workbook["settings"])
        settings = rows[0][1] if rows else {}
    default_lang = _language_of(str(settings.get("default_language") or "Dutch (nl)"), "nl")
    default_lang = default_lang or "nl"
    form_id = str(settings.get("form_id") or Path(label).stem or "form")
    form_version = str(version or settings.get("version") or "1")

    header, survey = _sheet_rows(workbook["survey"])
    columns: dict[str, str] = {}
    for h in header:
        match = _LANG_COLUMN.match(h)
        if match:
            lang = _language_of(match.group(2), default_lang)
            if lang is None:
                problems.append(
                    (
                        f"survey column {h!r}",
                        "language not recognised; write it as 'label::Dutch (nl)'",
                    )
                )
            else:
                columns[h] = lang
    choices = _read_choices(workbook, columns_for=default_lang, problems=problems)

    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    consent: dict[str, str] = {}
    for number, record in survey:
        where = f"survey row {number}"
        kind = str(record.get("type") or "").strip()
        row_name = str(record.get("name") or "").strip()
        base = kind.split()[0] if kind else ""
        if base in ("begin_group", "begin group"):
            current = {"id": row_name, "title": _texts(record, "label", columns), "items": []}
            groups.append(current)
            continue
        if base in ("end_group", "end group"):
            current = None
            continue
        if base == "note" and row_name == "consent":
            consent = _texts(record, "label", columns)
            continue
        if base in _SKIPPED_TYPES:
            continue
        item = _map_row(record, kind, row_name, columns, choices, where, problems)
        if item is None:
            continue
        if current is None:
            current = {"id": form_id, "title": {}, "items": []}
            groups.append(current)
        current["items"].append(item)
    if problems:
        raise XLSFormError(label, problems)

    instruments = []
    demographics = None
    for g, group in enumerate(groups):
        languages = sorted({lang for item in group["items"] for lang in item["text"]})
        data = {
            "id": group["id"],
            "version": form_version,
            "kind": "demographics" if group["id"] == "demographics" else "questionnaire",
            "title": group["title"] or {lang: group["id"] for lang in languages},
            "languages": {
                lang: "original" if lang == default_lang else "working" for lang in languages
            },
            "items": group["items"],
            "notes": f"Imported from XLSForm {Path(label).name}.",
        }
        try:
            inst = parse_instrument(data, source=f"{label} group {group['id']!r}")
        except InstrumentError as exc:
            problems.extend((f"group {g + 1} ({group['id']}): {p}", m) for p, m in exc.problems)
            continue
        if inst.kind == "demographics":
            demographics = inst
        else:
            instruments.append(inst)
    if problems:
        raise XLSFormError(label, problems)
    titles = settings.get("form_title")
    return Questionnaire(
        id=form_id,
        version=form_version,
        title={default_lang: str(titles)} if titles else {},
        instruments=tuple(instruments),
        demographics=demographics,
        consent=consent,
    )


def _read_choices(workbook, columns_for: str, problems: list) -> dict[str, list[dict]]:
    if "choices" not in workbook.sheetnames:
        return {}
    header, rows = _sheet_rows(workbook["choices"])
    columns = {}
    for h in header:
        match = _LANG_COLUMN.match(h)
        if match and match.group(1) == "label":
            lang = _language_of(match.group(2), columns_for)
            if lang:
                columns[h] = lang
    lists: dict[str, list[dict]] = {}
    for number, record in rows:
        list_name = str(record.get("list_name") or record.get("list name") or "").strip()
        value = record.get("name")
        lists.setdefault(list_name, []).append(
            {"row": number, "name": value, "label": _texts(record, "label", columns)}
        )
    return lists


def _choice_value(name: Any) -> int | None:
    if isinstance(name, bool):
        return None
    if isinstance(name, int):
        return name
    if isinstance(name, float) and name.is_integer():
        return int(name)
    text = str(name).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _map_row(record, kind, row_name, columns, choices, where, problems) -> dict | None:
    parts = kind.split()
    base = parts[0] if parts else ""
    override = str(record.get("evalsys_type") or "").strip()
    item: dict[str, Any] = {
        "id": row_name,
        "text": _texts(record, "label", columns),
        "required": bool(_required(record.get("required"))),
    }
    hint = _texts(record, "hint", columns)
    if hint:
        item["hint"] = hint
    if _required(record.get("required")) is None:
        problems.append((where, f"required must be yes or no, got {record.get('required')!r}"))
        return None
    constraint = str(record.get("constraint") or "")
    if base in ("select_one", "select_multiple"):
        if len(parts) != 2 or parts[1] not in choices:
            problems.append((where, f"{kind!r}: choice list not found on the choices sheet"))
            return None
        options = []
        listed = choices[parts[1]]
        names = [str(c["name"]).strip().lower() for c in listed]
        yes_no = base == "select_one" and sorted(names) == ["no", "yes"]
        for choice in listed:
            value = (
                {"yes": 1, "no": 0}[str(choice["name"]).strip().lower()]
                if yes_no
                else (_choice_value(choice["name"]))
            )
            if value is None:
                problems.append(
                    (
                        f"choices row {choice['row']}",
                        f"choice name "
                        f"{choice['name']!r} is not a whole number; evalsys stores "
                        "answers as numbers (use 1, 2, 3 ...)",
                    )
                )
                return None
            options.append({"value": value, "label": choice["label"]})
        item["options"] = options
        if base == "select_multiple":
            item["type"] = "multiple_choice"
        elif override in ("likert", "yes_no"):
            item["type"] = override
        elif yes_no:
            item["type"] = "yes_no"
        elif "likert" in str(record.get("appearance") or ""):
            item["type"] = "likert"
        else:
            item["type"] = "single_choice"
        return item
    if base in ("integer", "decimal"):
        lower, upper = _LOWER.search(constraint), _UPPER.search(constraint)
        if override == "year":
            item["type"] = "year"
        else:
            item["type"] = "number"
            if not (lower and upper):
                problems.append(
                    (
                        where,
                        f"{base} question {row_name!r} needs a range: add a "
                        "constraint like '. >= 0 and . <= 10'",
                    )
                )
                return None
        if lower:
            item["min"] = float(lower.group(1))
        if upper:
            item["max"] = float(upper.group(1))
        return item
    if base == "text":
        length = _LENGTH.search(constraint)
        item["type"] = "text"
        item["max_length"] = int(length.group(1)) if length else _DEFAULT_TEXT_LENGTH
        return item
    problems.append(
        (
            where,
            f"question type {kind!r} cannot be mapped to an evalsys item "
            "(supported: select_one, select_multiple, integer, decimal, text)",
        )
    )
    return None


def _lang_header(kind: str, lang: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


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
            *[_lang_header("label", lang) for lang in langs],
            *[_lang_header("hint", lang) for lang in langs],
            "required",
            "constraint",
            "appearance",
            "evalsys_type",
        ]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *[_lang_header("label", lang) for lang in langs]])

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
            f"{LANGUAGE_NAMES.get(default_language, default_language)} ({default_language})",
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


__all__ = ["XLSFormError", "export_xlsform", "import_xlsform"]
