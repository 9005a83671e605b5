"""Conversion tables (raw sum -> published metric score), as SWEMWBS users need for their copy."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import surveys

# An invented 3-item instrument and table; SWEMWBS itself is licensed and never shipped.
CONVERTED = """
id: converted_demo
version: "1"
title: {en: Converted demo}
languages: {en: original}
option_sets:
  three: [{value: 1, label: {en: low}}, {value: 2, label: {en: mid}}, {value: 3, label: {en: high}}]
items:
  - {id: c1, type: likert, options: three, text: {en: C1}}
  - {id: c2, type: likert, options: three, text: {en: C2}}
  - {id: c3, type: likert, options: three, text: {en: C3}, reverse: true}
scales:
  - id: metric
    items: [c1, c2, c3]
    method: sum
    range: [5.0, 25.5]
    conversion: {3: 5.0, 4: 7.25, 5: 9.5, 6: 12.0, 7: 15.5, 8: 20.0, 9: 25.5}
    bands:
      - {id: low, min: 5.0, max: 12.0, label: {en: Low}}
      - {id: high, min: 12.01, max: 25.5, label: {en: High}}
"""


@pytest.fixture
def converted() -> surveys.Instrument:
    return surveys.parse_instrument(CONVERTED, source="converted.yaml")


@pytest.mark.parametrize(
    "answers, value, band",
    [
        ({"c1": 1, "c2": 1, "c3": 3}, 5.0, "low"),  # raw 1 + 1 + 1 = 3
        ({"c1": 3, "c2": 2, "c3": 2}, 15.5, "high"),  # raw 3 + 2 + 2 = 7
        ({"c1": 3, "c2": 3, "c3": 1}, 25.5, "high"),  # raw 9
        ({"c1": 3, "c2": 3}, None, None),  # a converted score needs every item
    ],
)
def test_raw_sum_is_converted(converted, answers, value, band):
    result = converted.score(answers)["metric"]
    assert result.value == value and result.band == band


def test_conversion_survives_json_and_matches_vectorised(converted, compare):
    rebuilt = surveys.Instrument.from_dict(json.loads(json.dumps(converted.to_dict())))
    assert rebuilt.fingerprint == converted.fingerprint
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.integers(0, 4, size=(200, 3)), columns=["c1", "c2", "c3"])
    df = df.astype("float64").where(rng.random((200, 3)) > 0.1)
    compare.frame_matches_per_response(converted, df)


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("9: 25.5}", "}", "missing 9"),
        ("9: 25.5}", "9: 25.5, 10: 30}", "impossible 10"),
        (
            "    method: sum\n    range",
            "    method: sum\n    min_items: 2\n    range",
            "every item answered",
        ),
        (
            "    method: sum\n    range: [5.0, 25.5]",
            "    method: mean\n    range: [5.0, 25.5]",
            "needs method: sum",
        ),
    ],
)
def test_broken_conversion_tables_are_refused(old, new, fragment):
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(CONVERTED.replace(old, new), source="converted.yaml")
    assert "converted.yaml: scales[0].conversion: " in str(caught.value)
    assert fragment in str(caught.value)
