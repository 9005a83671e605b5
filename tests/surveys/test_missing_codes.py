"""Missing-data codes, whole-number items and constraints: validation, scoring, flags, frames."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveys
from surveys.scoring import points_if_valid

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {"smokes": 1, "per_day": 20, "quit": 3, "m1": 4, "m2": 2, "m3": 4, "m4": 3}


def coded(toolkit_dict: dict) -> surveys.Instrument:
    """The toolkit with a shared code 9 ("rather not say") and no conditions."""
    toolkit_dict["missing_codes"] = [
        {"value": 9, "label": {"en": "Rather not say", "nl": "Zeg ik liever niet"}}
    ]
    toolkit_dict["items"][4]["max"] = 8  # hours 0..8, so 9 is no hour
    toolkit_dict["scales"][2]["range"] = [0, 8]
    toolkit_dict["items"][5]["missing"] = [
        {"value": 9999, "label": {"en": "Don't know", "nl": "Weet ik niet"}}
    ]
    return surveys.parse_instrument(toolkit_dict, source="toolkit.yaml")


# --- validation ------------------------------------------------------------------------------


def test_a_missing_code_is_a_valid_answer(conditional):
    assert conditional.validate({**COMPLETE, "m1": 99, "sleep": 99}) == []
    assert conditional.validate({**COMPLETE, "per_day": -1, "quit": None}) == []
    # A code of another item is no answer here: -1 is per_day's own code only.
    (error,) = conditional.validate({**COMPLETE, "m1": -1})
    assert (error.field, error.code) == ("m1", "invalid_option")
    # An item with codes of its own does not take the shared ones.
    (error,) = conditional.validate({**COMPLETE, "per_day": 99})
    assert (error.field, error.code) == ("per_day", "out_of_range")


def test_an_item_knows_its_codes(conditional):
    assert conditional.missing_for(conditional.item("per_day"))[0].value == -1
    assert [o.value for o in conditional.missing_for(conditional.item("m1"))] == [99]
    assert conditional.missing_values["sleep"] == {99}


def test_a_whole_number_item_refuses_a_fraction(conditional):
    (error,) = conditional.validate({**COMPLETE, "per_day": 12.5})
    assert (error.code, error.message) == (
        "wrong_type",
        "Please give a whole number, without decimals.",
    )
    assert error.message_nl == "Geef een getal zonder komma."
    assert conditional.validate({**COMPLETE, "per_day": 12.0}) == []


def test_a_constraint_gives_its_own_message(conditional):
    (error,) = conditional.validate({**COMPLETE, "sleep": 10})
    assert (error.field, error.code, error.value) == ("sleep", "constraint", 10)
    assert (error.message, error.message_nl) == ("Not 9 to 11 hours", "Niet 9 tot 11 uur")
    assert conditional.validate({**COMPLETE, "sleep": 7}) == []
    assert conditional.validate({**COMPLETE, "sleep": 12}) == []
    # A missing code is not held to the constraint, and the outer range still holds.
    assert conditional.validate({**COMPLETE, "sleep": 99}) == []
    assert conditional.validate({**COMPLETE, "sleep": 30})[0].code == "out_of_range"


def test_a_constraint_without_a_message_gets_the_default(conditional_dict):
    del conditional_dict["items"][7]["constraint_message"]
    inst = surveys.parse_instrument(conditional_dict)
    (error,) = inst.validate({**COMPLETE, "sleep": 10})
    assert error.message == "This answer is not possible here. Please check your answer."
    assert error.message_nl == "Dit antwoord kan hier niet. Kijk je antwoord nog eens na."


def test_a_constraint_may_read_earlier_answers(conditional_dict):
    conditional_dict["items"][7]["constraint"] = ". <= 24 and . >= ${m1}"
    inst = surveys.parse_instrument(conditional_dict)
    assert inst.validate({**COMPLETE, "sleep": 5}) == []
    assert inst.validate({**COMPLETE, "sleep": 3})[0].code == "constraint"


# --- scoring and flags -----------------------------------------------------------------------


def test_a_scale_with_a_missing_code_scores_as_with_that_item_missing(conditional):
    with_code = conditional.score({**COMPLETE, "m1": 99})
    without = conditional.score({k: v for k, v in COMPLETE.items() if k != "m1"})
    assert with_code == without
    # Prorated: m2 reversed 2 -> 4, m3 4, m4 3: mean 11/3 times 4 items.
    assert with_code["mood"].value == pytest.approx(44 / 3)
    assert with_code["mood"].items_answered == 3


def test_a_number_items_own_code_is_never_points(conditional):
    scores = conditional.score({**COMPLETE, "per_day": -1, "quit": None})
    assert scores["habit"] == surveys.ScaleScore(value=None, items_answered=0)


def test_too_few_answers_for_a_scale_counts_codes_as_missing(conditional):
    answers = {"smokes": 0, "m1": 99, "m2": 99, "m3": 4, "m4": 99}
    assert conditional.score(answers)["mood"].value is None
    assert "too_many_missing" in conditional.quality_flags(answers)


def test_straight_lining_does_not_count_codes(conditional):
    same = {"smokes": 1, "per_day": 20, "quit": 3, "m1": 3, "m2": 3, "m3": 3, "m4": 3}
    assert "straight_lining" in conditional.quality_flags(same)
    # With a code for m1 only four equal answers are left, below the five needed.
    assert "straight_lining" not in conditional.quality_flags({**same, "m1": 99})
    # Five codes alike are no straight line either: they are no answers.
    codes = {**same, "quit": 99, "m1": 99, "m2": 99, "m3": 99, "m4": 99}
    assert conditional.validate(codes) == []
    assert conditional.quality_flags(codes) == ["too_many_missing"]


def test_the_fast_path_is_kept_for_instruments_without_conditions(conditional):
    brs = surveys.load_instrument("brs")
    answers = {f"brs_{i}": 3 for i in range(1, 7)}
    assert points_if_valid(brs, answers) is not None
    conditions_only = surveys.parse_instrument(
        {
            "id": "c",
            "version": "1",
            "title": {"en": "C"},
            "languages": {"en": "original"},
            "items": [
                {"id": "a", "type": "likert", "text": {"en": "A"},
                 "options": [{"value": 1, "label": {"en": "x"}}]},
                {"id": "b", "type": "likert", "text": {"en": "B"}, "relevant": "${a} = 2",
                 "options": [{"value": 1, "label": {"en": "x"}}]},
            ],
        }
    )  # fmt: skip
    # An answer to the hidden b must go through the general check and be refused.
    assert points_if_valid(conditions_only, {"a": 1, "b": 1}) is None
    assert conditions_only.validate({"a": 1, "b": 1})[0].code == "not_applicable"


# --- the definition is checked ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "where", "problem"),
    [
        (
            lambda d: d["missing_codes"][0].update(value=3),
            "missing_codes",
            "code 3 of item 'quit' is also one of its options",
        ),
        (
            lambda d: d["items"][1]["missing"][0].update(value=40),
            "items[1].missing",
            "code 40 of item 'per_day' lies within its range 0..80",
        ),
        (
            lambda d: d["items"][0].update(
                type="text", max_length=5, options=None, missing=[{"value": 1, "label": {}}]
            ),
            "items[0].missing",
            "a text item has no missing-data codes",
        ),
        (
            lambda d: d["missing_codes"][0].update(label={"en": "Rather not"}),
            "missing_codes[0].label",
            "differ from declared",
        ),
        (
            lambda d: d["missing_codes"][0].update(value="x"),
            "missing_codes[0].value",
            "whole number",
        ),
        (
            lambda d: d["items"][3]["options"][0].update(name=""),
            "items[3].options[0].name",
            "must be a non-empty text",
        ),
    ],
)
def test_a_broken_code_says_where_and_why(conditional_dict, mutate, where, problem):
    mutate(conditional_dict)
    if conditional_dict["items"][0].get("options", "") is None:
        del conditional_dict["items"][0]["options"]
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(conditional_dict, source="lifestyle.yaml")
    assert f"lifestyle.yaml: {where}: " in str(caught.value)
    assert problem in str(caught.value)


def test_an_option_name_is_kept(conditional_dict):
    conditional_dict["items"][3]["options"][0]["name"] = "never"
    inst = surveys.parse_instrument(conditional_dict)
    assert inst.item("m1").options[0] == surveys.Option(
        1, {"en": "option 1", "nl": "optie 1"}, "never"
    )
    assert inst.to_dict()["items"][3]["options"][0]["name"] == "never"
    assert "name" not in inst.to_dict()["items"][3]["options"][1]


def test_every_bundled_instrument_keeps_its_fingerprint():
    """The new keys are written only when set: the fingerprints of HEAD's library stand."""
    script = (
        "import json, surveys; print(json.dumps({f'{i.id}@{i.version}': i.fingerprint "
        "for i in surveys.bundled_instruments()}))"
    )
    now = {f"{i.id}@{i.version}": i.fingerprint for i in surveys.bundled_instruments()}
    head = _fingerprints_at_head(script)
    if head is None:
        pytest.skip("git or HEAD's surveys package is not available to compare with")
    assert now == head
    for inst in surveys.bundled_instruments():
        keys = set(inst.to_dict())
        assert not keys & {"relevant", "groups", "missing_codes"}, inst.id


