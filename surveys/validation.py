"""Checking one response's answers against an instrument, and turning spreadsheet text into answers.

Typing is strict: answers are never silently coerced or dropped.

- Missing is: key absent, ``None``, ``pandas.NA``, a float NaN, the empty string ``""``, or
  an empty list.
- Choice items (likert, single choice, yes/no) take an option value: an ``int``, or a float with a
  whole value such as ``3.0`` (what pandas gives for an integer column with gaps). ``True``,
  ``"3"`` and ``3.5`` are ``wrong_type``; a whole number that is not an option is
  ``invalid_option``.
- Multiple choice takes a list (or tuple) of distinct option values; an empty list is missing.
- Number takes an int or a finite float; year takes a whole number. Outside min..max is
  ``out_of_range``.
- Text takes a ``str``; longer than ``max_length`` is ``too_long``; a control character other
  than tab, line feed and carriage return (NUL and the like) is ``invalid_characters``.

Text cells from a spreadsheet or CSV go through :func:`coerce_answers` first, which converts
``"3"`` to ``3`` and ``"1;3"`` to ``[1, 3]`` for the item's type and reports what it cannot
convert as a FieldError instead of dropping it.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

from surveys.errors import FieldError, make_field_error
from surveys.model import CHOICE_TYPES, InstrumentDefinition, Item

Problem = tuple[str, str, dict[str, Any]]  # (code, wording detail, message parameters)

# The C0 control characters (U+0000 to U+001F) but tab, line feed and carriage return: nobody
# types them, PostgreSQL refuses NUL in text and in JSON, and the rest break exports and
# reports. One line of text (a name, a code) takes none of them.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f]")


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    r"""Whether ``text`` holds a character no answer, code or name may hold.

    Parameters
    ----------
    text : str
    multiline : bool
        True for free text, which may hold tabs and line breaks; False for one line (a name).

    Examples
    --------
    >>> has_control_characters("twee\nregels"), has_control_characters("a\x00b")
    (False, True)
    >>> has_control_characters("twee\nregels", multiline=False)
    True
    """
    return (_CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE).search(text) is not None


def is_missing(value: Any) -> bool:
    """Whether an answer counts as not given."""
    kind = type(value)
    if kind is int:  # the common case first: every submission asks this per item, often twice
        return False
    if value is None or kind.__name__ == "NAType":  # pandas.NA, without importing pandas
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and value == "":
        return True
    if isinstance(value, list | tuple) and len(value) == 0:
        return True
    return False


def _whole_number(value: Any) -> int | None:
    """The int a value stands for, or None (bools and strings are never numbers here)."""
    if type(value) is int:  # the common case, without the abstract-class checks below
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    as_float = float(value)
    if math.isfinite(as_float) and as_float.is_integer():
        return int(as_float)
    return None


def _range_params(item: Item) -> dict[str, Any]:
    return {"min": f"{item.min:g}", "max": f"{item.max:g}"}


def check_value(item: Item, value: Any) -> Problem | None:
    """The problem with a given (non-missing) answer, or None when it is valid."""
    kind = item.type
    if kind in CHOICE_TYPES:
        number = _whole_number(value)
        if number is None:
            return ("wrong_type", "choice", {})
        if number not in item.option_values:
            return ("invalid_option", "", {})
        return None
    if kind == "multiple_choice":
        if not isinstance(value, list | tuple):
            return ("wrong_type", "multiple_choice", {})
        numbers_given = [_whole_number(v) for v in value]
        if any(n is None for n in numbers_given):
            return ("wrong_type", "multiple_choice", {})
        if len(set(numbers_given)) != len(numbers_given):
            return ("wrong_type", "multiple_choice", {})
        if any(n not in item.option_values for n in numbers_given):
            return ("invalid_option", "", {})
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return ("wrong_type", "number", {})
        if not math.isfinite(float(value)):
            return ("wrong_type", "number", {})
        if not item.min <= float(value) <= item.max:  # type: ignore[operator]
            return ("out_of_range", "", _range_params(item))
        return None
    if kind == "year":
        number = _whole_number(value)
        if number is None:
            return ("wrong_type", "year", {})
        if not item.min <= number <= item.max:  # type: ignore[operator]
            return ("out_of_range", "", _range_params(item))
        return None
    # text
    if not isinstance(value, str):
        return ("wrong_type", "text", {})
    if len(value) > item.max_length:  # type: ignore[operator]
        return ("too_long", "", {"max_length": item.max_length})
    if _CONTROL_IN_TEXT.search(value) is not None:
        return ("invalid_characters", "", {})
    return None


def validate_answers(
    instrument: InstrumentDefinition, answers: Mapping[str, Any]
) -> list[FieldError]:
    """All field errors of one response, in a stable order.

    Unknown keys with a non-missing value come first (in the order given), then the instrument's
    items in their order. An answer that passes has no error; nothing is changed or dropped.

    Parameters
    ----------
    instrument : InstrumentDefinition
    answers : mapping
        Item id to value; see the module docstring for the accepted value types.

    Returns
    -------
    list of FieldError
    """
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of item id to value, not {type(answers)}")
    errors = [
        make_field_error(str(key), "unknown_item", value)
        for key, value in answers.items()
        if not instrument.has_item(key) and not is_missing(value)
    ]
    for item in instrument.items:
        value = answers.get(item.id)
        if is_missing(value):
            if item.required:
                errors.append(make_field_error(item.id, "required", None))
            continue
        problem = check_value(item, value)
        if problem is not None:
            code, detail, params = problem
            errors.append(make_field_error(item.id, code, value, detail, **params))
    return errors


def valid_answers(instrument: InstrumentDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to ``instrument``'s items that are given and valid (the rest left out)."""
    valid = {}
    for item in instrument.items:
        value = answers.get(item.id)
        if not is_missing(value) and check_value(item, value) is None:
            valid[item.id] = value
    return valid


