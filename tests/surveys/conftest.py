"""Shared builders for the surveys tests: small instruments written for the tests."""

from __future__ import annotations

import copy
import math
from types import SimpleNamespace

import pandas as pd
import pytest

import surveys

# A small instrument exercising every item type, prorating, reverse keying and bands.
TOOLKIT = {
    "id": "toolkit",
    "version": "1",
    "title": {"en": "Test kit", "nl": "Testset"},
    "languages": {"en": "original", "nl": "working"},
    "option_sets": {
        "five": [
            {"value": v, "label": {"en": f"option {v}", "nl": f"optie {v}"}} for v in range(1, 6)
        ]
    },
    "items": [
        {"id": "a1", "type": "likert", "options": "five", "text": {"en": "A1", "nl": "A1"}},
        {
            "id": "a2",
            "type": "likert",
            "options": "five",
            "reverse": True,
            "text": {"en": "A2", "nl": "A2"},
        },
        {"id": "a3", "type": "likert", "options": "five", "text": {"en": "A3", "nl": "A3"}},
        {
            "id": "a4",
            "type": "likert",
            "options": "five",
            "reverse": True,
            "text": {"en": "A4", "nl": "A4"},
        },
        {
            "id": "hours",
            "type": "number",
            "min": 0,
            "max": 24,
            "required": False,
            "text": {"en": "Hours", "nl": "Uren"},
        },
        {
            "id": "born",
            "type": "year",
            "min": 1920,
            "max": 2020,
            "required": False,
            "text": {"en": "Year", "nl": "Jaar"},
        },
        {"id": "ok", "type": "yes_no", "required": False, "text": {"en": "OK?", "nl": "OK?"}},
        {
            "id": "pick",
            "type": "multiple_choice",
            "options": "five",
            "required": False,
            "text": {"en": "Pick", "nl": "Kies"},
        },
        {
            "id": "one",
            "type": "single_choice",
            "options": "five",
            "required": False,
            "text": {"en": "One", "nl": "Een"},
        },
        {
            "id": "note",
            "type": "text",
            "max_length": 10,
            "required": False,
            "text": {"en": "Note", "nl": "Notitie"},
        },
    ],
    "scales": [
        {
            "id": "total",
            "items": ["a1", "a2", "a3", "a4"],
            "method": "sum",
            "min_items": 3,
            "range": [4, 20],
            "higher_is_better": False,
            "bands": [
                {"id": "low", "min": 4, "max": 9.99, "label": {"en": "Low", "nl": "Laag"}},
                {"id": "mid", "min": 10, "max": 14, "label": {"en": "Mid", "nl": "Midden"}},
                {"id": "high", "min": 14.01, "max": 20, "label": {"en": "High", "nl": "Hoog"}},
            ],
            "reliability": 0.8,
            "reference_sd": 3.0,
            "reference_source": "Invented for the tests.",
        },
        {"id": "avg", "items": ["a1", "a3"], "method": "mean", "min_items": 1, "range": [1, 5]},
        {"id": "time", "items": ["hours"], "method": "sum", "min_items": 1, "range": [0, 24]},
    ],
}


@pytest.fixture
def toolkit_dict() -> dict:
    """A fresh, mutable copy of the test instrument's definition."""
    return copy.deepcopy(TOOLKIT)


@pytest.fixture
def toolkit() -> surveys.Instrument:
    return surveys.parse_instrument(copy.deepcopy(TOOLKIT), source="toolkit.yaml")


def _five(nl: str = "optie") -> list[dict]:
    return [{"value": v, "label": {"en": f"option {v}", "nl": f"{nl} {v}"}} for v in range(1, 6)]