def _fingerprints_at_head(script: str) -> dict | None:
    """The bundled fingerprints computed by HEAD's own surveys code, in a scratch folder."""
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", "HEAD", "surveys"],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            out = subprocess.run(
                [str(ROOT / ".venv" / "bin" / "python"), "-c", script],
                cwd=tmp,
                capture_output=True,
                check=True,
                text=True,
            ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return json.loads(out)


# --- frames ----------------------------------------------------------------------------------


def test_frames_with_missing_codes_stay_vectorised_and_equal_per_response(toolkit_dict, compare):
    inst = coded(toolkit_dict)
    assert not inst.has_conditions and not inst.has_constraints
    df = pd.DataFrame(
        {
            "a1": [1, 9, 9, 3, np.nan, 9.0],
            "a2": [9, 2, 9, 3, 4, 5],
            "a3": [2, 3, "9", 9, 1, None],
            "a4": [5, 5, 9, 9, 9, 1],
            "hours": [9, 8.5, 4, np.nan, 9, 0],
            "born": [9999, 1980, 9999.0, 2030, np.nan, 9],
            "one": [9, 1, None, 2, 9, 6],
        },
        index=list("abcdef"),
    )
    compare.frame_matches_per_response(inst, df, durations=[1, 2, 3, 4, 5, 6])
    errors = surveys.validate_frame(inst, df)
    assert set(errors["code"]) >= {"required", "out_of_range", "wrong_type", "invalid_option"}
    scores = surveys.score_frame(inst, df)
    assert scores.loc["c", "total__items_answered"] == 0
    assert scores.loc["a", "total__items_answered"] == 3


