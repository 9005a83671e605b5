"""A definition's problems in the user's language: InstrumentError.lines("nl") from the schema
catalogue, and an XLSForm or REDCap import on a Dutch page without an English problem line."""

from __future__ import annotations

import io
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import Workbook

import surveys
from surveys import errors
from surveys.questionnaire import Questionnaire
from surveys.redcap import RedcapError, import_redcap


def text(en: str, nl: str | None = None) -> dict[str, str]:
    return {"en": en, "nl": nl or en}


def item(item_id: str, **keys) -> dict:
    return {"id": item_id, "type": "yes_no", "text": text(item_id), **keys}


def definition(*items: dict, **top) -> dict:
    return {
        "id": "intake",
        "version": "1",
        "title": text("Intake"),
        "languages": {"en": "original", "nl": "working"},
        "items": list(items),
        **top,
    }


def catalogue(language: str) -> dict[str, str]:
    path = errors.LOCALE / language / "LC_MESSAGES" / "schema.po"
    with path.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def english_fragments() -> list[str]:
    """The fixed words of every English schema message (between its placeholders)."""
    out = []
    for message in catalogue("en").values():
        out += [
            part.strip(" ;:,()")
            for part, *_ in string.Formatter().parse(message.replace("{{", "").replace("}}", ""))
        ]
    return sorted({p for p in out if len(p) > 12 and " " in p})


def assert_no_english(lines: list[str]) -> None:
    english = [f for f in english_fragments() if any(f in line for line in lines)]
    assert english == [], lines


# --- the catalogue ---------------------------------------------------------------------------


def test_both_languages_have_every_key_with_the_same_placeholders():
    en, nl = catalogue("en"), catalogue("nl")
    assert set(en) == set(nl)

    def fields(message: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(message) if f is not None}

    assert [k for k in en if fields(en[k]) != fields(nl[k])] == []


def test_every_key_the_code_names_is_in_the_catalogue():
    """A key in the schema code without a message would raise KeyError on a Dutch page."""
    import re

    keys = set(catalogue("en"))
    source = Path(surveys.__file__).parent
    named = set()
    for name in ("schema.py", "schema_reader.py", "schema_conditions.py", "schema_scales.py"):
        named |= set(re.findall(r'fail\(\s*[^,]+,\s*"([a-z_]+)"', (source / name).read_text()))
    for name in ("conditions.py", "conditions_redcap.py"):
        named |= {
            f"condition.{k}" for k in re.findall(r'_say\("([a-z_]+)"', (source / name).read_text())
        }
    assert named and named <= keys, sorted(named - keys)


# --- parse_instrument and Questionnaire ------------------------------------------------------

CASES = [
    (
        "condition does not parse",
        definition(item("a"), item("b", relevant="${a} = = 1")),
        "items[1].relevant",
        "is geen geldige voorwaarde: een antwoord",
    ),
    (
        "condition names a later item",
        definition(item("a", relevant="${b} = 1"), item("b")),
        "items[0].relevant",
        "item 'a' noemt 'b', dat erna komt",
    ),
    (
        "condition names itself",
        definition(item("a", relevant="${a} = 1")),
        "items[0].relevant",
        "item 'a' noemt zichzelf",
    ),
    (
        "duplicate item id",
        definition(item("a"), item("a")),
        "items[1].id",
        "item-id 'a' komt twee keer voor",
    ),
    (
        "missing code is an option",
        definition(item("a", missing=[{"value": 1, "label": text("No answer")}])),
        "items[0].missing",
        "code 1 van item 'a' is ook een van de opties",
    ),
    (
        "languages differ",
        definition({"id": "a", "type": "yes_no", "text": {"en": "A"}}),
        "items[0].text",
        "talen ['en'] verschillen van de opgegeven talen ['en', 'nl']",
    ),
    ("empty instrument", definition(), "items", "moet een niet-lege lijst van items zijn"),
    (
        "unknown group",
        definition(item("a", group="g9")),
        "items[0].group",
        "item 'a' noemt 'g9', die niet in groups staat",
    ),
]


@pytest.mark.parametrize(("name", "data", "path", "dutch"), CASES, ids=[c[0] for c in CASES])
def test_a_definition_problem_reads_in_dutch(name, data, path, dutch):
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(data, source="intake.yaml")
    error = caught.value
    assert [p for p, _ in error.problems] == [p for p, _ in error.texts("nl")]
    assert f"intake.yaml: {path}: " in "\n".join(error.lines("nl"))
    assert any(dutch in line for line in error.lines("nl")), error.lines("nl")
    assert_no_english(error.lines("nl"))
    # str() and .problems stay English, as before.
    assert str(error) == "\n".join(error.lines("en"))
    assert all(isinstance(problem, str) for _, problem in error.problems)


