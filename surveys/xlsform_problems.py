"""Why an XLSForm is refused: problems by sheet, row and column, worded from the xlsform catalogue.

A problem is a catalogue key with its parameters (``surveys/locale/<lang>/LC_MESSAGES/
xlsform.po``), so the same refusal reads in English or Dutch: ``XLSFormError.lines("nl")``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from surveys.errors import InstrumentError, catalogue_message

DOMAIN = "xlsform"


class Problem(NamedTuple):
    """One reason a form is refused: where (sheet, row, column) and what (key, params)."""

    sheet: str
    row: int | None
    column: str
    key: str
    params: dict[str, Any]

    def place(self, lang: str = "en") -> str:
        """``survey sheet, row 7, column constraint`` in ``lang``; empty for the whole file."""
        if not self.sheet:
            return ""
        if self.row is None:
            return catalogue_message(DOMAIN, "place.sheet", lang, sheet=self.sheet)
        if not self.column:
            return catalogue_message(DOMAIN, "place.row", lang, sheet=self.sheet, row=self.row)
        return catalogue_message(
            DOMAIN, "place.cell", lang, sheet=self.sheet, row=self.row, column=self.column
        )

    def message(self, lang: str = "en") -> str:
        """What is wrong, in ``lang``."""
        return catalogue_message(DOMAIN, self.key, lang, **self.params)

    def line(self, lang: str = "en") -> str:
        place = self.place(lang)
        return f"{place}: {self.message(lang)}" if place else self.message(lang)


class Problems:
    """The problems of one form, in the order found, each once."""

    def __init__(self) -> None:
        self._found: list[Problem] = []
        self._seen: set[tuple] = set()

    def add(self, sheet: str, row: int | None, column: str, key: str, **params: Any) -> None:
        problem = Problem(sheet, row, column, key, params)
        identity = (sheet, row, column, key, tuple(sorted(map(str, params.items()))))
        if identity not in self._seen:
            self._seen.add(identity)
            self._found.append(problem)

    def __bool__(self) -> bool:
        return bool(self._found)

    def __iter__(self):
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


class XLSFormError(InstrumentError):
    """The XLSForm cannot be imported; every problem names its sheet, row and column.

    ``details`` holds the :class:`Problem` records; ``lines(lang)`` words them in ``lang``
    (``en`` or ``nl``); ``problems`` and ``str()`` give them in English as every
    :class:`InstrumentError` does (``(place, problem)`` pairs).
    """

    def __init__(self, source: str, problems: Problems | list[Problem]):
        self.details = list(problems)
        super().__init__(source, [(p.place("en"), p.message("en")) for p in self.details])

    def lines(self, lang: str = "en") -> list[str]:
        """Every problem as one line (``place: message``) in ``lang``."""
        return [p.line(lang) for p in self.details]


__all__ = ["DOMAIN", "Problem", "Problems", "XLSFormError"]
