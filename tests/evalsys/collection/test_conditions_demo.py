"""The demo's conditional question and missing-data code, and demo answers that respect them."""

from __future__ import annotations

import datetime as dt

import numpy as np

import surveys
from evalsys.demo import ABOUT_YOU, INTERVENTIONS
from evalsys.demo import answers as demo_data


def demo_questionnaire() -> surveys.Questionnaire:
    about_you = surveys.parse_instrument(ABOUT_YOU.read_text(encoding="utf-8"))
    return surveys.Questionnaire(
        id="demo",
        version="1",
        title={},
        instruments=(surveys.load_instrument("brs"), surveys.load_instrument("gse")),
        demographics=about_you,
    )


def test_the_first_demo_intervention_has_a_condition_and_a_missing_code():
    assert INTERVENTIONS[0]["demographics"] == ABOUT_YOU
    block = demo_questionnaire().demographics
    assert block.item("gender_other").relevant == "${gender} = 3"
    assert [o.value for o in block.missing_for(block.item("born_in_nl"))] == [9]


def test_the_demo_answers_respect_the_condition_and_use_the_code():
    questionnaire = demo_questionnaire()
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    made = demo_data.programme(
        np.random.default_rng(7),
        questionnaire,
        ["a", "b"],
        [60, 60],
        with_comparison=True,
        start=now - dt.timedelta(weeks=30),
        now=now,
    )
    rows = [r.answers for site in made.values() for r in site]
    assert all(questionnaire.validate(answers) == [] for answers in rows)
    assert not any("gender_other" in a and a.get("gender") != 3 for a in rows)
    assert any(a.get("born_in_nl") == 9 for a in rows)  # "Zeg ik liever niet"
