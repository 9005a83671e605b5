"""Real public REDCap data dictionaries (tests/surveys/forms/redcap/README.md names their source):
each is imported with the structure it has, or refused naming the unsupported features."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from surveys.redcap import RedcapError, import_redcap

FORMS = Path(__file__).parent / "forms" / "redcap"

#: file -> the blocks and their (item id, type, number of options), as the file has them.
IMPORTED = {
    "redcapr-checkboxes-1.csv": {
        "form_2": [
            ("check_one", "multiple_choice", 4),
            ("check_two", "multiple_choice", 5),
            ("desired_result", "text", 0),
        ]
    },
    "redcapr-potentially-problematic-dictionary.csv": {
        "form_1": [
            ("v1", "single_choice", 3),
            ("curly_quote_single", "single_choice", 3),
            ("curly_quote_double_left", "single_choice", 2),
            ("curly_quote_double_right", "single_choice", 2),
            ("long_dash", "single_choice", 2),
        ]
    },
}
#: file -> how often each reason for refusing it is given.
REFUSED = {
    "redcapr-decimal-comma-and-dot.csv": {"identifier": 1, "type_calc": 2},
    "redcapr-longitudinal.csv": {
        "validation_date": 7,
        "type_file": 1,
        "identifier": 5,
        "type_calc": 2,
        "validation_identifier": 2,
    },
    "redcapr-multilevel-model-1.csv": {"validation_date": 1},
    "redcapr-simple.csv": {"identifier": 6, "type_calc": 1, "type_file": 1},
    "redcapr-survey.csv": {"validation_date": 4, "identifier": 5},
    "redcapr-validation-types-1.csv": {
        "type_calc": 1,
        "type_file": 2,
        "type_sql": 1,
        "validation_date": 12,
        "validation_identifier": 12,
    },
    "redcapr-vignette-repeating.csv": {"type_file": 1},
}


def test_every_bundled_dictionary_has_an_expected_outcome():
    assert sorted(p.name for p in FORMS.glob("*.csv")) == sorted(IMPORTED | REFUSED)


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_imported_with_equal_structure(name):
    questionnaire = import_redcap(FORMS / name)
    structure = {
        block.id: [(i.id, i.type, len(i.options)) for i in block.items]
        for block in questionnaire.blocks
    }
    assert structure == IMPORTED[name]


def test_text_codes_keep_their_names():
    block = import_redcap(FORMS / "redcapr-checkboxes-1.csv").blocks[0]
    options = block.item("check_two").options
    assert [(o.value, o.name, o.labels["nl"]) for o in options][:2] == [
        (1, "a", "A"),
        (2, "b", "B"),
    ]
    assert [o.name for o in block.item("check_one").options] == [None] * 4


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_naming_each_unsupported_feature(name):
    with pytest.raises(RedcapError) as caught:
        import_redcap(FORMS / name)
    assert dict(Counter(p.key for p in caught.value.found)) == REFUSED[name]
    for line in caught.value.lines("nl"):
        assert line.startswith(f"{name}: regel ")
