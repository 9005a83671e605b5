"""One field of a REDCap data dictionary as an evalsys item: field types, choices, validation.

The mapping is tabled in :mod:`surveys.redcap`; each function adds what it cannot map to
``problems`` (a list of :class:`~surveys.redcap_dictionary.Problem`) instead of stopping, so a
file's problems are all found in one reading.
"""

from __future__ import annotations

import json
import re
from typing import Any

from surveys.redcap_dictionary import Row, message, problem

#: REDCap's rule for variable (and form) names.
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
FORM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Field types that give no item; they are refused with their own message.
REFUSED_TYPES = {"calc": "type_calc", "file": "type_file", "sql": "type_sql"}
FIELD_TYPES = (
    "text",
    "notes",
    "radio",
    "dropdown",
    "checkbox",
    "yesno",
    "truefalse",
    "slider",
    "descriptive",
    *REFUSED_TYPES,
)
TEXT_LENGTH = {"text": 1000, "notes": 5000}
_NUMBER_VALIDATIONS = {
    "integer",
    "int",
    "number",
    "float",
    *(f"number_{n}dp" for n in range(1, 5)),
    "number_comma_decimal",
    *(f"number_{n}dp_comma_decimal" for n in range(1, 5)),
}
_TEXT_VALIDATIONS = {"alpha_only"}
_IDENTIFYING = re.compile(r"^(email|phone.*|ssn|mrn.*|vmrn|zipcode|postalcode.*)$")
_DATES = re.compile(r"^(date|datetime|time).*$")
#: Action tags that change what a field does (evalsys cannot do it): refused by name.
_REFUSED_TAGS = (
    "@CALCTEXT",
    "@CALCDATE",
    "@DEFAULT",
    "@SETVALUE",
    "@HIDDEN",
    "@HIDDEN-SURVEY",
    "@HIDDEN-FORM",
    "@READONLY",
    "@READONLY-SURVEY",
    "@HIDECHOICE",
)
_TAG = re.compile(r"@[A-Z][A-Z0-9_-]*")
_CHARLIMIT = re.compile(r"@CHARLIMIT\s*=\s*['\"]?(\d+)")
ITEM_TAG = "@EVALSYS"
INSTRUMENT_TAG = "@EVALSYS-INSTRUMENT"
_WHOLE = re.compile(r"^-?\d+$")


def flag(row: Row, column: str, problems: list) -> bool:
    """A ``y`` / empty column (``1``/``0`` and ``yes``/``no`` as REDCap's API writes them)."""
    value = row[column].lower()
    if value in ("", "n", "no", "0"):
        return False
    if value in ("y", "yes", "1"):
        return True
    problems.append(problem("bad_flag", row, column, value=repr(row[column])))
    return False


def annotation_tags(row: Row, problems: list) -> tuple[dict, dict | None]:
    """The evalsys item and instrument annotations (``@EVALSYS={...}``,
    ``@EVALSYS-INSTRUMENT={...}``) of a field; empty where it has none."""
    text = row["annotation"]
    found: dict[str, Any] = {}
    for tag, pattern in (
        (INSTRUMENT_TAG, r"@EVALSYS-INSTRUMENT\s*=\s*"),
        (ITEM_TAG, r"@EVALSYS\s*=\s*"),
    ):
        match = re.search(pattern, text)
        if not match:
            continue
        try:
            value, _end = json.JSONDecoder().raw_decode(text, match.end())
        except json.JSONDecodeError as exc:
            problems.append(problem("annotation", row, "annotation", tag=tag, reason=exc.msg))
            continue
        if not isinstance(value, dict):
            reason = "not a JSON object"
            problems.append(problem("annotation", row, "annotation", tag=tag, reason=reason))
            continue
        found[tag] = value
    return found.get(ITEM_TAG, {}), found.get(INSTRUMENT_TAG)


def refused_tags(row: Row, problems: list) -> None:
    """Report the action tags of a field that change what it does."""
    annotation = re.sub(r"@EVALSYS(-INSTRUMENT)?\s*=\s*\{.*\}", "", row["annotation"], flags=re.S)
    for tag in dict.fromkeys(_TAG.findall(annotation)):
        if tag in _REFUSED_TAGS:
            problems.append(problem("action_tag", row, "annotation", tag=tag))


def check_piping(row: Row, names: set[str], problems: list) -> None:
    """REDCap pipes an answer into a text with ``[variable]``: evalsys cannot.

    (The choices column of a calculated field holds its formula, reported as the field.)"""
    texts = ("label", "note", "section")
    for column in (*texts, "choices") if row["type"].lower() not in REFUSED_TYPES else texts:
        for name in dict.fromkeys(re.findall(r"\[([a-z][a-z0-9_]*)(?:\(\w+\))?\]", row[column])):
            if name in names:
                problems.append(problem("piping", row, column, name=name))


def choices(row: Row, problems: list) -> tuple[list[dict], dict[str, int]] | None:
    """The options of a radio, dropdown or checkbox field and its codes' stored values.

    Whole-number codes are kept as values; where any code is text (``a``, ``yes``) the choices
    are numbered 1, 2, 3 ... in order, each keeping its code as the option's ``name``.
    """
    text = row["choices"]
    parts = [p.strip() for p in (text.split("|") if "|" in text else text.splitlines())]
    parts = [p for p in parts if p]
    if not parts:
        problems.append(problem("no_choices", row, "choices", type=row["type"]))
        return None
    listed: list[tuple[str, str]] = []
    ok = True
    for part in parts:
        code, comma, label = part.partition(",")
        if not comma or not code.strip():
            problems.append(problem("bad_choice", row, "choices", choice=repr(part)))
            ok = False
            continue
        listed.append((code.strip(), label.strip()))
    codes = [code for code, _label in listed]
    for code in dict.fromkeys(c for c in codes if codes.count(c) > 1):
        problems.append(problem("duplicate_choice", row, "choices", code=repr(code)))
        ok = False
    if not ok:
        return None
    numbered = not all(_WHOLE.match(code) for code in codes)
    options, values = [], {}
    for position, (code, label) in enumerate(listed, start=1):
        value = position if numbered else int(code)
        option: dict[str, Any] = {"value": value, "label": {"_": label or code}}
        if numbered:
            option["name"] = code
        options.append(option)
        values[code] = value
    return options, values


