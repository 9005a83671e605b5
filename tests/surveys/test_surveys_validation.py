"""Answer validation: every error code, strict typing, Dutch messages and spreadsheet coercion."""

from __future__ import annotations

import math

import pytest

import surveys

COMPLETE = {"a1": 1, "a2": 2, "a3": 3, "a4": 4}


def codes(errors) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors]


def test_a_complete_valid_response_has_no_errors(toolkit):
    full = {
        **COMPLETE,
        "hours": 7.5,
        "born": 1980,
        "ok": 1,
        "pick": [1, 3],
        "one": 2,
        "note": "tien tekens"[:10],
    }
    assert toolkit.validate(full) == []


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({**COMPLETE, "zz": 1}, [("zz", "unknown_item")]),
        ({**COMPLETE, "zz": None}, []),  # an unknown key without a value is not an answer
        ({"a1": 1, "a2": 2, "a3": 3}, [("a4", "required")]),
        ({**COMPLETE, "a4": None}, [("a4", "required")]),
        ({**COMPLETE, "a4": ""}, [("a4", "required")]),
        ({**COMPLETE, "a4": float("nan")}, [("a4", "required")]),
        ({**COMPLETE, "a1": 6}, [("a1", "invalid_option")]),
        ({**COMPLETE, "a1": 0}, [("a1", "invalid_option")]),
        ({**COMPLETE, "a1": "3"}, [("a1", "wrong_type")]),
        ({**COMPLETE, "a1": 2.5}, [("a1", "wrong_type")]),
        ({**COMPLETE, "a1": True}, [("a1", "wrong_type")]),
        ({**COMPLETE, "a1": [1]}, [("a1", "wrong_type")]),
        ({**COMPLETE, "hours": 25}, [("hours", "out_of_range")]),
        ({**COMPLETE, "hours": -0.5}, [("hours", "out_of_range")]),
        ({**COMPLETE, "hours": "7"}, [("hours", "wrong_type")]),
        ({**COMPLETE, "hours": math.inf}, [("hours", "wrong_type")]),
        ({**COMPLETE, "born": 1919}, [("born", "out_of_range")]),
        ({**COMPLETE, "born": 1980.5}, [("born", "wrong_type")]),
        ({**COMPLETE, "ok": 2}, [("ok", "invalid_option")]),
        ({**COMPLETE, "pick": 1}, [("pick", "wrong_type")]),
        ({**COMPLETE, "pick": [1, 1]}, [("pick", "wrong_type")]),
        ({**COMPLETE, "pick": [1, 9]}, [("pick", "invalid_option")]),
        ({**COMPLETE, "note": "elf tekens!"}, [("note", "too_long")]),
        ({**COMPLETE, "note": 12}, [("note", "wrong_type")]),
        ({**COMPLETE, "note": "a\x00b"}, [("note", "invalid_characters")]),
        ({**COMPLETE, "note": "\x1b[2J"}, [("note", "invalid_characters")]),
    ],
)
def test_each_kind_of_wrong_answer_gives_its_code(toolkit, answers, expected):
    assert codes(toolkit.validate(answers)) == expected


def test_a_text_may_hold_tabs_and_line_breaks_but_no_other_control_character(toolkit):
    # PostgreSQL refuses NUL in text and JSON: the answer must be refused before it is stored.
    assert toolkit.validate({**COMPLETE, "note": "a\tb\r\nc"}) == []
    for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)):
        (error,) = toolkit.validate({**COMPLETE, "note": f"a{chr(code)}"})
        assert error.code == "invalid_characters"
    (error,) = toolkit.validate({**COMPLETE, "note": "\x00"})
    assert "control character" in error.message and "stuurteken" in error.message_nl


def test_whole_floats_are_accepted_for_choice_items(toolkit):
    """pandas turns an integer column with gaps into floats: 3.0 is the answer 3."""
    assert toolkit.validate({"a1": 1.0, "a2": 2.0, "a3": 3.0, "a4": 4.0, "born": 1980.0}) == []


def test_errors_are_never_coerced_or_dropped(toolkit):
    answers = {"a1": "1", "a2": 9, "a3": None, "zz": "x", "note": "x" * 11}
    errors = toolkit.validate(answers)
    assert codes(errors) == [
        ("zz", "unknown_item"),
        ("a1", "wrong_type"),
        ("a2", "invalid_option"),
        ("a3", "required"),
        ("a4", "required"),
        ("note", "too_long"),
    ]
    assert [e.value for e in errors] == ["x", "1", 9, None, None, "x" * 11]
    assert answers == {"a1": "1", "a2": 9, "a3": None, "zz": "x", "note": "x" * 11}


def test_messages_are_plain_and_in_dutch_too(toolkit):
    (error,) = toolkit.validate({**COMPLETE, "hours": 30})
    assert error.message == "Please give a number from 0 to 24."
    assert error.message_nl == "Geef een getal van 0 tot en met 24."
    assert error.text("nl") == error.message_nl and error.text("en") == error.message
    assert error.to_dict() == {
        "field": "hours",
        "code": "out_of_range",
        "message": error.message,
        "message_nl": error.message_nl,
    }
    (long_text,) = toolkit.validate({**COMPLETE, "note": "x" * 11})
    assert "10" in long_text.message and "10" in long_text.message_nl


def test_every_code_is_documented():
    assert set(surveys.FIELD_ERROR_CODES) == {
        "unknown_item",
        "required",
        "out_of_range",
        "wrong_type",
        "too_long",
        "invalid_option",
        "invalid_characters",
        "not_applicable",
        "constraint",
    }


def test_answers_must_be_a_mapping(toolkit):
    with pytest.raises(TypeError, match="mapping"):
        toolkit.validate([("a1", 1)])


@pytest.mark.parametrize(
    "cells, converted",
    [
        ({"a1": " 3 "}, {"a1": 3}),
        ({"a1": "3.0"}, {"a1": 3}),
        ({"a1": ""}, {"a1": None}),
        ({"hours": "2,5"}, {"hours": 2.5}),
        ({"hours": "8"}, {"hours": 8}),
        ({"pick": "1;3"}, {"pick": [1, 3]}),
        ({"pick": "1, 3"}, {"pick": [1, 3]}),
        ({"born": "1980"}, {"born": 1980}),
        ({"note": " hallo "}, {"note": "hallo"}),
        ({"a1": 4}, {"a1": 4}),  # not text: passed through untouched
        ({"zz": "7"}, {"zz": "7"}),  # unknown: left for validate() to report
    ],
)
def test_coerce_converts_spreadsheet_text(toolkit, cells, converted):
    answers, problems = surveys.coerce_answers(toolkit, cells)
    assert answers == converted and problems == []


@pytest.mark.parametrize(
    "cells",
    [{"a1": "eens"}, {"a1": "2.5"}, {"hours": "veel"}, {"pick": "1;x"}, {"born": "negentig"}],
)
def test_coerce_reports_what_it_cannot_convert(toolkit, cells):
    answers, problems = surveys.coerce_answers(toolkit, cells)
    (key,) = cells
    assert answers[key] == cells[key]  # kept as given, not dropped
    assert [(p.field, p.code) for p in problems] == [(key, "wrong_type")]
