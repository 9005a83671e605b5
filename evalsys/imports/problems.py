"""What can be wrong with an import: the file as a whole, or one cell of one row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import surveys
from evalsys.collection.cells import cell_text
from surveys.validation import is_missing


@dataclass(frozen=True)
class RowError:
    """One problem: row number as the spreadsheet shows it (header = row 1), column, value.

    ``problem`` is a TranslationString, or ``{"en": ..., "nl": ...}`` from ``surveys``.
    """

    row: int
    column: str
    value: str
    problem: Any

    def text(self, translate: Callable[[Any], str] | None = None, language: str = "en") -> str:
        if isinstance(self.problem, dict):
            return self.problem["nl" if language == "nl" else "en"]
        return translate(self.problem) if translate else self.problem.interpolate()


class FileProblem(ValueError):
    """The file as a whole cannot be imported; ``problem`` is a TranslationString."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


def shown(value: Any) -> str:
    """A cell as the report shows it: missing is empty, long text is cut."""
    if isinstance(value, list | tuple):
        text = ";".join(map(str, value))
    else:
        text = "" if is_missing(value) else cell_text(value)
    return text if len(text) <= 200 else text[:199] + "…"


def field_problem(error: surveys.FieldError) -> dict[str, str]:
    """A ``surveys`` answer error as the ``problem`` of a :class:`RowError`."""
    return {"en": error.message, "nl": error.message_nl}
