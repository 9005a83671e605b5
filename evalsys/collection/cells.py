"""Typed-in or spreadsheet cells to answers: the same conversion for paper entry and import."""

from __future__ import annotations

import datetime as dt
from typing import Any

import surveys
from surveys.validation import is_missing


def cell_text(cell: Any) -> str:
    """A cell as text, the way a person reads it: 1234.0 from Excel is ``1234``."""
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell).strip()


def items_of(questionnaire: surveys.Questionnaire) -> dict[str, surveys.Item]:
    """Every item of the questionnaire by id, in questionnaire order (demographics first)."""
    return {item.id: item for block in questionnaire.blocks for item in block.items}


def coerce_cell(item: surveys.Item, cell: Any) -> tuple[Any, surveys.FieldError | None]:
    """One cell as an answer, or the cell unchanged and a ``wrong_type`` error.

    Excel hands numbers to text and multiple-choice items as numbers; those are read as the text
    a person sees in the cell. Everything else is :func:`surveys.coerce_value`.
    """
    if not isinstance(cell, str) and cell is not None and item.type in ("text", "multiple_choice"):
        cell = cell_text(cell)
    return surveys.coerce_value(item, cell)


def answers_from_cells(
    questionnaire: surveys.Questionnaire, cells: dict[str, Any], *, blanks_allowed: bool = False
) -> tuple[dict[str, Any], list[surveys.FieldError]]:
    """Answers (missing ones left out) and every problem: unconvertible cells, then validation.

    A cell that cannot be converted is reported once (``wrong_type``), not again as missing.
    With ``blanks_allowed`` (a paper form: the participant answered on paper already) a
    required question left empty is stored as not answered, not a problem.
    """
    items = items_of(questionnaire)
    answers: dict[str, Any] = {}
    problems: list[surveys.FieldError] = []
    for item_id, cell in cells.items():
        item = items.get(item_id)
        if item is None:
            if not is_missing(cell):
                answers[item_id] = cell  # validation reports it as an unknown item
            continue
        value, problem = coerce_cell(item, cell)
        if problem is not None:
            problems.append(problem)
        elif not is_missing(value):
            answers[item_id] = value
    unconvertible = {p.field for p in problems}
    checked = questionnaire.validate(answers, blanks_allowed=blanks_allowed)
    problems += [e for e in checked if e.field not in unconvertible]
    order = {item_id: n for n, item_id in enumerate(items)}
    problems.sort(key=lambda e: order.get(e.field, -1))
    return answers, problems


def left_blank(questionnaire: surveys.Questionnaire, answers: dict[str, Any]) -> list[str]:
    """The required questions that apply to a form but have no answer, in form order (an
    optional question left blank is nothing to mention)."""
    statuses = questionnaire.statuses(answers)
    return [
        item_id
        for item_id, item in items_of(questionnaire).items()
        if item.required and statuses.get(item_id) == "missing"
    ]
