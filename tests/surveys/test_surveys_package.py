"""Package boundaries: surveys stays pure (no web, database or analysis) and its examples run."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import pandas as pd
import pytest

import surveys

FORBIDDEN = ("evalsys", "pyramid", "sqlalchemy", "analysis")


def test_importing_surveys_pulls_in_no_web_database_or_analysis_code():
    code = (
        "import sys, surveys, surveys.xlsform, surveys.frame;"
        "surveys.load_instrument('brs');"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "module", ["surveys", "surveys.schema", "surveys.validation", "surveys.scoring"]
)
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(importlib.import_module(module), verbose=False)
    assert failures == 0
    if module in ("surveys", "surveys.schema", "surveys.validation"):
        assert tried > 0


def test_empty_frames_give_empty_results(toolkit):
    empty = pd.DataFrame({"a1": pd.Series([], dtype="float64")})
    assert surveys.validate_frame(toolkit, empty).empty
    assert len(surveys.score_frame(toolkit, empty)) == 0
    assert len(surveys.quality_frame(toolkit, empty)) == 0


def test_the_worked_examples_in_the_docs_are_valid():
    """docs/instruments.md: its YAML examples parse and score as the text says."""
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "instruments.md"
    blocks = re.findall(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    example, matrix = (surveys.parse_instrument(b, source="docs") for b in blocks)
    result = example.score({"bb_1": 4, "bb_2": 2, "bb_3": 5})["binding"]
    assert result.value == pytest.approx(13 / 3) and result.band == "high"
    codes = [
        (e.field, e.code) for e in example.validate({"bb_1": 4, "bb_2": 7, "bb_3": "4", "bb_9": 1})
    ]
    assert codes == [
        ("bb_9", "unknown_item"),
        ("bb_2", "invalid_option"),
        ("bb_3", "wrong_type"),
        ("bb_4", "required"),
    ]
    flags = example.quality_flags({"bb_1": 5, "bb_2": 5, "bb_3": 5, "bb_4": 5}, 4)
    assert flags == ["reverse_inconsistent", "too_fast"]
    assert matrix.kind == "matrix"