def test_a_questionnaire_problem_reads_in_dutch():
    first = surveys.parse_instrument(definition(item("a")), source="one")
    second = surveys.parse_instrument(
        {**definition(item("a"), item("b", relevant="${zz} = 1")), "id": "second"}, source="two"
    )
    with pytest.raises(surveys.InstrumentError) as caught:
        Questionnaire(id="q", version="1", title=text("Q"), instruments=(first, second))
    nl = caught.value.lines("nl")
    assert "<questionnaire q>: second: een voorwaarde noemt 'zz'" in nl[0]
    assert nl[1] == "<questionnaire q>: second.a: item-id wordt ook gebruikt in 'intake'"
    assert_no_english(nl)


def test_a_condition_error_reads_in_dutch():
    with pytest.raises(surveys.ConditionError) as caught:
        surveys.parse_condition("${a} == 1")
    error = caught.value
    assert str(error) == "'==' is not XLSForm; write '=' at character 6 in '${a} == 1'"
    assert (
        error.wording.text("nl") == "'==' is geen XLSForm; schrijf '=' bij teken 6 in '${a} == 1'"
    )


# --- imports on a Dutch page -----------------------------------------------------------------

SURVEY = ["type", "name", "label::English (en)", "label::Dutch (nl)", "relevant", "constraint"]


def workbook(rows, extra=()) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(SURVEY)
    for row in rows:
        sheet.append(list(row) + [None] * (len(SURVEY) - len(row)))
    if extra:
        sheet = book.create_sheet("evalsys")
        sheet.append(["block", "key", "value"])
        for row in extra:
            sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_an_xlsform_whose_definition_is_refused_shows_it_in_dutch():
    # The evalsys sheet gives the count a missing code inside its range.
    data = workbook(
        [("integer", "n", "N", "N", None, ". >= 0 and . <= 10")],
        extra=[
            ("form", "items", '{"n": {"missing": [{"value": 5, "label": {"en": "x", "nl": "x"}}]}}')
        ],
    )
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(data, name="form.xlsx")
    nl = caught.value.lines("nl")
    assert any("code 5 van item 'n' ligt binnen het bereik 0..10" in line for line in nl), nl
    assert_no_english(nl)
    assert "code 5 of item 'n' lies within its range 0..10" in str(caught.value)


def test_an_xlsform_condition_that_does_not_parse_shows_why_in_dutch():
    data = workbook([("integer", "n", "N", "N"), ("text", "t", "T", "T", "${n} > > 1")])
    with pytest.raises(surveys.XLSFormError) as caught:
        surveys.import_xlsform(data, name="form.xlsx")
    (line,) = caught.value.lines("nl")
    assert "een antwoord (${name}), een getal of een tekst tussen aanhalingstekens verwacht" in line
    assert_no_english([line])


REDCAP_HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note",'
    '"Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",'
    'Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment",'
    '"Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"'
)


def redcap(*rows: str) -> bytes:
    return "\n".join(
        [REDCAP_HEADER, "record_id,intake,,text,Record ID,,,,,,,,,,,,,", *rows]
    ).encode()


def test_redcap_branching_that_does_not_parse_shows_why_in_dutch():
    data = redcap(
        "q1,intake,,yesno,Vraag 1,,,,,,,,,,,,,",
        "q2,intake,,yesno,Vraag 2,,,,,,,[q1] = = '1',,,,,,",
    )
    with pytest.raises(RedcapError) as caught:
        import_redcap(data, name="intake.csv")
    (line,) = caught.value.lines("nl")
    assert "een veld ([name]), een getal of een tekst tussen aanhalingstekens verwacht" in line
    assert_no_english([line])


def test_a_redcap_form_whose_definition_is_refused_shows_it_in_dutch():
    # A missing code (from the evalsys annotation) that is also an option of the field.
    annotation = '"@EVALSYS={""missing"": [{""value"": 1, ""label"": {""nl"": ""Weet niet""}}]}"'
    data = redcap(f'q1,intake,,radio,Vraag,"1, Ja | 2, Nee",,,,,,,,,,,,{annotation}')
    with pytest.raises(RedcapError) as caught:
        import_redcap(data, name="intake.csv")
    nl = caught.value.lines("nl")
    assert any("code 1 van item 'q1' is ook een van de opties" in line for line in nl), nl
    assert_no_english(nl)
