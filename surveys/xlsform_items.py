"""One XLSForm survey row as an evalsys item: question types, choices, ranges and lengths.

The mapping is tabled in :mod:`surveys.xlsform`.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.xlsform_sheets import texts

_DEFAULT_TEXT_LENGTH = 1000
_LOWER = re.compile(r"\.\s*>=\s*(-?\d+(?:\.\d+)?)")
_UPPER = re.compile(r"\.\s*<=\s*(-?\d+(?:\.\d+)?)")
_LENGTH = re.compile(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)")


def _required(value: Any) -> bool | None:
    text = str(value).strip().lower() if value is not None else ""
    if text in ("", "no", "false", "false()", "0"):
        return False
    if text in ("yes", "true", "true()", "1"):
        return True
    return None


def _choice_value(name: Any) -> int | None:
    if isinstance(name, bool):
        return None
    if isinstance(name, int):
        return name
    if isinstance(name, float) and name.is_integer():
        return int(name)
    text = str(name).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def item_from_row(record, kind, row_name, columns, choices, where, problems) -> dict | None:
    """The item definition (as in an instrument file) of one survey row, or None.

    ``kind`` is the row's type (``select_one agree5``), ``columns`` the language columns and
    ``choices`` the choice lists; a row that cannot be mapped adds ``(where, problem)`` to
    ``problems``.
    """
    required = _required(record.get("required"))
    if required is None:
        problems.append((where, f"required must be yes or no, got {record.get('required')!r}"))
        return None
    item: dict[str, Any] = {
        "id": row_name,
        "text": texts(record, "label", columns),
        "required": required,
    }
    hint = texts(record, "hint", columns)
    if hint:
        item["hint"] = hint
    parts = kind.split()
    base = parts[0] if parts else ""
    override = str(record.get("evalsys_type") or "").strip()
    constraint = str(record.get("constraint") or "")
    if base in ("select_one", "select_multiple"):
        if len(parts) != 2 or parts[1] not in choices:
            problems.append((where, f"{kind!r}: choice list not found on the choices sheet"))
            return None
        typed = _choice_item(record, base, override, choices[parts[1]], problems)
    elif base in ("integer", "decimal"):
        typed = _number_item(base, row_name, override, constraint, where, problems)
    elif base == "text":
        length = _LENGTH.search(constraint)
        typed = {
            "type": "text",
            "max_length": int(length.group(1)) if length else _DEFAULT_TEXT_LENGTH,
        }
    else:
        problems.append(
            (
                where,
                f"question type {kind!r} cannot be mapped to an evalsys item "
                "(supported: select_one, select_multiple, integer, decimal, text)",
            )
        )
        return None
    return None if typed is None else {**item, **typed}


def _choice_item(record, base: str, override: str, listed: list[dict], problems) -> dict | None:
    """Type and options of a select row; a plain yes/no list is stored as 1/0."""
    names = [str(c["name"]).strip().lower() for c in listed]
    yes_no = base == "select_one" and sorted(names) == ["no", "yes"]
    options = []
    for choice, name in zip(listed, names, strict=True):
        value = {"yes": 1, "no": 0}[name] if yes_no else _choice_value(choice["name"])
        if value is None:
            problems.append(
                (
                    f"choices row {choice['row']}",
                    f"choice name {choice['name']!r} is not a whole number; evalsys stores "
                    "answers as numbers (use 1, 2, 3 ...)",
                )
            )
            return None
        options.append({"value": value, "label": choice["label"]})
    if base == "select_multiple":
        kind = "multiple_choice"
    elif override in ("likert", "yes_no"):
        kind = override
    elif yes_no:
        kind = "yes_no"
    elif "likert" in str(record.get("appearance") or ""):
        kind = "likert"
    else:
        kind = "single_choice"
    return {"type": kind, "options": options}


def _number_item(base, row_name, override, constraint, where, problems) -> dict | None:
    """Type and range of an integer or decimal row, the range from ``. >= a and . <= b``."""
    lower, upper = _LOWER.search(constraint), _UPPER.search(constraint)
    if override != "year" and not (lower and upper):
        problems.append(
            (
                where,
                f"{base} question {row_name!r} needs a range: add a "
                "constraint like '. >= 0 and . <= 10'",
            )
        )
        return None
    item: dict[str, Any] = {"type": "year" if override == "year" else "number"}
    if lower:
        item["min"] = float(lower.group(1))
    if upper:
        item["max"] = float(upper.group(1))
    return item
