"""Items whose conditions do not hold: which they are, their statuses, and their validation."""

from __future__ import annotations

import copy

import pytest

import surveys

COMPLETE = {"smokes": 1, "per_day": 20, "quit": 3, "m1": 4, "m2": 2, "m3": 4, "m4": 3}


def block(inst_id: str, items: list[dict], **extra) -> surveys.Instrument:
    return surveys.parse_instrument(
        {
            "id": inst_id,
            "version": "1",
            "title": {"en": inst_id},
            "languages": {"en": "original"},
            "items": items,
            **extra,
        },
        source=f"{inst_id}.yaml",
    )


def yes_no(item_id: str, **extra) -> dict:
    options = [{"value": 1, "label": {"en": "Yes"}}, {"value": 0, "label": {"en": "No"}}]
    return {"id": item_id, "type": "single_choice", "text": {"en": item_id}, "options": options,
            **extra}  # fmt: skip


def test_a_hidden_item_hides_what_depends_on_it(conditional):
    # The group hides per_day and quit; quit's own condition reads per_day, now not given.
    assert conditional.not_applicable({**COMPLETE, "smokes": 0}) == {"per_day", "quit"}
    assert conditional.not_applicable(COMPLETE) == frozenset()
    assert conditional.not_applicable({**COMPLETE, "per_day": 5}) == {"quit"}


def test_a_chain_of_item_conditions_without_groups():
    inst = block(
        "chain",
        [
            yes_no("a"),
            yes_no("b", relevant="${a} = 1"),
            yes_no("c", relevant="${b} = 1"),
            yes_no("d", relevant="${c} = ''"),  # shown exactly when c is hidden or unanswered
        ],
    )
    # b is answered 1, but hidden by a = 0: c reads b as not given, so c is hidden too.
    assert inst.not_applicable({"a": 0, "b": 1, "c": 1}) == {"b", "c"}
    assert inst.not_applicable({"a": 1, "b": 1, "c": 1}) == {"d"}
    assert inst.not_applicable({"a": 1, "b": 1}) == frozenset()


def test_an_unanswered_earlier_item_hides_an_equality_condition(conditional):
    # smokes not given: ${smokes} = 1 does not hold, so the smoking group is hidden.
    assert conditional.not_applicable({}) == {"per_day", "quit", "m4"}


def test_nested_groups_hide_with_their_parent():
    inst = block(
        "nested",
        [yes_no("a"), yes_no("b", group="inner"), yes_no("c", group="outer"), yes_no("d")],
        groups=[
            {"id": "outer", "relevant": "${a} = 1"},
            {"id": "inner", "parent": "outer"},
        ],
    )
    assert inst.not_applicable({"a": 0}) == {"b", "c"}
    assert inst.not_applicable({"a": 1}) == frozenset()


def test_an_inner_group_condition_applies_inside_a_shown_parent():
    inst = block(
        "nested",
        [yes_no("a"), yes_no("b"), yes_no("c", group="inner"), yes_no("d", group="outer")],
        groups=[
            {"id": "outer", "relevant": "${a} = 1"},
            {"id": "inner", "parent": "outer", "relevant": "${b} = 1"},
        ],
    )
    assert inst.not_applicable({"a": 1, "b": 0}) == {"c"}
    assert inst.not_applicable({"a": 0, "b": 1}) == {"c", "d"}


def test_a_block_condition_on_an_earlier_block_hides_the_whole_block():
    intro = block("intro", [yes_no("works")])
    job = block(
        "job",
        [yes_no("likes_job"), yes_no("hours_ok", relevant="${likes_job} = 1")],
        relevant="${works} = 1",
    )
    q = surveys.Questionnaire(id="q", version="1", title={}, instruments=(intro, job))
    assert q.not_applicable({"works": 0}) == {"likes_job", "hours_ok"}
    assert q.not_applicable({"works": 1, "likes_job": 0}) == {"hours_ok"}
    assert q.statuses({"works": 0}) == {
        "works": "answered",
        "likes_job": "not_applicable",
        "hours_ok": "not_applicable",
    }
    # The whole block hidden: none of its answers is required, and an answer is refused.
    assert q.validate({"works": 0}) == []
    (error,) = q.validate({"works": 0, "likes_job": 1})
    assert (error.field, error.code) == ("likes_job", "not_applicable")


def test_an_item_condition_may_read_an_earlier_block():
    intro = block("intro", [yes_no("works")])
    job = block("job", [yes_no("likes_job", relevant="${works} = 1")])
    q = surveys.Questionnaire(id="q", version="1", title={}, instruments=(intro, job))
    assert q.not_applicable({"works": 0}) == {"likes_job"}
    assert q.not_applicable({"works": 1}) == frozenset()
    # A hidden earlier item counts as not given in a later block's condition.
    gate = block("gate", [yes_no("adult")])
    intro2 = block("intro2", [yes_no("works2", relevant="${adult} = 1")])
    job2 = block("job2", [yes_no("likes2", relevant="${works2} = 1")])
    q2 = surveys.Questionnaire(id="q2", version="1", title={}, instruments=(gate, intro2, job2))
    assert q2.not_applicable({"adult": 0, "works2": 1}) == {"works2", "likes2"}


