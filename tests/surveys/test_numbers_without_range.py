"""Number items without a range (min only, max only, or neither): read, checked, scored and
written by every writer; a number a scale scores, or one with a missing code, still needs the
bound that makes it work."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

import surveys
from surveys.questionnaire import Questionnaire
from surveys.redcap import import_redcap
from surveys.redcap_export import export_redcap
from surveys.xform import xform, xlsform_rows


def text(en: str) -> dict[str, str]:
    return {"en": en, "nl": en}


def number(item_id: str, **keys) -> dict:
    return {"id": item_id, "type": "number", "text": text(item_id), "required": False, **keys}


def counts(*items: dict, **top) -> surveys.Instrument:
    return surveys.parse_instrument(
        {
            "id": "counts",
            "version": "1",
            "title": text("Counts"),
            "languages": {"en": "original", "nl": "working"},
            "items": list(items),
            **top,
        },
        source="counts.yaml",
    )


@pytest.fixture
def open_counts() -> surveys.Instrument:
    return counts(
        number("children", integer=True),  # neither bound
        number("age", min=0, integer=True),  # min only
        number("debt", max=0),  # max only
        number("hours", min=0, max=24),
    )


def test_a_number_may_give_min_only_max_only_or_neither(open_counts):
    children, age, debt, hours = open_counts.items
    assert (children.min, children.max) == (None, None)
    assert (age.min, age.max, debt.min, debt.max) == (0, None, None, 0)
    # to_dict writes only the bounds given, and reads back to the same fingerprint.
    written = open_counts.to_dict()["items"]
    assert "min" not in written[0] and "max" not in written[0] and "max" not in written[1]
    assert surveys.Instrument.from_dict(open_counts.to_dict()).fingerprint == (
        open_counts.fingerprint
    )


def test_validation_checks_only_the_bounds_given(open_counts):
    assert open_counts.validate({"children": 12, "age": 130, "debt": -5000.5, "hours": 3}) == []
    errors = {e.field: e for e in open_counts.validate({"children": 1.5, "age": -1, "debt": 2})}
    assert errors["children"].code == "wrong_type"  # integer still holds
    assert errors["age"].code == errors["debt"].code == "out_of_range"
    assert errors["age"].message == "Please give a number of at least 0."
    assert errors["age"].message_nl == "Geef een getal van 0 of hoger."
    assert errors["debt"].message == "Please give a number of at most 0."
    assert errors["debt"].message_nl == "Geef een getal van 0 of lager."
    (both,) = open_counts.validate({"hours": 25})
    assert both.message_nl == "Geef een getal van 0 tot en met 24."


def test_the_frame_gives_what_one_response_gives(open_counts):
    rows = [
        {"children": 3, "age": -1, "debt": 2, "hours": 25},
        {"children": 2.5, "age": 40, "debt": -1, "hours": 8},
    ]
    frame = surveys.validate_frame(open_counts, pd.DataFrame(rows))
    one_by_one = [
        (k, e.field, e.code, e.message, e.message_nl)
        for k, row in enumerate(rows)
        for e in open_counts.validate(row)
    ]
    got = list(
        frame[["row", "field", "code", "message", "message_nl"]].itertuples(index=False, name=None)
    )
    assert sorted(got) == sorted(one_by_one)
    assert len(got) == 4


def test_an_unbounded_number_beside_a_scale_is_scored_and_flagged():
    inst = counts(
        number("children", integer=True),
        number("hours", min=0, max=24, reverse=True),
        scales=[{"id": "time", "items": ["hours"], "method": "sum", "range": [0, 24]}],
    )
    assert inst.score({"children": 40, "hours": 20})["time"].value == 4.0
    assert inst.quality_flags({"children": 40, "hours": 20}) == []
    frame = surveys.score_frame(inst, pd.DataFrame([{"children": 40, "hours": 20}]))
    assert frame.loc[0, "time"] == 4.0


def test_a_scored_number_needs_both_bounds_naming_the_scale():
    with pytest.raises(surveys.InstrumentError) as caught:
        counts(
            number("hours", min=0),
            scales=[{"id": "time", "items": ["hours"], "method": "sum", "range": [0, 24]}],
        )
    ((path, problem),) = caught.value.problems
    assert path == "scales[0].items[0]"
    assert "scale 'time' scores the number item 'hours', which needs min and max" in problem
    assert "schaal 'time' scoort het getal-item 'hours'" in caught.value.lines("nl")[0]


def test_a_reverse_keyed_number_needs_both_bounds():
    with pytest.raises(surveys.InstrumentError) as caught:
        counts(number("hours", max=24, reverse=True))
    assert caught.value.problems == [
        ("items[0].reverse", "a reverse-keyed number item needs min and max")
    ]


@pytest.mark.parametrize(
    ("bounds", "code", "refused"),
    [
        ({}, 99, True),  # no range: 99 could be a real count
        ({"min": 0}, 99, True),  # above min and no max
        ({"min": 0}, -1, False),  # below min
        ({"max": 120}, 999, False),  # above max
        ({"max": 120}, -1, True),  # below max and no min
        ({"min": 0, "max": 120}, 99, True),  # within the range (as before)
    ],
)
def test_a_missing_code_on_a_number_must_lie_outside_a_bound(bounds, code, refused):
    missing = [{"value": code, "label": text("Rather not say")}]
    item = number("age", missing=missing, **bounds)
    if not refused:
        inst = counts(item)
        assert inst.statuses({"age": code}) == {"age": "missing_code"}
        return
    with pytest.raises(surveys.InstrumentError) as caught:
        counts(item)
    ((path, problem),) = caught.value.problems
    assert path == "items[0].missing"
    assert f"code {code} of item 'age'" in problem
    assert "could be a real answer" in problem


def test_shared_missing_codes_need_a_bound_on_every_unbounded_number():
    shared = [{"value": -9, "label": text("Not known")}]
    assert counts(number("age", min=0), missing_codes=shared).validate({"age": -9}) == []
    with pytest.raises(surveys.InstrumentError, match="code -9 of item 'n' could be a real"):
        counts(number("age", min=0), number("n"), missing_codes=shared)


def questionnaire(inst: surveys.Instrument) -> Questionnaire:
    return Questionnaire(id="q", version="1", title=text("Q"), instruments=(inst,))


def test_xlsform_rows_write_no_constraint_or_a_one_sided_one(open_counts):
    survey, _choices = xlsform_rows(questionnaire(open_counts), ["en", "nl"])
    constraints = {row["name"]: row.get("constraint") for row in survey if row.get("name")}
    assert constraints["children"] is None
    assert constraints["age"] == ". >= 0"
    assert constraints["debt"] == ". <= 0"
    assert constraints["hours"] == ". >= 0 and . <= 24"
    # pyxform, the reference implementation, converts them.
    xml = xform(survey, _choices, form_id="q", title="Q", version="1", default_language="en")
    assert 'constraint=". &gt;= 0"' in xml and "children" in xml


def test_xlsform_workbook_reads_back_to_the_same_bounds(open_counts, tmp_path):
    path = tmp_path / "counts.xlsx"
    surveys.export_xlsform(questionnaire(open_counts), path)
    assert load_workbook(path)["survey"].max_row > 4
    back = surveys.import_xlsform(path).instruments[0]
    assert [(i.id, i.min, i.max, i.integer) for i in back.items] == [
        (i.id, i.min, i.max, i.integer) for i in open_counts.items
    ]


def test_redcap_writes_empty_min_or_max_and_reads_them_back(open_counts):
    buffer = io.BytesIO()
    export_redcap(questionnaire(open_counts), buffer)
    text_csv = buffer.getvalue().decode("utf-8-sig")
    assert "children,counts,,text,children,,,integer,,," in text_csv
    assert "age,counts,,text,age,,,integer,0,," in text_csv
    back = import_redcap(buffer.getvalue(), name="export.csv").instruments[0]
    assert [(i.id, i.min, i.max) for i in back.items] == [
        (i.id, i.min, i.max) for i in open_counts.items
    ]


def test_a_redcap_number_without_min_or_max_is_read():
    header = (
        '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
        '"Choices, Calculations, OR Slider Labels","Field Note",'
        '"Text Validation Type OR Show Slider Number","Text Validation Min",'
        '"Text Validation Max",Identifier?,"Branching Logic (Show field only if...)",'
        '"Required Field?","Custom Alignment","Question Number (surveys only)",'
        '"Matrix Group Name","Matrix Ranking?","Field Annotation"'
    )
    rows = [
        header,
        "record_id,intake,,text,Record ID,,,,,,,,,,,,,",
        "kids,intake,,text,Kinderen,,,integer,,,,,,,,,,",
        "weight,intake,,text,Gewicht,,,number,20,,,,,,,,,",
    ]
    block = import_redcap("\n".join(rows).encode(), name="intake.csv").instruments[0]
    kids, weight = block.items
    assert (kids.min, kids.max, kids.integer) == (None, None, True)
    assert (weight.min, weight.max, weight.integer) == (20, None, False)
    (error,) = block.validate({"weight": 5})
    assert error.message_nl == "Geef een getal van 20 of hoger."
