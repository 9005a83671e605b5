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
  ``out_of_range``; a number may give one bound or none, and only the bounds given are checked.
- Text takes a ``str``; longer than ``max_length`` is ``too_long``; a control character other
  than tab, line feed and carriage return (NUL and the like) is ``invalid_characters``.
- A number item with ``integer: true`` takes whole numbers only (``wrong_type``, ``integer``).
- A missing-data code of the item (``missing``, or the instrument's ``missing_codes``) is a
  valid answer that counts as not given in scoring and flags.
- An answer to an item whose condition does not hold (see :mod:`surveys.applicability`) is
  ``not_applicable``; such an item left empty is fine, even when required.
- An answer (not a missing code) for which the item's ``constraint`` does not hold is
  ``constraint``, with the item's ``constraint_message`` where it has one.

Text cells from a spreadsheet or CSV go through :func:`coerce_answers` first, which converts
``"3"`` to ``3`` and ``"1;3"`` to ``[1, 3]`` for the item's type and reports what it cannot
convert as a FieldError instead of dropping it.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Any

from surveys.applicability import hidden_items
from surveys.errors import FieldError, field_message, make_field_error
from surveys.model import CHOICE_TYPES, InstrumentDefinition, Item

#: What :func:`answer_statuses` says of an item.
STATUSES = ("answered", "missing", "missing_code", "not_applicable")

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


def range_problem(item: Item, number: float) -> Problem | None:
    """``out_of_range`` when ``number`` lies outside the bounds the item gives (none, one or
    both); the wording (detail ``min`` or ``max``) names only the bound a one-sided item has."""
    lo, hi = item.min, item.max
    if (lo is None or number >= lo) and (hi is None or number <= hi):
        return None
    detail, params = range_wording(item)
    return ("out_of_range", detail, params)


def range_wording(item: Item) -> tuple[str, dict[str, Any]]:
    """The detail and parameters of an item's ``out_of_range`` message (none without bounds,
    where nothing is out of range)."""
    if item.min is None and item.max is None:
        return "", {}
    if item.max is None:
        return "min", {"min": f"{item.min:g}"}
    if item.min is None:
        return "max", {"max": f"{item.max:g}"}
    return "", {"min": f"{item.min:g}", "max": f"{item.max:g}"}


def is_missing_code(value: Any, codes: frozenset[int] | None) -> bool:
    """Whether a given answer is one of the missing-data ``codes`` (None or empty: none)."""
    if not codes:
        return False
    number = _whole_number(value)
    return number is not None and number in codes


def check_value(item: Item, value: Any, codes: frozenset[int] | None = None) -> Problem | None:
    """The problem with a given (non-missing) answer, or None when it is valid.

    ``codes`` are the item's missing-data code values (see
    :meth:`~surveys.model.InstrumentDefinition.missing_values`): always valid answers.
    """
    if codes and is_missing_code(value, codes):
        return None
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
        if item.integer and _whole_number(value) is None:
            return ("wrong_type", "integer", {})
        return range_problem(item, float(value))
    if kind == "year":
        number = _whole_number(value)
        if number is None:
            return ("wrong_type", "year", {})
        return range_problem(item, number)
    # text
    if not isinstance(value, str):
        return ("wrong_type", "text", {})
    if len(value) > item.max_length:  # type: ignore[operator]
        return ("too_long", "", {"max_length": item.max_length})
    if _CONTROL_IN_TEXT.search(value) is not None:
        return ("invalid_characters", "", {})
    return None


def validate_answers(
    instrument: InstrumentDefinition,
    answers: Mapping[str, Any],
    blanks_allowed: bool = False,
    hidden: frozenset[str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[FieldError]:
    """All field errors of one response, in a stable order.

    Unknown keys with a non-missing value come first (in the order given), then the instrument's
    items in their order. An answer that passes has no error; nothing is changed or dropped.

    Parameters
    ----------
    instrument : InstrumentDefinition
    answers : mapping
        Item id to value; see the module docstring for the accepted value types.
    blanks_allowed : bool
        True where the participant already answered elsewhere (paper entry, an import): a
        required item left empty is then not answered instead of an error.
    hidden : frozenset of str, optional
        The items that do not apply; worked out from ``answers`` when not given (a
        questionnaire gives them, over all its blocks).
    context : mapping, optional
        The answers a constraint may read besides this block's (a questionnaire's, without
        the hidden items' answers).

    Returns
    -------
    list of FieldError
    """
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of item id to value, not {type(answers)}")
    if hidden is None:
        hidden = hidden_items((instrument,), answers) if instrument.has_conditions else frozenset()
    errors = [
        make_field_error(str(key), "unknown_item", value)
        for key, value in answers.items()
        if not instrument.has_item(key) and not is_missing(value)
    ]
    all_codes = instrument.missing_values
    for item in instrument.items:
        value = answers.get(item.id)
        if item.id in hidden:
            if not is_missing(value):
                errors.append(make_field_error(item.id, "not_applicable", value))
            continue
        if is_missing(value):
            if item.required and not blanks_allowed:
                errors.append(make_field_error(item.id, "required", None))
            continue
        codes = all_codes.get(item.id)
        problem = check_value(item, value, codes)
        if problem is not None:
            code, detail, params = problem
            errors.append(make_field_error(item.id, code, value, detail, **params))
        elif item.constraint is not None and not is_missing_code(value, codes):
            if context is None:
                context = {k: v for k, v in answers.items() if k not in hidden}
            if not item.constraint_condition.holds(context, this=value):  # type: ignore[union-attr]
                errors.append(constraint_error(item, value))
    return errors


def constraint_error(item: Item, value: Any) -> FieldError:
    """The ``constraint`` error of ``item``: its own message where it has one, else the default."""
    own = item.constraint_message
    return FieldError(
        field=item.id,
        code="constraint",
        message=own.get("en") or field_message("constraint", "", "en"),
        message_nl=own.get("nl") or field_message("constraint", "", "nl"),
        value=value,
    )


def valid_answers(
    instrument: InstrumentDefinition,
    answers: Mapping[str, Any],
    hidden: frozenset[str] | None = None,
) -> dict[str, Any]:
    """The answers that are given, valid, not a missing-data code, and to items that apply.

    These are what scoring and the quality flags count as answered; the rest are left out.
    ``hidden`` as for :func:`validate_answers`.
    """
    if hidden is None:
        hidden = hidden_items((instrument,), answers) if instrument.has_conditions else frozenset()
    all_codes = instrument.missing_values
    valid = {}
    for item in instrument.items:
        value = answers.get(item.id)
        if is_missing(value) or item.id in hidden:
            continue
        codes = all_codes.get(item.id)
        if is_missing_code(value, codes):
            continue
        if check_value(item, value) is None:
            valid[item.id] = value
    return valid


def answer_statuses(
    blocks: Iterable[InstrumentDefinition],
    answers: Mapping[str, Any],
    hidden: frozenset[str] | None = None,
) -> dict[str, str]:
    """Each item's status for one response, over ``blocks`` in form order.

    One of :data:`STATUSES`: ``answered``, ``missing`` (not given), ``missing_code`` (a
    declared missing-data code) or ``not_applicable`` (its condition does not hold). An
    invalid answer is ``answered``: validation says what is wrong with it.
    """
    blocks = tuple(blocks)
    if hidden is None:
        hidden = hidden_items(blocks, answers)
    out = {}
    for block in blocks:
        all_codes = block.missing_values
        for item in block.items:
            value = answers.get(item.id)
            if item.id in hidden:
                out[item.id] = "not_applicable"
            elif is_missing(value):
                out[item.id] = "missing"
            elif is_missing_code(value, all_codes.get(item.id)):
                out[item.id] = "missing_code"
            else:
                out[item.id] = "answered"
    return out


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
    "STATUSES",
    "answer_statuses",
    "coerce_answers",
    "coerce_value",
    "check_value",
    "has_control_characters",
    "is_missing",
    "is_missing_code",
    "validate_answers",
]