def test_frames_with_conditions_equal_per_response(conditional, compare):
    df = pd.DataFrame(
        [
            COMPLETE,
            {**COMPLETE, "smokes": 0},
            {**COMPLETE, "smokes": 0, "per_day": None, "quit": None},
            {**COMPLETE, "per_day": -1, "quit": 2},
            {**COMPLETE, "per_day": 12.5, "sleep": 10},
            {**COMPLETE, "m3": None, "m4": 3, "sleep": 99},
            {"smokes": 99, "m1": 99, "m2": 99},
            {},
        ],
        index=range(100, 108),
    )
    compare.frame_matches_per_response(conditional, df, durations=[1, 50, 2, 3, 4, 5, 6, 7])
    codes = set(surveys.validate_frame(conditional, df)["code"])
    assert {"not_applicable", "constraint", "wrong_type", "required"} <= codes


def test_questionnaire_frames_with_conditions_equal_per_response(conditional):
    intro = surveys.parse_instrument(
        {
            "id": "intro",
            "version": "1",
            "title": {"en": "Intro"},
            "languages": {"en": "original"},
            "items": [{"id": "adult", "type": "yes_no", "text": {"en": "18+?"},
                       "options": [{"value": 1, "label": {"en": "y"}},
                                   {"value": 0, "label": {"en": "n"}}]}],
        }
    )  # fmt: skip
    d = conditional.to_dict()
    d["relevant"] = "${adult} = 1"
    life = surveys.Instrument.from_dict(d)
    q = surveys.Questionnaire(id="q", version="1", title={}, instruments=(intro, life))
    rows = [{"adult": 1, **COMPLETE}, {"adult": 0, **COMPLETE}, {"adult": 0}, {"adult": 1}]
    df = pd.DataFrame(rows)
    errors = q.validate_frame(df)
    expected = [(i, e.field, e.code) for i, r in enumerate(df.to_dict("records")) for e in
                q.validate(r)]  # fmt: skip
    assert list(zip(errors["row"], errors["field"], errors["code"], strict=True)) == expected
    assert ("life" not in set(errors["field"])) and len(expected) > 7
    scores = q.score_frame(df)
    for i, r in enumerate(df.to_dict("records")):
        mood = q.score(r)["lifestyle"]["mood"]
        got = scores.loc[i, "lifestyle.mood"]
        assert (np.isnan(got) and mood.value is None) or got == pytest.approx(mood.value)
        assert scores.loc[i, "lifestyle.mood__items_answered"] == mood.items_answered
    flags = q.quality_frame(df)
    for i, r in enumerate(df.to_dict("records")):
        wanted = q.quality_flags(r)["lifestyle"]
        got = [
            f for f in surveys.QUALITY_FLAGS if f != "too_fast" and flags.loc[i, f"lifestyle.{f}"]
        ]
        assert got == wanted


