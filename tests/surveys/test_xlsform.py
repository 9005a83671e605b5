"""surveys.import_xlsform / export_xlsform: forms as the ecosystem writes them, and round trips."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from pyxform.xls2xform import convert

import surveys
from surveys.questionnaire import Questionnaire
from surveys.xform import xform, xlsform_rows

SURVEY = [
    "Type",
    "Name",
    "Label::English (en)",
    "label::Dutch (nl)",
    "Required",
    "Relevance",
    "constraint",
    "constraint_message::English (en)",
    "constraint_message::Dutch (nl)",
    "appearance",
]
CHOICES = ["List_Name", "name", "label::English (en)", "label::Dutch (nl)"]


def workbook(survey, choices=(), settings=None, survey_header=SURVEY) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "Survey"
    sheet.append(survey_header)
    for row in survey:
        sheet.append(list(row) + [None] * (len(survey_header) - len(row)))
    sheet = book.create_sheet("CHOICES")
    sheet.append(CHOICES)
    for row in choices:
        sheet.append(list(row))
    if settings:
        sheet = book.create_sheet("settings")
        sheet.append(list(settings))
        sheet.append(list(settings.values()))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


FOOD = [
    ("food", "fruit", "Fruit", "Fruit"),
    ("food", "bread", "Bread", "Brood"),
    ("food", "rice", "Rice", "Rijst"),
    ("yn", "yes", "Yes", "Ja"),
    ("yn", "no", "No", "Nee"),
]


def conditional_form() -> io.BytesIO:
    return workbook(
        [
            ("start", "start"),
            ("note", "consent", "I take part.", "Ik doe mee."),
            ("select_one yn", "smoker", "Do you smoke?", "Rook je?", "yes"),
            ("begin group", "smoking", "Smoking", "Roken", None, "${smoker} = 'yes'"),
            (
                "integer",
                "per_day",
                "How many a day?",
                "Hoeveel per dag?",
                "yes",
                None,
                ". >= 0 and . <= 60 or . = 99",
                "0 to 60, or 99",
                "0 tot 60, of 99",
            ),
            ("begin_group", "inner", "More", "Meer"),
            ("select_multiple food", "eats", "What do you eat?", "Wat eet je?", "no"),
            ("End_Group",),
            ("end group",),
            (
                "select_one food or_other",
                "likes",
                "Favourite?",
                "Favoriet?",
                "no",
                "selected(${eats}, 'bread') or ${per_day} > 10",
            ),
            (
                "decimal",
                "hours",
                "Hours",
                "Uren",
                "no",
                None,
                ". >= 0 and . <= 10 or . >= 20 and . <= 30",
            ),
            ("text", "remark", "Remark", "Opmerking", "no", None, "string-length(.) <= 200"),
            ("calculate", "unused"),
            ("begin_group", "demographics", "About you", "Over jou"),
            ("integer", "age", "Age", "Leeftijd", "yes", None, ". >= 10 and . <= 99"),
            ("end_group",),
        ],
        FOOD,
        settings={
            "form_id": "habits-2024",
            "form_title": "Habits",
            "version": "7",
            "default_language": "English (en)",
        },
    )


def test_a_conditional_form_keeps_its_structure_order_and_conditions():
    form = surveys.import_xlsform(conditional_form(), name="habits.xlsx")
    (main,) = form.instruments
    assert (form.id, main.id, main.version, form.consent["nl"]) == (
        "habits_2024",
        "habits_2024",
        "7",
        "Ik doe mee.",
    )
    assert [i.id for i in main.items] == [
        "smoker",
        "per_day",
        "eats",
        "likes",
        "likes_other",
        "hours",
        "remark",
    ]
    assert [(g.id, g.parent, g.relevant) for g in main.groups] == [
        ("smoking", None, "${smoker} = 1"),
        ("inner", "smoking", None),
    ]
    assert [main.item(i).group for i in ("smoker", "per_day", "eats", "likes")] == [
        None,
        "smoking",
        "inner",
        None,
    ]
    smoker = main.item("smoker")
    assert (smoker.type, smoker.option_values, [o.name for o in smoker.options]) == (
        "yes_no",
        (1, 0),
        ["yes", "no"],
    )
    eats = main.item("eats")
    assert eats.option_values == (1, 2, 3) and eats.options[1].name == "bread"
    assert main.item("likes").relevant == "selected(${eats}, 2) or ${per_day} > 10"
    assert main.item("likes").option_values == (1, 2, 3, 4)
    assert main.item("likes_other").relevant == "selected(${likes}, 4)"
    per_day = main.item("per_day")
    assert (per_day.min, per_day.max, per_day.integer) == (0, 60, True)
    assert [m.value for m in per_day.missing] == [99]
    assert per_day.constraint_message == {"en": "0 to 60, or 99", "nl": "0 tot 60, of 99"}
    hours = main.item("hours")
    assert (hours.min, hours.max, hours.integer) == (0, 30, False)
    assert hours.constraint == ". >= 0 and . <= 10 or . >= 20 and . <= 30"
    assert main.item("remark").max_length == 200
    assert form.demographics is not None and form.demographics.item("age").max == 99
    assert main.languages == {"en": "original", "nl": "working"}
    # the conditions work: not smoking hides the group and what depends on it
    hidden = form.not_applicable({"smoker": 0})
    assert {"per_day", "eats"} <= hidden and "likes" in hidden
    assert form.validate({"smoker": 1, "per_day": 99, "age": 30}) == []
    assert [e.code for e in form.validate({"smoker": 0, "per_day": 3, "age": 30})] == [
        "not_applicable"
    ]
    assert [e.code for e in form.validate({"hours": 15, "smoker": 0, "age": 30})] == ["constraint"]


def test_text_names_take_an_explicit_value_column():
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["select_one agree", "q", "Agree?"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label", "evalsys_value"])
    choices.append(["agree", "no", "No", 0])
    choices.append(["agree", "yes", "Yes", 5])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    (inst,) = surveys.import_xlsform(data, language="en").instruments
    assert inst.item("q").option_values == (0, 5)
    assert inst.languages == {"en": "original"}


def test_label_with_one_colon_and_plain_label_in_the_default_language():
    data = workbook(
        [("text", "a", "A"), ("text", "b", "B")],
        survey_header=["type", "name", "label:Dutch"],
    )
    (inst,) = surveys.import_xlsform(data, name="x.xlsx").instruments
    assert inst.item("a").text == {"nl": "A"} and inst.id == "x"


def test_every_problem_is_named_by_sheet_row_and_column_once_in_both_languages():
    data = workbook(
        [
            ("calculate", "calc"),
            ("select_one food", "q1", "Q1", "V1", "maybe"),
            ("geopoint", "where", "Where", "Waar"),
            ("integer", "n", "N", "N"),  # a number without a range is fine
            ("text", "t", "T", "T", "no", "${later} = 1"),
            ("text", "u", "U", "U", "no", "${calc} = 1"),
            ("text", "v", "U ${q1}", "U"),
            ("begin repeat", "r", "R", "R"),
            ("text", "in_repeat", "X", "X"),
            ("end repeat",),
            ("text", "later", "L", "L"),
            ("select_one food", "w", "W", "W", "no", "${q1} = 'cake'"),
        ],
        FOOD,
    )
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(data, name="bad.xlsx")
    error = caught.value
    where = [(p.sheet, p.row, p.column, p.key) for p in error.details]
    assert where == [
        ("survey", 3, "Required", "required_not_yes_no"),
        ("survey", 4, "Type", "type_location"),
        ("survey", 6, "Relevance", "forward_reference"),
        ("survey", 7, "Relevance", "calculate_used"),
        ("survey", 8, "Label::English (en)", "piped_text"),
        ("survey", 9, "Type", "type_repeat"),
        ("survey", 13, "Relevance", "unknown_choice"),
    ]
    nl = error.lines("nl")
    assert nl[1].startswith("blad survey, rij 4, kolom Type: Het vraagtype 'geopoint'")
    assert "survey row" not in str(error) and "sheet survey, row 3, column Required" in str(error)
    assert error.problems[0][0] == "sheet survey, row 3, column Required"


def test_a_form_of_only_calculations_and_notes_imports_nothing_and_says_so():
    data = workbook([("calculate", "c"), ("note", "n", "Hi", "Hoi")])
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(data)
    assert [p.key for p in caught.value.details] == ["no_question"]
    assert "geen enkele vraag" in caught.value.lines("nl")[0]


def test_not_a_workbook_and_a_structural_problem_are_told_apart():
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(io.BytesIO(b"type,name\ntext,a\n"), name="form.csv")
    assert [p.key for p in caught.value.details] == ["not_workbook"]
    book = Workbook()
    book.active.title = "questions"
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(data)
    assert [p.key for p in caught.value.details] == ["no_survey_sheet"]
    assert "questions" in caught.value.lines("en")[0]


def test_export_then_import_gives_the_same_instruments_and_pyxform_converts_it(tmp_path):
    instruments = [surveys.load_instrument(i) for i in ("brs", "djg6", "gse", "rses")]
    questionnaire = Questionnaire(
        id="all",
        version="3",
        title={"nl": "Alles", "en": "All"},
        instruments=tuple(instruments),
        demographics=surveys.load_instrument("demographics"),
        consent={"nl": "Ik doe mee.", "en": "I take part."},
    )
    conditional = surveys.import_xlsform(conditional_form())
    for original in (questionnaire, conditional):
        path = tmp_path / f"{original.id}.xlsx"
        surveys.export_xlsform(original, path)
        back = surveys.import_xlsform(path)
        assert [b.fingerprint for b in back.blocks] == [b.fingerprint for b in original.blocks]
        assert (back.id, back.version, back.title, back.consent) == (
            original.id,
            original.version,
            original.title,
            original.consent,
        )
        warnings: list = []
        xml = convert(xlsform=str(path), warnings=warnings).xform
        assert "<h:html" in xml
    # the conditions compare with the choice names the form gave, as ODK does
    assert "selected( /data/habits_2024/smoking/inner/eats , 'bread')" in xml


def test_the_odk_form_carries_conditions_groups_and_missing_codes():
    form = surveys.import_xlsform(conditional_form())
    survey, choices = xlsform_rows(form, ["en", "nl"])
    rows = {row["name"]: row for row in survey if row["type"] != "end_group"}
    assert rows["smoking"]["relevant"] == "${smoker} = 1"
    assert rows["likes"]["relevant"] == "selected(${eats}, 2) or ${per_day} > 10"
    assert rows["per_day"]["constraint"] == ". >= 0 and . <= 60 or . = 99"
    assert rows["per_day"]["type"] == "integer"
    assert {c["name"] for c in choices if c["list_name"] == "smoker_options"} == {"1", "0"}
    xml = xform(survey, choices, form_id="f", title="F", version="1", default_language="en")
    assert "/data/habits_2024/smoking/inner/eats" in xml
