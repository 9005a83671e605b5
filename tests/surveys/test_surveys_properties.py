"""Property-based tests: any answers never crash validation or scoring; scores stay in range."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveys

BUNDLED = ("brs", "gse", "rses", "djg6", "demographics")


@pytest.fixture(scope="module")
def instruments(compare) -> list:
    """The bundled instruments plus the test kit with every item type."""
    return [*(surveys.load_instrument(i) for i in BUNDLED), compare.toolkit]


any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(min_value=-3, max_value=8), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.binary(max_size=4),
)


def answers_for(instrument):
    keys = st.one_of(st.sampled_from([i.id for i in instrument.items]), st.text(max_size=6))
    return st.dictionaries(keys, any_value, max_size=len(instrument.items) + 3)


def assert_in_range(instrument, scores):
    for scale in instrument.scales:
        result = scores[scale.id]
        assert 0 <= result.items_answered <= len(scale.items)
        if result.value is None:
            assert result.items_answered < scale.min_items and result.band is None
        else:
            lo, hi = scale.range
            assert lo - 1e-9 <= result.value <= hi + 1e-9
            assert result.items_answered >= scale.min_items
            if scale.bands:
                assert result.band in {b.id for b in scale.bands}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_answers_never_crash_and_scores_stay_in_range(instruments, data):
    instrument = data.draw(st.sampled_from(instruments))
    answers = data.draw(answers_for(instrument))
    errors = instrument.validate(answers)
    assert all(e.code in surveys.FIELD_ERROR_CODES for e in errors)
    assert all(e.message and e.message_nl for e in errors)
    assert_in_range(instrument, instrument.score(answers))
    flags = instrument.quality_flags(answers, data.draw(st.none() | st.floats()))
    assert set(flags) <= set(surveys.QUALITY_FLAGS)


def valid_answers(instrument):
    """Answers that pass validation: options for choice items, in-range numbers, short text."""
    fields = {}
    for item in instrument.items:
        if item.options and item.type == "multiple_choice":
            strategy = st.lists(st.sampled_from(item.option_values), unique=True, min_size=1)
        elif item.options:
            strategy = st.sampled_from(item.option_values)
        elif item.type == "number":
            strategy = st.floats(min_value=item.min, max_value=item.max)
        elif item.type == "year":
            strategy = st.integers(min_value=int(item.min), max_value=int(item.max))
        else:
            # No control characters: a text with one is invalid_characters.
            typed = st.characters(blacklist_categories=("Cc",))
            strategy = st.text(typed, min_size=1, max_size=item.max_length)
        fields[item.id] = strategy if item.required else st.none() | strategy
    return st.fixed_dictionaries(fields)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_valid_answers_pass_and_every_scale_is_scored(instruments, data):
    instrument = data.draw(st.sampled_from(instruments))
    answers = data.draw(valid_answers(instrument))
    assert instrument.validate(answers) == []
    scores = instrument.score(answers)
    assert_in_range(instrument, scores)
    for scale in instrument.scales:
        answered = sum(1 for i in scale.items if answers.get(i) is not None)
        assert scores[scale.id].items_answered == answered
        assert (scores[scale.id].value is None) == (answered < scale.min_items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_vectorised_equals_per_response_on_arbitrary_frames(instruments, compare, data):
    instrument = data.draw(st.sampled_from(instruments))
    cell = st.one_of(
        st.none(),
        st.integers(min_value=-2, max_value=2030),
        st.floats(min_value=-5, max_value=2030),
        st.just(float("nan")),
        st.sampled_from(["", "3", "abc", "x" * 120]),
        st.lists(st.integers(min_value=0, max_value=5), max_size=3),
    )
    ids = [i.id for i in instrument.items]
    columns = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    n_rows = data.draw(st.integers(min_value=1, max_value=6))
    # half of the frames have one type per column, as after reading a CSV
    numeric = data.draw(st.booleans())
    col_cell = st.integers(min_value=-1, max_value=6) | st.none() if numeric else cell
    rows = [data.draw(st.fixed_dictionaries({c: col_cell for c in columns})) for _ in range(n_rows)]
    df = pd.DataFrame(rows, columns=columns)
    compare.frame_matches_per_response(instrument, df)


def test_score_of_empty_answers_is_none_everywhere(instruments):
    for instrument in instruments:
        for result in instrument.score({}).values():
            assert result.value is None and result.items_answered == 0
    assert math.isnan(
        surveys.score_frame(instruments[0], pd.DataFrame({"brs_1": [None]})).loc[0, "brs"]
    )