def test_statuses_name_every_item(conditional):
    answers = {"smokes": 1, "per_day": -1, "m1": 99, "m2": 3, "m3": 7}
    assert conditional.statuses(answers) == {
        "smokes": "answered",
        "per_day": "missing_code",  # its own code
        "quit": "not_applicable",  # -1 > 10 does not hold
        "m1": "missing_code",  # the instrument's shared code
        "m2": "answered",
        "m3": "answered",  # invalid (7), but answered: validation says what is wrong
        "m4": "missing",  # shown: m3 is given (if wrong)
        "sleep": "missing",
    }
    assert set(conditional.statuses(answers).values()) <= set(surveys.validation.STATUSES)


def test_an_answer_to_a_hidden_item_is_an_error_in_both_languages(conditional):
    errors = conditional.validate({**COMPLETE, "smokes": 0})
    assert [(e.field, e.code) for e in errors] == [
        ("per_day", "not_applicable"),
        ("quit", "not_applicable"),
    ]
    assert errors[0].message == (
        "This question does not apply here, because of an earlier answer. Leave it empty."
    )
    assert errors[0].message_nl == (
        "Deze vraag geldt hier niet, door een eerder antwoord. Laat hem leeg."
    )
    assert errors[0].value == 20


def test_a_hidden_required_item_left_empty_is_fine(conditional):
    answers = {"smokes": 0, "m1": 4, "m2": 2, "m3": 4, "m4": 3}
    assert conditional.validate(answers) == []
    # Shown again, the same required item is missing.
    assert [e.field for e in conditional.validate({**answers, "smokes": 1})] == ["per_day"]


def test_blanks_allowed_stores_a_required_item_as_not_answered(conditional):
    answers = {"smokes": 1, "per_day": 20, "m1": 4}
    strict = conditional.validate(answers)
    assert {e.field for e in strict if e.code == "required"} == {"quit", "m2", "m3"}
    assert conditional.validate(answers, blanks_allowed=True) == []
    # Wrong answers are errors all the same.
    (error,) = conditional.validate({**answers, "m2": 8}, blanks_allowed=True)
    assert error.code == "invalid_option"


def test_a_questionnaire_validates_and_assesses_with_blanks_allowed(conditional):
    q = surveys.Questionnaire(id="q", version="1", title={}, instruments=(conditional,))
    answers = {"smokes": 0, "m1": 4}
    assert {e.code for e in q.validate(answers)} == {"required"}
    assert q.validate(answers, blanks_allowed=True) == []
    assessed = q.assess(answers, blanks_allowed=True)
    assert assessed.errors == []
    assert assessed.scores["lifestyle"]["mood"].value is None  # one item of min_items 2


def test_assess_equals_validate_score_and_flags_with_conditions(conditional):
    q = surveys.Questionnaire(id="q", version="1", title={}, instruments=(conditional,))
    for answers in (
        COMPLETE,
        {**COMPLETE, "smokes": 0, "per_day": None, "quit": None},
        {**COMPLETE, "smokes": 0},
        {**COMPLETE, "m1": 99, "m3": 99, "m4": None},
        {**COMPLETE, "per_day": -1, "quit": None, "sleep": 10},
    ):
        assessed = q.assess(answers, duration_seconds=30)
        assert assessed.errors == q.validate(answers)
        if not assessed.errors:
            assert assessed.scores == q.score(answers)
            assert assessed.flags == q.quality_flags(answers, duration_seconds=30)


def test_scores_leave_out_hidden_items(conditional):
    # m4 is hidden (m3 unanswered): the mood sum is prorated over m1 and m2 only.
    scores = conditional.score({"smokes": 0, "m1": 4, "m2": 2, "m4": 5})
    assert scores["mood"] == surveys.ScaleScore(value=16.0, items_answered=2)
    assert scores["habit"].value is None


def test_too_many_missing_counts_only_items_that_apply():
    inst = block(
        "few",
        [
            yes_no("gate"),
            *(yes_no(f"x{i}", relevant="${gate} = 1") for i in range(4)),
            yes_no("y"),
        ],
        scales=[
            {"id": "xs", "items": [f"x{i}" for i in range(4)], "method": "sum", "range": [0, 4]}
        ],
    )
    # Four of six items hidden: the two that apply are answered, and the hidden scale cannot
    # be scored by design, which is no flag.
    assert inst.quality_flags({"gate": 0, "y": 1}) == []
    # Shown and left empty: too many missing.
    assert inst.quality_flags({"gate": 1, "y": 1}) == ["too_many_missing"]


# --- the definition is checked ---------------------------------------------------------------