# An instrument with a group condition, a chain of item conditions, missing-data codes (shared
# and of an item's own), a whole-number item and a constraint.
CONDITIONAL = {
    "id": "lifestyle",
    "version": "1",
    "title": {"en": "Lifestyle", "nl": "Leefstijl"},
    "languages": {"en": "original", "nl": "working"},
    "missing_codes": [
        {"value": 99, "label": {"en": "Rather not say", "nl": "Zeg ik liever niet"}},
    ],
    "groups": [
        {"id": "smoking", "title": {"en": "Smoking", "nl": "Roken"}, "relevant": "${smokes} = 1"},
    ],
    "items": [
        {"id": "smokes", "type": "yes_no", "text": {"en": "Do you smoke?", "nl": "Rook je?"}},
        {
            "id": "per_day",
            "type": "number",
            "min": 0,
            "max": 80,
            "integer": True,
            "group": "smoking",
            "missing": [{"value": -1, "label": {"en": "Don't know", "nl": "Weet ik niet"}}],
            "text": {"en": "How many a day?", "nl": "Hoeveel per dag?"},
        },
        {
            "id": "quit",
            "type": "likert",
            "options": _five(),
            "group": "smoking",
            "relevant": "${per_day} > 10",
            "text": {"en": "Want to quit?", "nl": "Wil je stoppen?"},
        },
        {"id": "m1", "type": "likert", "options": _five(), "text": {"en": "M1", "nl": "M1"}},
        {
            "id": "m2",
            "type": "likert",
            "options": _five(),
            "reverse": True,
            "text": {"en": "M2", "nl": "M2"},
        },
        {"id": "m3", "type": "likert", "options": _five(), "text": {"en": "M3", "nl": "M3"}},
        {
            "id": "m4",
            "type": "likert",
            "options": _five(),
            "relevant": "${m3} != ''",
            "text": {"en": "M4", "nl": "M4"},
        },
        {
            "id": "sleep",
            "type": "number",
            "min": 0,
            "max": 24,
            "required": False,
            "constraint": ". <= 8 or . >= 12",
            "constraint_message": {"en": "Not 9 to 11 hours", "nl": "Niet 9 tot 11 uur"},
            "text": {"en": "Hours of sleep", "nl": "Uren slaap"},
        },
    ],
    "scales": [
        {
            "id": "mood",
            "items": ["m1", "m2", "m3", "m4"],
            "method": "sum",
            "min_items": 2,
            "range": [4, 20],
        },
        {
            "id": "habit",
            "items": ["per_day", "quit"],
            "method": "mean",
            "min_items": 1,
            "range": [0.5, 42.5],
        },
    ],
}


@pytest.fixture
def conditional_dict() -> dict:
    """A fresh, mutable copy of the instrument with conditions and missing-data codes."""
    return copy.deepcopy(CONDITIONAL)


@pytest.fixture
def conditional() -> surveys.Instrument:
    return surveys.parse_instrument(copy.deepcopy(CONDITIONAL), source="lifestyle.yaml")


# Comparing vectorised results with per-response results (used through the `compare` fixture).


def per_response_errors(instrument, df, ignore=()):
    rows = []
    for label, record in zip(df.index, df.to_dict("records"), strict=True):
        answers = {k: v for k, v in record.items() if k not in ignore}
        for e in instrument.validate(answers):
            rows.append((label, e.field, e.code, e.message, e.message_nl))
    return rows


def frame_errors(errors: pd.DataFrame):
    return list(
        zip(
            errors["row"],
            errors["field"],
            errors["code"],
            errors["message"],
            errors["message_nl"],
            strict=True,
        )
    )


def assert_scores_equal(instrument, df):
    frame = surveys.score_frame(instrument, df)
    for label, record in zip(df.index, df.to_dict("records"), strict=True):
        for scale_id, expected in instrument.score(record).items():
            got = frame.loc[label, scale_id]
            if expected.value is None:
                assert math.isnan(got), (label, scale_id)
            else:
                assert got == pytest.approx(expected.value, abs=1e-9), (label, scale_id)
            assert frame.loc[label, f"{scale_id}__items_answered"] == expected.items_answered
            assert frame.loc[label, f"{scale_id}__band"] == expected.band


def assert_flags_equal(instrument, df, durations=None):
    frame = surveys.quality_frame(instrument, df, durations)
    for pos, (label, record) in enumerate(zip(df.index, df.to_dict("records"), strict=True)):
        duration = None if durations is None else durations[pos]
        expected = instrument.quality_flags(record, duration)
        got = [flag for flag in surveys.QUALITY_FLAGS if frame.loc[label, flag]]
        assert got == expected, (label, record)


def frame_matches_per_response(instrument, df, ignore=(), durations=None):
    """Validation, scores and flags of the frame equal the per-response results, row by row."""
    errors = surveys.validate_frame(instrument, df, ignore=ignore)
    assert frame_errors(errors) == per_response_errors(instrument, df, ignore)
    assert_scores_equal(instrument, df)
    assert_flags_equal(instrument, df, durations)


@pytest.fixture(scope="session")
def compare() -> SimpleNamespace:
    """Helpers that check DataFrame results against the per-response functions."""
    return SimpleNamespace(
        per_response_errors=per_response_errors,
        frame_errors=frame_errors,
        assert_scores_equal=assert_scores_equal,
        assert_flags_equal=assert_flags_equal,
        frame_matches_per_response=frame_matches_per_response,
        toolkit=surveys.parse_instrument(copy.deepcopy(TOOLKIT), source="toolkit.yaml"),
    )