def answer_for(item):
    """Any answer, valid or not, a code or a gap, for one item of the conditional kit."""
    values = [None, np.nan, 99, -1, 12.5, "x", 0]
    if item.options:
        values += list(item.option_values)
    if item.type == "number":
        values += [item.min, item.max, 10, 11, 20]
    return st.sampled_from(values)


# The fixture is a frozen instrument, the same for every example.
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_frames_equal_per_response_for_any_answers(conditional, compare, data):
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries({item.id: answer_for(item) for item in conditional.items}),
            min_size=1,
            max_size=6,
        )
    )
    df = pd.DataFrame(rows, dtype=object)
    compare.frame_matches_per_response(conditional, df)


def coded_answer_for(item):
    """Any answer for one item of the coded toolkit: codes, gaps, options, bounds, wrong types."""
    values = [None, np.nan, 9, 9999, 2.5, 0]
    if item.options:
        values += list(item.option_values)
    if item.min is not None:
        values += [item.min, item.max, item.max + 1]
    if item.type in ("text", "multiple_choice"):
        values += ["kort", [1, 2]]
    return st.sampled_from(values)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_vectorised_frames_with_codes_equal_per_response_for_any_answers(
    toolkit_dict, compare, data
):
    inst = coded(copy.deepcopy(toolkit_dict))
    numeric = [i for i in inst.items if i.type not in ("text", "multiple_choice")]
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries({item.id: coded_answer_for(item) for item in numeric}),
            min_size=1,
            max_size=6,
        )
    )
    # Inferred dtypes take the numpy path for all-number columns; object the cell path.
    df = pd.DataFrame(rows, dtype=object if data.draw(st.booleans()) else None)
    compare.frame_matches_per_response(inst, df)


any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(min_value=-3, max_value=100), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    st.binary(max_size=3),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_arbitrary_answers_to_conditional_items_never_crash(conditional, data):
    ids = [item.id for item in conditional.items]
    answers = data.draw(st.dictionaries(st.sampled_from(ids), any_value, max_size=len(ids)))
    errors = conditional.validate(answers)
    assert all(e.code in surveys.FIELD_ERROR_CODES and e.message and e.message_nl for e in errors)
    hidden = conditional.not_applicable(answers)
    assert {e.field for e in errors if e.code == "not_applicable"} <= hidden
    statuses = conditional.statuses(answers)
    assert {k for k, v in statuses.items() if v == "not_applicable"} == hidden
    for scale in conditional.scales:
        score = conditional.score(answers)[scale.id]
        assert score.value is None or scale.range[0] <= score.value <= scale.range[1]
    assert set(conditional.quality_flags(answers, 10)) <= set(surveys.QUALITY_FLAGS)
