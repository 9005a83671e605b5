"""The instrument as callers hold it: the definition with validation, scoring and flags as methods.

The methods are the stable entry points documented in :mod:`surveys`; the work is done by the
functions of :mod:`surveys.validation`, :mod:`surveys.scoring` and :mod:`surveys.quality`, which
take any :class:`~surveys.model.InstrumentDefinition`. Living here, above those modules and the
schema, the methods need no import back into the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from surveys.applicability import hidden_items
from surveys.errors import FieldError
from surveys.model import InstrumentDefinition, ScaleScore
from surveys.quality import quality_flags
from surveys.schema import instrument_fields
from surveys.scoring import score_answers
from surveys.validation import answer_statuses, validate_answers


class Instrument(InstrumentDefinition):
    """A versioned questionnaire definition. Build it with :func:`parse_instrument`.

    Validation, scoring and data-quality flags are methods; see :mod:`surveys` for the contract.
    """

    def validate(
        self, answers: Mapping[str, Any], blanks_allowed: bool = False
    ) -> list[FieldError]:
        """Field errors for one response (see :func:`surveys.validation.validate_answers`)."""
        return validate_answers(self, answers, blanks_allowed)

    def not_applicable(self, answers: Mapping[str, Any]) -> frozenset[str]:
        """The ids of the items whose conditions (block, groups, item) do not hold.

        See :mod:`surveys.applicability`; a name of an earlier block reads ``answers`` as given.
        """
        return hidden_items((self,), answers)

    def statuses(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """Each item's status: answered, missing, missing_code or not_applicable."""
        return answer_statuses((self,), answers)

    def score(self, answers: Mapping[str, Any]) -> dict[str, ScaleScore]:
        """Scale scores for one response (see :func:`surveys.scoring.score_answers`)."""
        return score_answers(self, answers)

    def quality_flags(
        self, answers: Mapping[str, Any], duration_seconds: float | None = None
    ) -> list[str]:
        """Data-quality flag codes for one response (see :mod:`surveys.quality`)."""
        return quality_flags(self, answers, duration_seconds)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> Instrument:
        """Rebuild (and check) an instrument from :meth:`to_dict` output or a YAML mapping."""
        return cls(**instrument_fields(dict(data), source))


def parse_instrument(data: str | Mapping[str, Any], source: str = "<string>") -> Instrument:
    """Build an :class:`Instrument` from YAML text or a mapping, checking every key.

    Parameters
    ----------
    data : str or mapping
        YAML text, or the mapping itself (for example :meth:`Instrument.to_dict` output read
        back from the database).
    source : str
        Name used in error messages, usually the file name.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        With one line per problem: ``source: key.path: problem``.

    Examples
    --------
    >>> inst = parse_instrument('''
    ... id: mood
    ... version: "1"
    ... title: {en: Mood}
    ... languages: {en: original}
    ... items:
    ...   - {id: q1, type: number, text: {en: Your mood from 0 to 10}, min: 0, max: 10}
    ... ''', source="mood.yaml")
    >>> inst.validate({"q1": 11})[0].code
    'out_of_range'
    """
    return Instrument(**instrument_fields(data, source))


def parse_instrument_file(path: str | Path) -> Instrument:
    """Read and check one YAML instrument file."""
    path = Path(path)
    return parse_instrument(path.read_text(encoding="utf-8"), source=str(path))
