"""One XLSForm survey row as an evalsys item: question types, choices, ranges, missing codes.

The mapping is tabled in :mod:`surveys.xlsform`; conditions are read in
:mod:`surveys.xlsform_reader`, which calls :func:`item_from_row` for each question row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from surveys.errors import catalogue_message
from surveys.xlsform_choices import ChoiceList, option_of
from surveys.xlsform_expressions import ConstraintSubsetError, Range, read_ranges
from surveys.xlsform_problems import DOMAIN, Problems
from surveys.xlsform_sheets import Sheet, cell_text, texts

DEFAULT_TEXT_LENGTH = 1000
_LENGTH = re.compile(r"^\s*string-length\(\s*\.\s*\)\s*<=\s*(\d+)\s*$")
_TRUE = ("yes", "true", "true()", "1")
_FALSE = ("", "no", "false", "false()", "0")


@dataclass
class RowContext:
    """What a row is read against: its sheet, number, the form's languages and choice lists."""

    sheet: Sheet
    number: int
    languages: list[str]
    lists: dict[str, ChoiceList]
    problems: Problems

    def column(self, key: str) -> str:
        """The column as the sheet writes it (``label::Dutch (nl)``), for problem places."""
        return self.sheet.headers.get(key, key)

    def fail(self, key: str, problem: str, **params: Any) -> None:
        self.problems.add(self.sheet.name, self.number, self.column(key), problem, **params)


def required_of(record: dict[str, Any], ctx: RowContext) -> bool:
    """``required`` as yes / no (``true()``, 1 ...); an expression is refused."""
    text = cell_text(record.get("required")).lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        ctx.fail("required", "required_not_yes_no", value=cell_text(record.get("required")))
    return False


def item_from_row(
    record: dict[str, Any], base: str, list_name: str, or_other: bool, ctx: RowContext
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The item (as in an instrument file) of one question row, and its "other, namely" item.

    ``base`` is ``select_one``, ``select_multiple``, ``integer``, ``decimal`` or ``text``;
    conditions (``relevant``) are added by the caller. A row that cannot be mapped adds its
    problems to ``ctx.problems`` and gives ``(None, None)``.
    """
    name = cell_text(record.get("name"))
    item: dict[str, Any] = {"id": name, "text": texts(record, "label")}
    item["required"] = required_of(record, ctx)
    hint = texts(record, "hint")
    if hint:
        item["hint"] = hint
    override = cell_text(record.get("evalsys_type")).lower()
    if base in ("select_one", "select_multiple"):
        typed = _choice_part(record, base, list_name, override, ctx)
    elif base in ("integer", "decimal"):
        typed = _number_part(record, base, override, ctx)
    else:
        typed = _text_part(record, ctx)
    if typed is None:
        return None, None
    item |= typed
    other = _other_item(item, ctx) if or_other and "options" in item else None
    return item, other


def _choice_part(record, base, list_name, override, ctx) -> dict[str, Any] | None:
    listed = ctx.lists.get(list_name)
    if listed is None or not listed.choices:
        ctx.fail("type", "list_not_found", list=list_name)
        return None
    if cell_text(record.get("constraint")):
        ctx.fail("constraint", "constraint_on_choice")
    options = [option_of(c) for c in listed.choices]
    if base == "select_multiple":
        kind = "multiple_choice"
    elif override in ("likert", "yes_no", "single_choice"):
        kind = override
    elif listed.yes_no:
        kind = "yes_no"
    elif "likert" in cell_text(record.get("appearance")).lower():
        kind = "likert"
    else:
        kind = "single_choice"
    return {"type": kind, "options": options}


def _other_item(item: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    """``select_one L or_other``: an option "other" and the "other, namely" text item."""
    value = max(o["value"] for o in item["options"]) + 1
    item["options"].append(
        {"value": value, "name": "other", "label": _in_languages("or_other.option", ctx)}
    )
    return {
        "id": f"{item['id']}_other",
        "type": "text",
        "text": _in_languages("or_other.question", ctx),
        "required": False,
        "max_length": DEFAULT_TEXT_LENGTH,
        "relevant": f"selected(${{{item['id']}}}, {value})",
    }


def _in_languages(key: str, ctx: RowContext) -> dict[str, str]:
    """A text of the xlsform catalogue in each of the form's languages (English for others)."""
    return {lang: catalogue_message(DOMAIN, key, lang) for lang in ctx.languages}


def _number_part(record, base, override, ctx) -> dict[str, Any] | None:
    """Type, range, missing codes and constraint of an integer or decimal row."""
    kind = "year" if override == "year" else "number"
    item: dict[str, Any] = {"type": kind}
    if base == "integer" and kind == "number":
        item["integer"] = True
    text = cell_text(record.get("constraint"))
    if not text:  # a number without a range: validation checks only that it is a number
        return item
    try:
        alternatives = read_ranges(text)
    except ConstraintSubsetError:
        ctx.fail("constraint", "constraint_unsupported", constraint=text)
        return None
    ranges = [r for r in alternatives if r.point is None]
    points = [r.point for r in alternatives if r.point is not None]
    if not ranges:  # only single values (. = 1 or . = 2): no range they lie outside of
        ctx.fail("constraint", "number_only_values", name=cell_text(record.get("name")))
        return None
    # The outer bounds of the ranges; a range open on one side leaves that side open.
    lows = [r.lo.value for r in ranges if r.lo is not None]
    highs = [r.hi.value for r in ranges if r.hi is not None]
    lo = min(lows) if len(lows) == len(ranges) else None
    hi = max(highs) if len(highs) == len(ranges) else None
    if lo is not None:
        item["min"] = float(lo)
    if hi is not None:
        item["max"] = float(hi)
    inside = [p for p in points if (lo is None or p >= lo) and (hi is None or p <= hi)]
    outside = [p for p in points if p not in inside]
    if any(not float(p).is_integer() for p in outside):
        ctx.fail("constraint", "missing_code_not_whole", constraint=text)
        return None
    item["missing_values"] = [int(p) for p in outside]
    message = texts(record, "constraint_message")
    only = ranges[0]
    simple = (
        len(ranges) == 1
        and not inside
        and (only.lo is None or only.lo.inclusive)
        and (only.hi is None or only.hi.inclusive)
    )
    if not simple or message:
        kept = [*ranges, *(Range(r.lo, r.hi) for r in alternatives if r.point in inside)]
        item["constraint"] = " or ".join(r.to_text() for r in kept)
    if message:
        item["constraint_message"] = message
    return item


def _text_part(record, ctx) -> dict[str, Any] | None:
    text = cell_text(record.get("constraint"))
    if not text:
        return {"type": "text", "max_length": DEFAULT_TEXT_LENGTH}
    length = _LENGTH.match(text)
    if length is None:
        ctx.fail("constraint", "constraint_on_text", constraint=text)
        return None
    return {"type": "text", "max_length": int(length.group(1))}


__all__ = ["DEFAULT_TEXT_LENGTH", "RowContext", "item_from_row", "required_of"]
