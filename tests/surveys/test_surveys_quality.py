"""Data-quality flags: straight-lining, reverse-keyed contradictions, speed, missing answers."""

from __future__ import annotations

import surveys


def brs(values):
    return {f"brs_{i}": v for i, v in enumerate(values, start=1)}


def test_a_careful_response_has_no_flags():
    inst = surveys.load_instrument("brs")
    assert inst.quality_flags(brs([4, 2, 4, 2, 5, 1]), duration_seconds=60) == []


def test_agreeing_with_everything_is_straight_lining_and_contradictory():
    inst = surveys.load_instrument("brs")
    assert inst.quality_flags(brs([5] * 6)) == ["straight_lining", "reverse_inconsistent"]


def test_neutral_straight_lining_is_not_a_contradiction():
    inst = surveys.load_instrument("brs")
    assert inst.quality_flags(brs([3] * 6)) == ["straight_lining"]


def test_contradiction_without_straight_lining():
    """Soer et al. (2019): agreeing with items and their reversed counterparts."""
    inst = surveys.load_instrument("brs")
    # forward 4, 5, 4 -> mean 4.33; reversed raw 4, 5, 4 -> 2, 1, 2 -> mean 1.67; gap 2.67 >= 2
    assert inst.quality_flags(brs([4, 4, 5, 5, 4, 4])) == ["reverse_inconsistent"]
    # a gap below half the item range (2 points) is not flagged
    assert inst.quality_flags(brs([4, 3, 4, 3, 4, 3])) == []


def test_too_fast_uses_two_seconds_per_answered_item():
    inst = surveys.load_instrument("brs")
    answers = brs([4, 2, 4, 2, 5, 1])
    assert "too_fast" in inst.quality_flags(answers, duration_seconds=11.9)
    assert "too_fast" not in inst.quality_flags(answers, duration_seconds=12)
    assert "too_fast" not in inst.quality_flags(answers)  # unknown duration: no judgement


def test_too_many_missing_when_a_scale_cannot_be_scored():
    inst = surveys.load_instrument("brs")
    assert inst.quality_flags(brs([4, 2, 4, 2, 5])) == ["too_many_missing"]
    assert inst.quality_flags({}) == ["too_many_missing"]


def test_rules_can_be_tuned():
    from surveys.quality import quality_flags

    inst = surveys.load_instrument("brs")
    strict = surveys.QualityRules(min_straight_items=7)
    assert quality_flags(inst, brs([3] * 6), rules=strict) == []
