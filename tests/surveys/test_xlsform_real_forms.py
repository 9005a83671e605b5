"""Real XLSForms (pyxform's own example forms): each imports with its structure or is refused
naming its unsupported feature. The forms and their sources: tests/surveys/forms/xlsform/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import surveys

FORMS = Path(__file__).parent / "forms" / "xlsform" / "pyxform"

# form -> (items as (id, type, option values), group ids, items with a condition)
IMPORTED = {
    "bug_example_xls/ict_survey_fails.xls": ([("internet_teach", "yes_no", (1, 0))], [], []),
    "example_xls/choice_name_same_as_select_name.xls": ([("zone", "single_choice", (1,))], [], []),
    "example_xls/extra_columns.xlsx": ([("a", "text", ())], [], []),
    "example_xls/extra_sheet_names.xlsx": ([("test", "text", ())], [], []),
    "example_xls/field-list.xlsx": ([("table_list_question", "yes_no", (1, 0))], ["name"], []),
    "example_xls/specify_other.xls": (
        [("sex", "single_choice", (1, 2, 3)), ("sex_other", "text", ())],
        [],
        ["sex_other"],
    ),
    "example_xls/text_and_integer.xlsx": (
        [("your_name", "text", ()), ("your_age", "number", ())],
        [],
        [],
    ),
    "example_xls/yes_or_no_question.xls": ([("good_day", "yes_no", (1, 0))], [], []),
    "example_xls/yes_or_no_question.xlsx": ([("good_day", "yes_no", (1, 0))], [], []),
}
# form -> the problem keys (surveys/locale/*/LC_MESSAGES/xlsform.po) its refusal must name
REFUSED = {
    "bug_example_xls/bad_calc.xlsx": {"no_question"},
    "example_xls/hidden.xls": {"no_question"},
    "example_xls/calculate.xls": {"piped_text"},
    "example_xls/cascading_select_test_equivalent.xls": {"calculate_used"},
    "example_xls/case_insensitivity.xlsx": {"type_unsupported"},
    "example_xls/choice_filter_test.xlsx": {"column_choice_filter", "duplicate_choice"},
    "example_xls/default_time_demo.xls": {"type_date"},
    "example_xls/gps.xls": {"type_location"},
    "example_xls/group.xlsx": {"type_unsupported"},
    "example_xls/include.xlsx": {"type_unsupported"},
    "example_xls/loop.xlsx": {"type_repeat"},
    "example_xls/or_other.xlsx": {"column_choice_filter"},
    "example_xls/survey_no_name.xlsx": {"no_survey_sheet"},
    "example_xls/tutorial.xls": {"type_repeat"},
    "example_xls/widgets.xls": {"type_date", "type_location", "type_media", "column_default"},
}


def test_every_kept_form_is_tested():
    kept = {str(p.relative_to(FORMS)) for p in FORMS.rglob("*.xls*")}
    assert kept == set(IMPORTED) | set(REFUSED)


@pytest.mark.parametrize("form", sorted(IMPORTED))
def test_real_form_imports_with_its_structure(form):
    items, groups, conditional = IMPORTED[form]
    questionnaire = surveys.import_xlsform(FORMS / form, language="en")
    (block,) = questionnaire.blocks
    assert [(i.id, i.type, i.option_values) for i in block.items] == items
    assert [g.id for g in block.groups] == groups
    assert [i.id for i in block.items if i.relevant] == conditional
    assert block.languages == {"en": "original"}


@pytest.mark.parametrize("form", sorted(REFUSED))
def test_real_form_is_refused_naming_its_feature(form):
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(FORMS / form, language="en")
    error = caught.value
    keys = {p.key for p in error.details}
    assert REFUSED[form] <= keys
    assert all(p.sheet or p.key in ("no_survey_sheet", "not_workbook") for p in error.details)
    lines_nl = error.lines("nl")
    assert len(set(lines_nl)) == len(lines_nl) == len(error.details)  # each problem once
    placed = [p for p in error.details if p.sheet]
    assert all(line.startswith("blad ") for line in (p.line("nl") for p in placed))
    assert str(error)  # the English text existing callers show


def test_specify_other_gives_an_other_option_and_its_text_item():
    questionnaire = surveys.import_xlsform(FORMS / "example_xls/specify_other.xls", language="en")
    sex = questionnaire.instruments[0].item("sex")
    assert [o.name for o in sex.options] == ["male", "female", "other"]
    other = questionnaire.instruments[0].item("sex_other")
    assert other.relevant == "selected(${sex}, 3)" and not other.required
    assert questionnaire.not_applicable({"sex": 1}) == frozenset({"sex_other"})
    assert questionnaire.not_applicable({"sex": 3}) == frozenset()


def test_an_integer_without_a_constraint_is_a_whole_number_without_a_range():
    """pyxform's text_and_integer form asks an age as a bare ``integer``."""
    questionnaire = surveys.import_xlsform(FORMS / "example_xls/text_and_integer.xlsx")
    age = questionnaire.instruments[0].item("your_age")
    assert (age.min, age.max, age.integer) == (None, None, True)
    assert questionnaire.validate({"your_name": "Ann", "your_age": 130}) == []
    (error,) = questionnaire.validate({"your_name": "Ann", "your_age": 3.5})
    assert (error.field, error.code) == ("your_age", "wrong_type")