def broken(conditional_dict, mutate) -> str:
    mutate(conditional_dict)
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(conditional_dict, source="lifestyle.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("mutate", "where", "problem"),
    [
        (
            lambda d: d["items"][2].update(relevant="${per_day} >"),
            "items[2].relevant",
            "is not a valid condition",
        ),
        (
            lambda d: d["items"][2].update(relevant="${m1} = 1"),
            "items[2].relevant",
            "item 'quit' names 'm1', which comes after it",
        ),
        (
            lambda d: d["items"][2].update(relevant="${quit} = 1"),
            "items[2].relevant",
            "item 'quit' names itself",
        ),
        (
            lambda d: d["items"][1].update(group="drinking"),
            "items[1].group",
            "item 'per_day' names 'drinking', which groups lacks",
        ),
        (
            lambda d: d["groups"][0].update(relevant="${per_day} = 1"),
            "groups[0].relevant",
            "group 'smoking' names 'per_day', which is in or after the group",
        ),
        (
            lambda d: d["groups"].append({"id": "x", "parent": "y"}),
            "groups[1].parent",
            "'y' is no group listed before",
        ),
        (
            lambda d: d["groups"].append({"id": "smoking"}),
            "groups[1].id",
            "duplicate group id",
        ),
        (
            lambda d: d.update(relevant="${smokes} = 1"),
            "relevant",
            "the block's condition names its own item 'smokes'",
        ),
        (
            lambda d: d["items"][7].update(constraint="${sleep} < 3"),
            "items[7].constraint",
            "in a constraint its own answer is '.'",
        ),
        (
            lambda d: d["items"][7].update(constraint=". <"),
            "items[7].constraint",
            "is not a valid condition",
        ),
        (
            lambda d: d["items"][2].update(relevant=". = 1"),
            "items[2].relevant",
            "only for a constraint",
        ),
        (
            lambda d: d["items"][7].pop("constraint"),
            "items[7].constraint_message",
            "needs a constraint",
        ),
        (
            lambda d: d["items"][0].update(integer=True),
            "items[0].integer",
            "only a number item can be integer",
        ),
        (lambda d: d["items"][2].update(relevant=3), "items[2].relevant", "must be a condition"),
        (
            lambda d: d["groups"][0].update(title={"en": "Smoking"}),
            "groups[0].title",
            "differ from declared",
        ),
        (lambda d: d["groups"][0].update(colour="red"), "groups[0].colour", "unknown key"),
    ],
)
def test_a_broken_condition_or_group_names_the_item_and_the_reason(
    conditional_dict, mutate, where, problem
):
    message = broken(conditional_dict, mutate)
    assert f"lifestyle.yaml: {where}: " in message
    assert problem in message


def test_a_name_of_no_earlier_block_is_refused_by_the_questionnaire():
    later = block("later", [yes_no("x", relevant="${works} = 1")])
    assert later.outside_names == {"works"}
    with pytest.raises(surveys.InstrumentError, match="a condition names 'works'"):
        surveys.Questionnaire(id="q", version="1", title={}, instruments=(later,))
    intro = block("intro", [yes_no("works")])
    # After the block that names it: refused; before it: fine.
    with pytest.raises(surveys.InstrumentError, match="later: a condition names 'works'"):
        surveys.Questionnaire(id="q", version="1", title={}, instruments=(later, intro))
    q = surveys.Questionnaire(id="q", version="1", title={}, instruments=(intro, later))
    assert q.not_applicable({"works": 0}) == {"x"}


def test_conditions_are_stored_as_canonical_text(conditional_dict):
    conditional_dict["items"][2]["relevant"] = "${per_day}>10"
    inst = surveys.parse_instrument(conditional_dict)
    assert inst.item("quit").relevant == "${per_day} > 10"
    assert inst.to_dict()["items"][2]["relevant"] == "${per_day} > 10"


def test_the_new_keys_round_trip_through_to_dict(conditional):
    again = surveys.Instrument.from_dict(conditional.to_dict())
    assert again == conditional and again.fingerprint == conditional.fingerprint
    assert again.groups == conditional.groups
    assert again.item("per_day").missing == conditional.item("per_day").missing
    assert again.missing_codes == conditional.missing_codes


def test_each_new_key_is_part_of_the_fingerprint(conditional_dict):
    base = surveys.parse_instrument(copy.deepcopy(conditional_dict)).fingerprint
    changes = [
        lambda d: d["items"][2].update(relevant="${per_day} > 11"),
        lambda d: d["groups"][0].update(relevant="${smokes} = 0"),
        lambda d: d["missing_codes"][0].update(value=98),
        lambda d: d["items"][1].update(integer=False),
        lambda d: d["items"][7].update(constraint=". <= 9"),
        lambda d: d["items"][3]["options"][0].update(name="never"),
    ]
    for change in changes:
        changed = copy.deepcopy(conditional_dict)
        change(changed)
        assert surveys.parse_instrument(changed).fingerprint != base
