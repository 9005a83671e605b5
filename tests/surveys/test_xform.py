"""surveys.xform: a questionnaire as XLSForm rows, and the XForm pyxform makes of them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pyxform.xform2json import create_survey_element_from_xml

import surveys
from surveys.xform import XFormError, languages_of, xform, xlsform_rows

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def questionnaire():
    return surveys.Questionnaire(
        id="samen-sterk",
        version="3",
        title={"nl": "Samen sterk"},
        instruments=(surveys.load_instrument("brs"), surveys.load_instrument("gse")),
        demographics=surveys.load_instrument("demographics"),
    )


@pytest.fixture(scope="module")
def made(questionnaire):
    languages = languages_of(questionnaire)
    survey, choices = xlsform_rows(questionnaire, languages)
    return xform(survey, choices, form_id="samen-sterk-t0", title="Samen sterk", version="3")


def binds(text: str) -> dict[str, dict]:
    root = ET.fromstring(text)
    return {b.get("nodeset"): b.attrib for b in root.iter(f"{XF}bind")}


def test_languages_are_every_instruments_with_dutch_first(questionnaire):
    assert languages_of(questionnaire) == ["nl", "en"]


def test_each_item_has_a_bind_of_its_type_with_required_and_constraints(questionnaire, made):
    found = binds(made)
    for block in questionnaire.blocks:
        for item in block.items:
            bind = found[f"/data/{block.id}/{item.id}"]
            expected = {"number": "decimal", "year": "int", "text": "string"}.get(item.type)
            if expected:
                assert bind["type"] == expected, item.id
            assert (bind.get("required") == "true()") == item.required, item.id
            if item.type == "text" and item.max_length:
                assert bind["constraint"] == f"string-length(.) <= {item.max_length}"


def test_choices_are_the_option_values_with_labels_in_each_language(made):
    root = ET.fromstring(made)
    items = root.find(f".//{XF}instance[@id='brs_1_options']")
    assert [n.text for n in items.iter(f"{XF}name")] == ["1", "2", "3", "4", "5"]
    translations = {t.get("lang"): t for t in root.iter(f"{XF}translation")}
    assert set(translations) == {"Dutch (nl)", "English (en)"}
    assert translations["Dutch (nl)"].get("default") == "true()"
    texts = {
        lang: {t.get("id"): t.find(f"{XF}value").text for t in translation.iter(f"{XF}text")}
        for lang, translation in translations.items()
    }
    assert texts["Dutch (nl)"]["/data/brs/brs_1:label"].startswith("Ik herstel meestal snel")
    assert texts["English (en)"]["/data/brs/brs_1:label"].startswith("I tend to bounce back")


def test_the_instance_has_the_form_id_version_and_an_instance_id(made):
    root = ET.fromstring(made)
    data = root.find(f".//{XF}model/{XF}instance")[0]
    assert (data.get("id"), data.get("version")) == ("samen-sterk-t0", "3")
    assert data.find(f"{XF}meta/{XF}instanceID") is not None
    assert binds(made)["/data/meta/instanceID"]["{http://openrosa.org/javarosa}preload"] == "uid"


def test_pyxform_reads_its_own_xform_back_with_every_item(questionnaire, made):
    survey = create_survey_element_from_xml(made)
    names = {element.name for element in survey.iter_descendants()}
    assert {item.id for block in questionnaire.blocks for item in block.items} <= names
    assert survey.id_string == "samen-sterk-t0"


def test_a_missing_translation_takes_another_languages_text():
    from surveys.xform import texts

    assert texts({"en": "Code"}, ["nl", "en"]) == {
        "label::Dutch (nl)": "Code",
        "label::English (en)": "Code",
    }


def test_rows_pyxform_refuses_raise_xform_error():
    with pytest.raises(XFormError):
        xform([{"type": "no_such_type", "name": "x"}], [], form_id="f", title="t", version="1")