def _bound(row: Row, column: str, problems: list) -> float | None:
    text = row[column].replace(",", ".") if row[column].count(",") == 1 else row[column]
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        problems.append(problem("bad_number", row, column, value=repr(row[column])))
        return None


def typed_item(row: Row, language: str, problems: list) -> tuple[dict, dict[str, int]] | None:
    """The type-specific keys of the item of a field (``type``, ``options``, ``min`` ...) and
    its choice codes; None (with the reason in ``problems``) where it gives no item."""
    kind = row["type"].lower()
    if kind in REFUSED_TYPES:
        problems.append(problem(REFUSED_TYPES[kind], row, "type"))
        return None
    if kind not in FIELD_TYPES:
        problems.append(problem("unknown_type", row, "type", type=repr(row["type"])))
        return None
    if flag(row, "matrix_ranking", problems):
        problems.append(problem("matrix_ranking", row, "matrix_ranking"))
    if kind in ("radio", "dropdown", "checkbox"):
        listed = choices(row, problems)
        if listed is None:
            return None
        options, codes = listed
        typed = "multiple_choice" if kind == "checkbox" else "single_choice"
        return {"type": typed, "options": options}, codes
    if kind in ("yesno", "truefalse"):
        yes, no = ("yes", "no") if kind == "yesno" else ("true", "false")
        options = [
            {"value": 1, "label": {"_": message(yes, language)}},
            {"value": 0, "label": {"_": message(no, language)}},
        ]
        return {"type": "yes_no", "options": options}, {"1": 1, "0": 0}
    if kind == "slider":
        return _slider(row, problems), {}
    if kind == "notes" or (kind == "text" and not row["validation"]):
        if row["min"] or row["max"]:
            problems.append(problem("range_without_number", row, "min"))
        limit = _CHARLIMIT.search(row["annotation"])
        return {
            "type": "text",
            "max_length": int(limit.group(1)) if limit else TEXT_LENGTH[kind],
        }, {}
    return _validated_text(row, problems)


def _slider(row: Row, problems: list) -> dict:
    lo, hi = _bound(row, "min", problems), _bound(row, "max", problems)
    item: dict[str, Any] = {
        "type": "number",
        "min": 0.0 if lo is None else lo,
        "max": 100.0 if hi is None else hi,
        "integer": True,
    }
    labels = [p.strip() for p in row["choices"].split("|") if p.strip()]
    if labels and not row["note"]:
        # The slider's anchors are what a participant reads beside it: they become the hint.
        item["hint"] = {"_": " … ".join(labels)}
    return item


def _validated_text(row: Row, problems: list) -> tuple[dict, dict[str, int]] | None:
    validation = row["validation"].lower()
    if _IDENTIFYING.match(validation):
        problems.append(problem("validation_identifier", row, "validation", validation=validation))
        return None
    if _DATES.match(validation):
        problems.append(problem("validation_date", row, "validation", validation=validation))
        return None
    if validation in _TEXT_VALIDATIONS:
        limit = _CHARLIMIT.search(row["annotation"])
        return {"type": "text", "max_length": int(limit.group(1)) if limit else 1000}, {}
    if validation not in _NUMBER_VALIDATIONS:
        problems.append(problem("validation_unknown", row, "validation", validation=validation))
        return None
    lo, hi = _bound(row, "min", problems), _bound(row, "max", problems)
    if (row["min"] and lo is None) or (row["max"] and hi is None):
        return None  # a bound that is no number (bad_number says so)
    if lo is not None and hi is not None and lo > hi:
        problems.append(problem("range_order", row, "min", min=f"{lo:g}", max=f"{hi:g}"))
        return None
    # Text Validation Min and Max are each optional: a number without them has no bound there
    # (a number a scale scores needs both; the instrument's schema says so, naming the scale).
    item: dict[str, Any] = {"type": "number"}
    if lo is not None:
        item["min"] = lo
    if hi is not None:
        item["max"] = hi
    if validation in ("integer", "int"):
        item["integer"] = True
    return item, {}


def in_language(value: Any, language: str) -> Any:
    """Replace the placeholder language key ``_`` by ``language`` throughout an item."""
    if isinstance(value, dict):
        return {(language if k == "_" else k): in_language(v, language) for k, v in value.items()}
    if isinstance(value, list):
        return [in_language(v, language) for v in value]
    return value


def column_item(row: Row, language: str, problems: list) -> tuple[dict, dict[str, int]] | None:
    """The item the columns of a field give (without its group and condition), and its choice
    codes' values; None (the reason in ``problems``) where the field gives no item."""
    typed = typed_item(row, language, problems)
    if typed is None:
        return None
    fields, codes = typed
    item: dict[str, Any] = {"id": row["field"], "text": {"_": row["label"] or row["field"]}}
    item["required"] = flag(row, "required", problems)
    item["reverse"] = False
    if row["note"]:
        item["hint"] = {"_": row["note"]}
    item.update(fields)
    return in_language(item, language), codes
