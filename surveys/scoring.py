"""Scoring one response: item recoding, reverse keying, prorating and bands."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from surveys.model import CHOICE_TYPES, InstrumentDefinition, Scale, ScaleScore
from surveys.validation import valid_answers


def item_scores(
    instrument: InstrumentDefinition,
    answers: Mapping[str, Any],
    hidden: frozenset[str] | None = None,
) -> dict[str, float]:
    """Scored points per answered, valid, scorable item (after recoding and reverse keying).

    Invalid answers, missing-data codes and the answers to items that do not apply (``hidden``,
    worked out when not given) are left out: call ``validate`` first and refuse responses with
    errors.
    """
    return points_of(instrument, valid_answers(instrument, answers, hidden))


def points_of(instrument: InstrumentDefinition, valid: Mapping[str, Any]) -> dict[str, float]:
    """Scored points per scale item among answers already known to be given and valid."""
    item = instrument.item
    return {i: item(i).item_score(valid[i]) for i in scale_items(instrument) if i in valid}


def points_if_valid(instrument: InstrumentDefinition, answers: Mapping[str, Any]) -> dict | None:
    """The scale items' points when every answer is an ``int`` option of a choice item and no
    required item is left out; None when any answer needs :func:`validate_answers` to judge it.

    The common case of a submission, answered with a few dictionary look-ups per item instead
    of the general checks (which give the same result: see the tests of ``assess``). Never
    for an instrument with conditions or constraints, whose answers need the general checks.
    """
    table = _option_points(instrument)
    if table is None:
        return None
    points = {}
    for key, value in answers.items():
        options = table.get(key)
        if options is None or type(value) is not int or value not in options:
            return None
        if (scored := options[value]) is not None:
            points[key] = scored
    if len(answers) < len(table) and not _required(instrument) <= answers.keys():
        return None
    return points


@lru_cache(maxsize=256)
def _option_points(instrument: InstrumentDefinition) -> dict[str, dict[int, float | None]] | None:
    """Per item, its option values and their scored points (None off the scales); None unless
    every item is a choice item (and no condition or constraint needs judging)."""
    if any(item.type not in CHOICE_TYPES for item in instrument.items):
        return None
    if instrument.has_conditions or instrument.has_constraints:
        return None
    scored = set(scale_items(instrument))
    return {
        item.id: {v: item.item_score(v) if item.id in scored else None for v in item.option_values}
        for item in instrument.items
    }


@lru_cache(maxsize=256)
def _required(instrument: InstrumentDefinition) -> frozenset[str]:
    return frozenset(item.id for item in instrument.items if item.required)


@lru_cache(maxsize=256)
def scale_items(instrument: InstrumentDefinition) -> tuple[str, ...]:
    """Ids of the items that some scale scores, each once, in scale order."""
    return tuple(dict.fromkeys(i for scale in instrument.scales for i in scale.items))


def scale_value(scale: Scale, points: list[float]) -> float | None:
    """The score of one scale from the item points answered, or None below ``min_items``.

    A sum with missing items is prorated: mean of answered items times the number of items.
    """
    if len(points) < scale.min_items or not points:
        return None
    mean = sum(points) / len(points)
    if scale.conversion is not None:
        return scale.conversion.get(float(sum(points)))
    return mean if scale.method == "mean" else mean * len(scale.items)


def score_answers(
    instrument: InstrumentDefinition,
    answers: Mapping[str, Any],
    hidden: frozenset[str] | None = None,
) -> dict[str, ScaleScore]:
    """Score every scale of ``instrument`` for one response.

    Parameters
    ----------
    instrument : InstrumentDefinition
    answers : mapping
        Item id to value. Missing and invalid answers, missing-data codes and the answers to
        items that do not apply count as not answered.
    hidden : frozenset of str, optional
        The items that do not apply (worked out from ``answers`` when not given).

    Returns
    -------
    dict
        Scale id to :class:`ScaleScore` (value None when fewer than ``min_items`` answered).

    Notes
    -----
    Item points are the option value, or the item's ``scores`` mapping when given; a
    reverse-keyed item scores ``min + max - points`` within its own bounds. A ``mean`` scale is
    the mean of answered items; a ``sum`` scale is that mean times the number of items (equal
    to the plain sum when all are answered). The band is the last band whose lower bound the
    value reaches.
    """
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of item id to value, not {type(answers)}")
    return scores_of(instrument, item_scores(instrument, answers, hidden))


def scores_of(
    instrument: InstrumentDefinition, points_by_item: Mapping[str, float]
) -> dict[str, ScaleScore]:
    """Every scale's score from the item points (see :func:`points_of`)."""
    result = {}
    for scale in instrument.scales:
        points = [points_by_item[i] for i in scale.items if i in points_by_item]
        value = scale_value(scale, points)
        result[scale.id] = ScaleScore(value, len(points), scale.band_for(value))
    return result
