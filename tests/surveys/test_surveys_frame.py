"""The vectorised DataFrame functions give the same results as the per-response functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import surveys


@pytest.fixture
def messy_frame() -> pd.DataFrame:
    """Numeric, object and text columns with every kind of problem, and a non-default index."""
    return pd.DataFrame(
        {
            "a1": [1, 2, 3, 4, 5, 6, np.nan, 2.5],
            "a2": [5.0, np.nan, 1.0, 2.0, 3.0, 4.0, 0.0, np.inf],
            "a3": ["1", 2, None, 4, True, "", 3.0, [1]],
            "hours": [0, 24, 24.5, -1, np.nan, 7.25, 3, 12],
            "born": [1980, 1919, 2020.5, np.nan, 1950, 2000, 1999, 2021],
            "ok": pd.array([1, 0, 2, None, 1, 0, 1, 0], dtype="Int64"),
            "pick": [[1, 2], [1, 1], 3, None, [9], (2, 4), [], "1;2"],
            "note": ["kort", "veel te lange tekst", 5, None, "", "precies10!", "x\x00y", np.nan],
            "extra": [None, 1, np.nan, "x", "", None, None, 0],
            "participant": ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"],
        },
        index=[10, 11, 12, 13, 14, 15, 16, 17],
    )


def test_validate_frame_equals_per_response(toolkit, messy_frame, compare):
    ignore = ["participant"]
    errors = surveys.validate_frame(toolkit, messy_frame, ignore=ignore)
    assert list(errors.columns) == ["row", "field", "code", "value", "message", "message_nl"]
    expected = compare.per_response_errors(toolkit, messy_frame, ignore)
    assert compare.frame_errors(errors) == expected
    assert len(errors) > 20  # the fixture really is messy
    # Every code but those of conditions and constraints, which the toolkit has none of.
    conditional = {"not_applicable", "constraint"}
    assert set(errors["code"]) == set(surveys.FIELD_ERROR_CODES) - conditional


def test_validate_frame_reports_unignored_columns_as_unknown(toolkit, messy_frame):
    errors = surveys.validate_frame(toolkit, messy_frame)
    assert (errors[errors["field"] == "participant"]["code"] == "unknown_item").all()
    assert len(errors[errors["field"] == "participant"]) == len(messy_frame)


def test_validate_frame_keeps_offending_values(toolkit, messy_frame):
    errors = surveys.validate_frame(toolkit, messy_frame, ignore=["participant"])
    hours = errors[(errors["field"] == "hours")]
    assert list(hours["value"]) == [24.5, -1]
    assert list(hours["row"]) == [12, 13]


def test_score_frame_equals_per_response(toolkit, messy_frame, compare):
    compare.assert_scores_equal(toolkit, messy_frame)


def test_quality_frame_equals_per_response(toolkit, messy_frame, compare):
    compare.assert_flags_equal(toolkit, messy_frame, durations=[1, 100, 5, np.nan, 9, 50, 2, 30])


def test_missing_item_columns_count_as_unanswered(toolkit):
    df = pd.DataFrame({"a1": [1, 2]})
    errors = surveys.validate_frame(toolkit, df)
    assert list(errors["code"]) == ["required"] * 6
    scores = surveys.score_frame(toolkit, df)
    assert scores["total"].isna().all() and (scores["total__items_answered"] == 1).all()
    assert list(scores["avg"]) == [1.0, 2.0]


def test_valid_frame_gives_empty_error_table(toolkit):
    df = pd.DataFrame({"a1": [1, 2], "a2": [3, 4], "a3": [5, 1], "a4": [2, 2]})
    errors = surveys.validate_frame(toolkit, df)
    assert errors.empty and list(errors.columns)[:3] == ["row", "field", "code"]


@pytest.mark.parametrize("inst_id", ["brs", "gse", "rses", "djg6", "demographics"])
def test_bundled_instruments_random_frames(inst_id, compare):
    inst = surveys.load_instrument(inst_id)
    rng = np.random.default_rng(7)
    n = 300
    data = {}
    for item in inst.items:
        if item.options:
            values = rng.choice([*item.option_values, 99], size=n).astype(float)
        else:
            values = rng.integers(-2, 30, size=n).astype(float)
        values[rng.random(n) < 0.1] = np.nan
        data[item.id] = values
    if "gender_other" in data:
        data["gender_other"] = rng.choice(["", "x" * 5, "y" * 101], size=n)
    df = pd.DataFrame(data)
    compare.frame_matches_per_response(inst, df, durations=rng.uniform(0, 40, size=n))


def test_frame_rejects_duplicate_columns(toolkit):
    df = pd.DataFrame([[1, 2]], columns=["a1", "a1"])
    with pytest.raises(ValueError, match="duplicate column"):
        surveys.validate_frame(toolkit, df)
