"""Questionnaires: ordered instruments with demographics and consent; JSON round trip; XLSForm."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveys


@pytest.fixture
def questionnaire() -> surveys.Questionnaire:
    return surveys.Questionnaire(
        id="buurtkracht",
        version="1",
        title={"nl": "Buurtkracht nameting", "en": "Neighbourhood strength post-test"},
        instruments=(surveys.load_instrument("brs", "1.0"), surveys.load_instrument("djg6", "1.0")),
        demographics=surveys.load_instrument("demographics"),
        consent={"nl": "Ik doe vrijwillig mee.", "en": "I take part voluntarily."},
    )


BRS_OK = {f"brs_{i}": v for i, v in enumerate([4, 2, 4, 2, 5, 1], start=1)}
DJG_OK = {f"djg_{i}": v for i, v in enumerate([3, 1, 1, 3, 1, 3], start=1)}


def test_validate_and_score_over_all_blocks(questionnaire):
    answers = {**BRS_OK, **DJG_OK, "age_band": 4, "gender": 3, "gender_other": "non-binair"}
    assert questionnaire.validate(answers) == []
    scores = questionnaire.score(answers)
    assert set(scores) == {"brs", "djg6"}  # demographics has no scales
    assert scores["brs"]["brs"].value == pytest.approx(26 / 6)  # 4, 4, 4, 4, 5, 5
    assert scores["djg6"]["djg_total"].value == 0


def test_errors_name_the_item_and_unknown_keys_come_first(questionnaire):
    answers = {**BRS_OK, "brs_2": 9, "djg_1": 1, "age_band": "40", "shoe_size": 43}
    errors = [(e.field, e.code) for e in questionnaire.validate(answers)]
    assert errors[0] == ("shoe_size", "unknown_item")
    assert ("age_band", "wrong_type") in errors and ("brs_2", "invalid_option") in errors
    assert ("djg_2", "required") in errors


def test_blocks_and_flags(questionnaire):
    assert [b.id for b in questionnaire.blocks] == ["demographics", "brs", "djg6"]
    flags = questionnaire.quality_flags({**BRS_OK, **DJG_OK}, duration_seconds=5)
    assert flags["questionnaire"] == ["too_fast"]
    assert flags["brs"] == [] and flags["djg6"] == []


def _answers(questionnaire):
    """Answers to every item: valid ones, with some left out and, in a third, wrong ones."""
    items = [item for block in questionnaire.blocks for item in block.items]

    def value(item, wrong):
        allowed = list(item.option_values) or [item.min or 0, "tekst"]
        left_out = [] if item.required else [None]
        return st.sampled_from(allowed + left_out + (wrong and [9, "3", 2.5, None]))

    return st.sampled_from([[], [], [9, "3", 2.5, None]]).flatmap(
        lambda wrong: st.fixed_dictionaries({i.id: value(i, wrong) for i in items})
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_assess_is_validate_score_and_flags_in_one_pass(questionnaire, data):
    answers = data.draw(_answers(questionnaire))
    answers.update(data.draw(st.sampled_from([{}, {}, {"shoe_size": 43}, {"note": None}])))
    duration = data.draw(st.sampled_from([None, 3, 600]))
    assessment = questionnaire.assess(answers, duration)
    assert assessment.errors == questionnaire.validate(answers)
    if assessment.errors:
        assert assessment.scores == {} and assessment.flags == {}
    else:
        assert assessment.scores == questionnaire.score(answers)
        assert assessment.flags == questionnaire.quality_flags(answers, duration)


def test_assess_flags_and_scores_a_valid_response(questionnaire):
    straight = {f"brs_{i}": 3 for i in range(1, 7)}
    assessment = questionnaire.assess({**straight, **DJG_OK}, duration_seconds=5)
    assert assessment.errors == []
    assert assessment.scores["brs"]["brs"].value == 3.0
    assert assessment.flags["brs"] == ["straight_lining"]
    assert assessment.flags["questionnaire"] == ["too_fast"]  # 12 items in 5 s


def test_the_quick_check_takes_only_int_options_and_leaves_the_rest_to_validation():
    from surveys.scoring import item_scores, points_if_valid

    brs = surveys.load_instrument("brs", "1.0")
    assert points_if_valid(brs, BRS_OK) == item_scores(brs, BRS_OK)
    for odd in (3.0, True, "3", 9, None):  # valid, invalid or missing: validation decides
        assert points_if_valid(brs, {**BRS_OK, "brs_1": odd}) is None
    assert points_if_valid(brs, {k: v for k, v in BRS_OK.items() if k != "brs_6"}) is None
    assert points_if_valid(surveys.load_instrument("demographics"), {"age_band": 4}) is None


def test_item_ids_must_be_unique_across_the_questionnaire():
    brs = surveys.load_instrument("brs")
    copy = surveys.parse_instrument({**brs.to_dict(), "id": "brs_copy"})
    with pytest.raises(surveys.InstrumentError, match="item id also used in 'brs'"):
        surveys.Questionnaire(id="q", version="1", title={}, instruments=(brs, copy))


def test_json_round_trip_by_reference_and_embedded(questionnaire):
    by_ref = json.loads(json.dumps(questionnaire.to_dict()))
    assert by_ref["instruments"][0] == {
        "id": "brs",
        "version": "1.0",
        "fingerprint": questionnaire.instruments[0].fingerprint,
    }
    assert surveys.Questionnaire.from_dict(by_ref) == questionnaire
    embedded = json.loads(json.dumps(questionnaire.to_dict(embed=True)))
    rebuilt = surveys.Questionnaire.from_dict(embedded, resolve=lambda *_: pytest.fail("resolved"))
    assert rebuilt == questionnaire


def test_a_changed_definition_under_the_same_version_is_detected(questionnaire):
    stored = questionnaire.to_dict()
    stored["instruments"][0]["fingerprint"] = "0" * 64
    with pytest.raises(surveys.InstrumentError, match="changed without a new version"):
        surveys.Questionnaire.from_dict(stored)


def test_frames_for_the_whole_questionnaire(questionnaire):
    df = pd.DataFrame(
        [{**BRS_OK, **DJG_OK, "age_band": 3}, {**BRS_OK, "brs_1": 7, "extra": 1, "code": "p2"}]
    )
    errors = questionnaire.validate_frame(df, ignore=["code"])
    per_row = [
        (row, e.field, e.code)
        for row, record in enumerate(df.to_dict("records"))
        for e in questionnaire.validate({k: v for k, v in record.items() if k != "code"})
    ]
    assert list(zip(errors["row"], errors["field"], errors["code"], strict=True)) == per_row
    scores = questionnaire.score_frame(df)
    assert scores.loc[0, "djg6.djg_total"] == 0 and pd.isna(scores.loc[1, "brs.brs"])
    flags = questionnaire.quality_frame(df)
    assert bool(flags.loc[1, "djg6.too_many_missing"]) and not flags.loc[0, "brs.straight_lining"]


# The XLSForm import and export are tested in tests/surveys/test_xlsform.py and
# test_xlsform_real_forms.py.


def test_the_time_it_takes_grows_with_the_questions(questionnaire):
    """A minute for the welcome, consent and code pages, then about 8 seconds a question."""
    assert sum(len(block.items) for block in questionnaire.blocks) == 16
    assert questionnaire.minutes == 4  # 60 + 16 x 8 = 188 seconds, rounded up
    short = surveys.Questionnaire(
        id="kort", version="1", title={"nl": "Kort"}, instruments=(questionnaire.instruments[0],)
    )
    assert short.minutes == 2  # 60 + 6 x 8 = 108 seconds
