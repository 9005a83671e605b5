"""Scoring one response: item recoding, reverse keying, prorating and bands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.model import Instrument, Scale, ScaleScore
from surveys.validation import check_value, is_missing


def item_scores(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, float]:
    """Scored points per answered, valid, scorable item (after recoding and reverse keying).

    Invalid answers are left out: call ``validate`` first and refuse responses with errors.
    """
    out: dict[str, float] = {}
    for scale in instrument.scales:
        for item_id in scale.items:
            if item_id in out:
                continue
            value = answers.get(item_id)
            item = instrument.item(item_id)
            if is_missing(value) or check_value(item, value) is not None:
                continue
            out[item_id] = item.item_score(value)
    return out


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


def score_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, ScaleScore]:
    """Score every scale of ``instrument`` for one response.

    Parameters
    ----------
    instrument : Instrument
    answers : mapping
        Item id to value. Missing and invalid answers count as not answered.

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
    points_by_item = item_scores(instrument, answers)
    result = {}
    for scale in instrument.scales:
        points = [points_by_item[i] for i in scale.items if i in points_by_item]
        value = scale_value(scale, points)
        result[scale.id] = ScaleScore(value, len(points), scale.band_for(value))
    return result
