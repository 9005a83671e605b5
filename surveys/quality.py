"""Data-quality flags for one response: straight-lining, contradictions, speed, missing answers.

Flags describe doubt, not errors: a flagged response is stored and scored; evaluators decide.

Flag codes (stable strings):

``straight_lining``
    At least ``min_straight_items`` likert / single-choice scale items answered, all with the same
    option value.
``reverse_inconsistent``
    In a scale with forward and reverse-keyed items, the mean scored forward item and the mean
    scored reverse item lie at least ``inconsistency_fraction`` of the item range apart: the
    respondent agreed (or disagreed) with both an item and its opposite. Soer et al. (2019)
    found this pattern often in the Dutch BRS.
``too_fast``
    ``duration_seconds`` known and below ``seconds_per_item`` per answered item. The 2-seconds-
    per-item cut-off follows Huang et al. (2012).
``too_many_missing``
    A scale got no score (fewer than its ``min_items`` answered, where at least that many of
    its items apply), or more than ``max_missing_fraction`` of the items that apply are
    unanswered. A missing-data code counts as unanswered; an item whose condition does not
    hold is no part of the response.

References
----------
Huang, J. L., Curran, P. G., Keeney, J., Poposki, E. M., & DeShon, R. P. (2012). Detecting and
deterring insufficient effort responding to surveys. Journal of Business and Psychology, 27,
99-114.
Soer, R., Six Dijkstra, M. W. M. C., Bieleman, H. J., et al. (2019). Measurement properties and
implications of the Brief Resilience Scale in healthy workers. Journal of Occupational Health,
61(3), 242-250.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from surveys.applicability import hidden_items
from surveys.model import InstrumentDefinition
from surveys.scoring import points_of
from surveys.validation import valid_answers

QUALITY_FLAGS = ("straight_lining", "reverse_inconsistent", "too_fast", "too_many_missing")


@dataclass(frozen=True)
class QualityRules:
    """Thresholds for the data-quality flags; the defaults are documented in the module."""

    min_straight_items: int = 5
    inconsistency_fraction: float = 0.5
    seconds_per_item: float = 2.0
    max_missing_fraction: float = 0.5


DEFAULT_RULES = QualityRules()


# Instruments never change (and hash by fingerprint), so what is derived from one is worked out
# once per instrument rather than once per response.
@lru_cache(maxsize=256)
def straight_line_items(instrument: InstrumentDefinition) -> tuple[str, ...]:
    """Ids of the scale items on which straight-lining is checked (likert and single choice)."""
    seen: list[str] = []
    for scale in instrument.scales:
        for item_id in scale.items:
            if item_id not in seen and instrument.item(item_id).type in ("likert", "single_choice"):
                seen.append(item_id)
    return tuple(seen)


@lru_cache(maxsize=256)
def keyed_groups(
    instrument: InstrumentDefinition,
) -> tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]:
    """Per scale with both directions: (forward ids, reverse ids, item score range)."""
    groups = []
    for scale in instrument.scales:
        items = [instrument.item(i) for i in scale.items]
        forward = tuple(i.id for i in items if not i.reverse)
        reverse = tuple(i.id for i in items if i.reverse)
        if forward and reverse:
            spans = [i.score_bounds() for i in items]
            width = max(hi - lo for lo, hi in spans)
            groups.append((forward, reverse, width))
    return tuple(groups)


def quality_flags(
    instrument: InstrumentDefinition,
    answers: Mapping[str, Any],
    duration_seconds: float | None = None,
    rules: QualityRules = DEFAULT_RULES,
    hidden: frozenset[str] | None = None,
) -> list[str]:
    """Data-quality flag codes for one response, in the order of :data:`QUALITY_FLAGS`.

    ``hidden`` are the items that do not apply (worked out from ``answers`` when not given).
    """
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of item id to value, not {type(answers)}")
    if hidden is None:
        hidden = hidden_items((instrument,), answers) if instrument.has_conditions else frozenset()
    valid = valid_answers(instrument, answers, hidden)
    points = points_of(instrument, valid)
    return flags_of(instrument, valid, points, duration_seconds, rules, hidden)


def flags_of(
    instrument: InstrumentDefinition,
    valid: Mapping[str, Any],
    points: Mapping[str, float],
    duration_seconds: float | None = None,
    rules: QualityRules = DEFAULT_RULES,
    hidden: frozenset[str] = frozenset(),
) -> list[str]:
    """:func:`quality_flags` from the valid answers and their item points, worked out before
    (``hidden``: the items that do not apply)."""
    flags = []
    straight = [float(valid[i]) for i in straight_line_items(instrument) if i in valid]
    if len(straight) >= rules.min_straight_items and len(set(straight)) == 1:
        flags.append("straight_lining")

    for forward, reverse, width in keyed_groups(instrument):
        f = [points[i] for i in forward if i in points]
        r = [points[i] for i in reverse if i in points]
        gap = abs(sum(f) / len(f) - sum(r) / len(r)) if f and r else 0.0
        if f and r and gap >= rules.inconsistency_fraction * width:
            flags.append("reverse_inconsistent")
            break

    if duration_seconds is not None and valid:
        if duration_seconds < rules.seconds_per_item * len(valid):
            flags.append("too_fast")

    if hidden:
        unscored = any(
            sum(1 for i in scale.items if i in points) < scale.min_items
            and sum(1 for i in scale.items if i not in hidden) >= scale.min_items
            for scale in instrument.scales
        )
    else:
        unscored = any(
            sum(1 for i in scale.items if i in points) < scale.min_items
            for scale in instrument.scales
        )
    applicable = len(instrument.items) - sum(1 for i in instrument.items if i.id in hidden)
    missing = applicable - len(valid)
    if unscored or missing > rules.max_missing_fraction * applicable:
        flags.append("too_many_missing")
    return flags
