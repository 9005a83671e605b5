"""Conditions (XLSForm relevant / constraint, REDCap branching logic): read, evaluated, written."""

from __future__ import annotations

import math

import pytest

from surveys import Condition, ConditionError, parse_condition, parse_redcap_logic


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("${q1} = 1", {"q1": 1}, True),
        ("${q1} = 1", {"q1": 2}, False),
        ("${q1} != 2", {"q1": 1}, True),
        ("${q1} != 2", {"q1": 2}, False),
        ("${q1} < 3", {"q1": 2}, True),
        ("${q1} < 3", {"q1": 3}, False),
        ("${q1} <= 3", {"q1": 3}, True),
        ("${q1} > 3", {"q1": 3}, False),
        ("${q1} > 3", {"q1": 3.5}, True),
        ("${q1} >= 3", {"q1": 3}, True),
        ("${q1} >= -2.5", {"q1": -3}, False),
        ("${a} = 1 and ${b} = 1", {"a": 1, "b": 1}, True),
        ("${a} = 1 and ${b} = 1", {"a": 1, "b": 2}, False),
        ("${a} = 1 or ${b} = 1", {"a": 2, "b": 1}, True),
        ("${a} = 1 or ${b} = 1", {"a": 2, "b": 2}, False),
        ("not(${a} = 1)", {"a": 1}, False),
        ("not(${a} = 1)", {"a": 2}, True),
        ("selected(${m}, 3)", {"m": [1, 3]}, True),
        ("selected(${m}, 3)", {"m": [1, 2]}, False),
        ("selected(${m}, 3)", {}, False),
        ("selected(${m}, '3')", {"m": [3]}, True),
        ("selected(${m}, 2)", {"m": "1 2"}, True),  # XLSForm's own space-separated form
        ("selected(${s}, 2)", {"s": 2}, True),  # a single choice is one selected option
        ("count-selected(${m}) > 1", {"m": [1, 2]}, True),
        ("count-selected(${m}) > 1", {"m": [1]}, False),
        ("count-selected(${m}) = 0", {}, True),
        ("${q3} = ''", {}, True),
        ("${q3} = ''", {"q3": None}, True),
        ("${q3} = ''", {"q3": math.nan}, True),
        ("${q3} = ''", {"q3": []}, True),
        ("${q3} = ''", {"q3": 0}, False),  # 0 is an answer
        ("${q3} != ''", {"q3": 0}, True),
        ("${q3} != ''", {}, False),
        ("${t} = 'yes'", {"t": "yes"}, True),
        ("${t} = 'yes'", {"t": "no"}, False),
        ('${t} = "it\'s"', {"t": "it's"}, True),
        ("${q1} = '1'", {"q1": 1}, True),  # a number against a quoted number compares as numbers
        ("${t} = 1", {"t": "1"}, True),
        ("${t} = 1", {"t": "one"}, False),
        ("${a} = ${b}", {"a": 2, "b": 2.0}, True),
    ],
)
def test_every_operator_and_function(text, answers, expected):
    assert parse_condition(text).holds(answers) is expected


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        # XPath 1.0: an unanswered item is ''; as a number it is NaN, equal to nothing.
        ("${q1} = 1", {}, False),
        ("${q1} != 1", {}, True),
        ("${q1} < 3", {}, False),
        ("${q1} >= 3", {}, False),
        ("not(${q1} < 3)", {}, True),
    ],
)
def test_an_unanswered_item_compares_as_xpath_does(text, answers, expected):
    assert parse_condition(text).holds(answers) is expected


def test_and_binds_tighter_than_or_and_parentheses_change_that():
    loose = parse_condition("${a} = 1 or ${b} = 1 and ${c} = 1")
    grouped = parse_condition("(${a} = 1 or ${b} = 1) and ${c} = 1")
    answers = {"a": 1, "b": 0, "c": 0}
    assert loose.holds(answers) is True
    assert grouped.holds(answers) is False
    assert loose == parse_condition("${a} = 1 or (${b} = 1 and ${c} = 1)")
    assert grouped.to_xlsform() == "(${a} = 1 or ${b} = 1) and ${c} = 1"


def test_not_nests_and_reads_whole_conditions():
    c = parse_condition("not(${a} = 1 or not(${b} = 2))")
    assert c.holds({"a": 2, "b": 2}) is True
    assert c.holds({"a": 1, "b": 2}) is False
    assert c.holds({"a": 2, "b": 3}) is False


def test_names_are_the_items_read():
    c = parse_condition("${a} = 1 and (selected(${m}, 2) or count-selected(${n}) > 0)")
    assert c.names == frozenset({"a", "m", "n"})
    assert not c.uses_this


def test_a_constraint_reads_its_own_answer_as_dot():
    c = parse_condition(". >= 0 and . <= 10 or . >= 20 and . <= 30", allow_this=True)
    assert c.uses_this and c.names == frozenset()
    assert [c.holds({}, this=v) for v in (5, 15, 25, 31)] == [True, False, True, False]
    with pytest.raises(ConditionError, match="only for a constraint"):
        parse_condition(". > 1")