def coerce_value(item: Item, cell: Any) -> tuple[Any, FieldError | None]:
    """Convert one spreadsheet cell to the answer type of ``item``.

    Strings are stripped; ``""`` becomes None. For choice and year items ``"3"`` and ``"3.0"``
    become ``3``; multiple choice accepts ``"1;3"``, ``"1,3"`` or ``"1 3"``; numbers accept a
    decimal comma (``"2,5"``). A cell that cannot be converted is returned unchanged with a
    ``wrong_type`` FieldError, so the caller can report it. Non-string cells pass through.
    """
    if not isinstance(cell, str):
        return cell, None
    text = cell.strip()
    if text == "":
        return None, None
    kind = item.type
    try:
        if kind in (*CHOICE_TYPES, "year"):
            number = float(text)
            if number.is_integer():
                return int(number), None
        elif kind == "multiple_choice":
            parts = text.replace(";", " ").replace(",", " ").split()
            values = [float(p) for p in parts]
            if all(v.is_integer() for v in values):
                return [int(v) for v in values], None
        elif kind == "number":
            number = float(text.replace(",", "."))
            return (int(number) if number.is_integer() and "." not in text else number), None
        else:
            return text, None
    except ValueError:
        pass
    detail = "choice" if kind in CHOICE_TYPES else kind
    return cell, make_field_error(item.id, "wrong_type", cell, detail)


def coerce_answers(
    instrument: InstrumentDefinition, cells: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Convert a row of spreadsheet cells to answers; unknown keys pass through unchanged.

    Returns the converted answers and the cells that could not be converted (as ``wrong_type``
    errors). Validate the converted answers afterwards for range and option checks.

    Examples
    --------
    >>> from surveys import load_instrument
    >>> brs = load_instrument("brs")
    >>> answers, problems = coerce_answers(brs, {"brs_1": " 4 ", "brs_2": "veel"})
    >>> answers["brs_1"], problems[0].code
    (4, 'wrong_type')
    """
    out: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key, cell in cells.items():
        if not instrument.has_item(key):
            out[key] = cell
            continue
        value, problem = coerce_value(instrument.item(key), cell)
        out[key] = value
        if problem is not None:
            problems.append(problem)
    return out, problems


__all__ = [
    "coerce_answers",
    "coerce_value",
    "check_value",
    "has_control_characters",
    "is_missing",
    "validate_answers",
]