def test_spacing_does_not_change_the_condition():
    assert parse_condition("${q1}=1") == parse_condition("  ${ q1 }  =  1 ")
    assert parse_condition("${q1}=1").to_xlsform() == "${q1} = 1"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("${a} = = 1", "expected an answer"),
        ("${a} =", "found the end"),
        ("${a} = 'x", "not closed"),
        ("${a} == 1", "write '='"),
        ("${a} <> 1", "write '!='"),
        ("[a] = '1'", "REDCap"),
        ("${a} = 1 ${b} = 2", "join conditions with and / or"),
        ("${1a} = 1", "does not name an item"),
        ("${a} = 1 and", "found the end"),
        ("(${a} = 1", "')' to close"),
        ("${a}", "expected a comparison"),
        ("${a} = 1 = 2", "two comparisons in a row"),
        ("a = 1", "${a}"),
        ("selected(${a})", "','"),
        ("selected(${a}, ${b})", "needs an option value"),
        ("count-selected(3) > 1", "needs an item"),
        ("${a} @ 1", "unexpected character '@'"),
        ("jr:choice-name(${a}, 'a') = 'x'", "unknown function"),
    ],
)
def test_bad_syntax_says_what_and_where(text, problem):
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert problem in str(caught.value)
    assert repr(text) in str(caught.value)


def test_the_position_points_at_the_problem():
    with pytest.raises(ConditionError) as caught:
        parse_condition("${a} = 1 and ${b} ! 2")
    assert caught.value.position == len("${a} = 1 and ${b} ")
    assert "at character 19" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "${a} = 1 or __import__('os')",
        "exec('x') = 1",
        "${a}.__class__ = 1",
        "lambda: 1",
    ],
)
def test_python_is_never_evaluated(text):
    with pytest.raises(ConditionError):
        parse_condition(text)


ROUND_TRIPS = [
    "${q1} = 1",
    "${q1} != 2 and ${q4} < 3",
    "${a} = 1 or ${b} >= 2 and ${c} <= 3",
    "(${a} = 1 or ${b} > 2) and ${c} = 'yes'",
    "selected(${m}, 3) and not(selected(${m}, 4))",
    "${q3} = '' or ${q3} != ''",
    "${x} = -1.5",
    '${t} = "it\'s"',
]


@pytest.mark.parametrize("text", [*ROUND_TRIPS, "count-selected(${m}) >= 2", "not(${a} < 3)"])
def test_xlsform_text_round_trips(text):
    c = parse_condition(text)
    assert parse_condition(c.to_xlsform()) == c
    assert c.to_xlsform() == text


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_redcap_logic_round_trips(text):
    c = parse_condition(text)
    assert parse_redcap_logic(c.to_redcap()) == c


def test_redcap_logic_is_written_as_redcap_writes_it():
    c = parse_condition("${q1} = 1 and selected(${q2}, 3) and ${age} >= 18 and ${t} != 'x'")
    assert c.to_redcap() == "[q1] = '1' and [q2(3)] = '1' and [age] >= 18 and [t] <> 'x'"
    assert parse_condition("not(selected(${q2}, 3))").to_redcap() == "[q2(3)] = '0'"


def test_not_is_written_out_for_redcap_with_the_same_meaning():
    """REDCap has no not(...): the negation is pushed down, keeping XPath's empty answers."""
    for text in ("not(${a} = 1 and ${b} < 3)", "not(${a} >= 2 or selected(${m}, 1))"):
        c = parse_condition(text)
        back = parse_redcap_logic(c.to_redcap())
        for answers in ({}, {"a": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 5}, {"m": [1]}, {"b": 2}):
            assert back.holds(answers) == c.holds(answers), (text, answers)


def test_what_redcap_cannot_say_is_refused():
    with pytest.raises(ConditionError, match="count-selected"):
        parse_condition("count-selected(${m}) > 1").to_redcap()
    with pytest.raises(ConditionError, match="'.'"):
        parse_condition(". > 1", allow_this=True).to_redcap()


@pytest.mark.parametrize(
    ("logic", "xlsform"),
    [
        ("[q1] = '1'", "${q1} = 1"),
        ("[q1] = 1", "${q1} = 1"),
        ("[q1] <> '2' AND [q2] > 3", "${q1} != 2 and ${q2} > 3"),
        ("[q1]='1' or [q2]='2'", "${q1} = 1 or ${q2} = 2"),
        ("[q2(3)] = '1'", "selected(${q2}, 3)"),
        ("[q2(3)] = '0'", "not(selected(${q2}, 3))"),
        ("[q2(3)] <> '1'", "not(selected(${q2}, 3))"),
        ("[q3] = ''", "${q3} = ''"),
        ("[city] = 'Utrecht'", "${city} = 'Utrecht'"),
        ("([a] = '1' or [b] = '1') and [c] = '1'", "(${a} = 1 or ${b} = 1) and ${c} = 1"),
    ],
)
def test_redcap_logic_is_read(logic, xlsform):
    assert parse_redcap_logic(logic).to_xlsform() == xlsform


@pytest.mark.parametrize(
    ("logic", "problem"),
    [
        ("[event_1_arm_1][q1] = '1'", "[event][field]"),
        ("datediff([dob], 'today', 'y') > 18", "function 'datediff'"),
        ("[q2(3)] > '1'", "checkbox"),
        ("[q1] = ", "found the end"),
        ("[q1] = '1' [q2] = '1'", "join conditions"),
        ("", "empty"),
        ("[q1 = '1'", "[name]"),
    ],
)
def test_bad_redcap_logic_says_why(logic, problem):
    with pytest.raises(ConditionError) as caught:
        parse_redcap_logic(logic)
    assert problem in str(caught.value)


def test_a_condition_is_a_value():
    assert isinstance(parse_condition("${a} = 1"), Condition)
    assert parse_condition("${a} = 1") == parse_condition("${a}=1.0")
    assert hash(parse_condition("${a} = 1")) == hash(parse_condition("${a}=1"))
    assert str(parse_condition("${a}=1")) == "${a} = 1"
