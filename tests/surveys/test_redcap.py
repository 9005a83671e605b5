"""REDCap data dictionaries: reading one (types, choices, branching logic, refusals) and writing
one that reads back to the same questionnaire."""

from __future__ import annotations

import io

import pytest

import surveys
from surveys.instrument import parse_instrument
from surveys.questionnaire import Questionnaire
from surveys.redcap import RedcapError, import_redcap
from surveys.redcap_export import export_redcap
from surveys.registry import default_registry

HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note",'
    '"Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",'
    'Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment",'
    '"Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"'
)


def dictionary(*rows: str, header: str = HEADER) -> bytes:
    """A data dictionary CSV with the record id first, as REDCap writes it."""
    return "\n".join([header, "record_id,intake,,text,Record ID,,,,,,,,,,,,,", *rows]).encode()


def round_trip(source, **options) -> Questionnaire:
    buffer = io.BytesIO()
    export_redcap(source, buffer, **options)
    return import_redcap(buffer.getvalue(), name="export.csv")


# --- reading --------------------------------------------------------------------------------


def test_field_types_map_to_items():
    data = dictionary(
        'welcome,intake,,descriptive,"Beantwoord de vragen over je week.",,,,,,,,,,,,,',
        'mood,intake,,radio,Hoe voel je je?,"1, Slecht | 2, Gaat wel | 3, Goed",Kies er een,'
        ",,,,,y,,,,,",
        'pets,intake,Thuis,checkbox,Welke dieren?,"a, Hond | b, Kat | c, Vis",,,,,,,,,,,,',
        "garden,intake,,yesno,Heb je een tuin?,,,,,,,,,,,,,",
        "sure,intake,,truefalse,Klopt dit?,,,,,,,,,,,,,",
        "hours,intake,,text,Hoeveel uur?,,,integer,0,24,,,,,,,,",
        "weight,intake,,text,Gewicht,,,number,30,250.5,,,,,,,,",
        "grade,intake,,slider,Cijfer,Slecht | Goed,,,,,,,,,,,,",
        'remark,intake,,notes,Opmerkingen,,,,,,,,,,,,,"@CHARLIMIT=200"',
    )
    questionnaire = import_redcap(data, name="intake.csv")
    (intake,) = questionnaire.blocks
    assert intake.id == "intake"
    assert intake.instructions == {"nl": "Beantwoord de vragen over je week."}
    types = {item.id: item.type for item in intake.items}
    assert types == {
        "mood": "single_choice",
        "pets": "multiple_choice",
        "garden": "yes_no",
        "sure": "yes_no",
        "hours": "number",
        "weight": "number",
        "grade": "number",
        "remark": "text",
    }
    mood = intake.item("mood")
    assert mood.required and mood.hint == {"nl": "Kies er een"}
    assert [o.value for o in mood.options] == [1, 2, 3]
    pets = intake.item("pets")
    assert [(o.value, o.name, o.labels["nl"]) for o in pets.options] == [
        (1, "a", "Hond"),
        (2, "b", "Kat"),
        (3, "c", "Vis"),
    ]
    assert pets.group == "intake_section_1"
    assert intake.groups[0].title == {"nl": "Thuis"}
    assert [o.labels["nl"] for o in intake.item("garden").options] == ["Ja", "Nee"]
    assert [o.labels["nl"] for o in intake.item("sure").options] == ["Waar", "Niet waar"]
    hours = intake.item("hours")
    assert (hours.min, hours.max, hours.integer) == (0, 24, True)
    assert (intake.item("weight").max, intake.item("weight").integer) == (250.5, False)
    grade = intake.item("grade")
    assert (grade.min, grade.max, grade.hint) == (0, 100, {"nl": "Slecht … Goed"})
    assert intake.item("remark").max_length == 200
    assert not intake.item("garden").required


def test_branching_logic_becomes_conditions_with_text_codes_as_values():
    data = dictionary(
        'smoke,intake,,radio,Rook je?,"y, Ja | n, Nee",,,,,,,,,,,,',
        "cigs,intake,,text,Hoeveel per dag?,,,integer,0,80,,[smoke] = 'y',y,,,,,",
        'sport,intake,,checkbox,Welke sport?,"1, Voetbal | 2, Tennis",,,,,,,,,,,,',
        "club,intake,,text,Welke club?,,,,,,,\"[sport(2)] = '1' or [cigs] > 10\",,,,,,",
    )
    intake = import_redcap(data).blocks[0]
    assert intake.item("cigs").relevant == "${smoke} = 1"
    club = intake.item("club").relevant_condition
    assert (
        club.holds({"sport": [2]}) and club.holds({"cigs": 20}) and not club.holds({"sport": [1]})
    )
    cigs = intake.item("cigs").relevant_condition
    assert cigs.holds({"smoke": 1}) and not cigs.holds({"smoke": 2})


def test_consent_and_demographics_form():
    data = dictionary(
        'consent,intake,,descriptive,"Ik doe mee en geef toestemming.",,,,,,,,,,,,,',
        "age,demographics,,text,Leeftijd,,,integer,10,99,,,,,,,,",
        'q1,wellbeing,,radio,Hoe gaat het?,"1, Slecht | 2, Goed",,,,,,,,,,,,',
    )
    questionnaire = import_redcap(data)
    assert questionnaire.consent == {"nl": "Ik doe mee en geef toestemming."}
    assert questionnaire.demographics.id == "demographics"
    assert [b.id for b in questionnaire.instruments] == ["wellbeing"]


@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        HEADER.lower(),
        HEADER.replace(",", ";").replace('"Choices; Calculations; OR Slider Labels"', "Choices"),
        "field_name,form_name,section_header,field_type,field_label,"
        "select_choices_or_calculations,field_note,text_validation_type_or_show_slider_number,"
        "text_validation_min,text_validation_max,identifier,branching_logic,required_field,"
        "custom_alignment,question_number,matrix_group_name,matrix_ranking,field_annotation",
    ],
    ids=["redcap", "lower-case", "semicolons", "api"],
)
def test_headers_separators_and_byte_order_mark(header):
    separator = ";" if ";" in header else ","
    row = separator.join(["q1", "intake", "", "radio", "Goed?", '"1, Ja | 0, Nee"'] + [""] * 12)
    data = "\ufeff" + "\n".join(
        [header, separator.join(["record_id", "intake", "", "text", "ID"] + [""] * 13), row]
    )
    item = import_redcap(data.encode("utf-8")).blocks[0].item("q1")
    assert [o.labels for o in item.options] == [{"nl": "Ja"}, {"nl": "Nee"}]


def test_every_problem_at_once_with_line_field_and_column_in_both_languages():
    data = dictionary(
        "name,intake,,text,Naam,,,,,,y,,,,,,,",
        "born,intake,,text,Geboortedatum,,,date_ymd,,,,,,,,,,",
        "score,intake,,calc,Score,[q1] + 1,,,,,,,,,,,,",
        "count,intake,,text,Aantal,,,integer,veel,,,,,,,,,",
        "later,intake,,text,Later,,,,,,,[q9] = '1',,,,,,",
        "Bad-Name,intake,,text,Fout,,,,,,,,,,,,,",
        'q1,intake,,radio,Vraag,"1, Ja | 1, Nee",,,,,,,,,,,,',
    )
    with pytest.raises(RedcapError) as caught:
        import_redcap(data, name="intake.csv")
    english = caught.value.lines("en")
    dutch = caught.value.lines("nl")
    assert len(english) == len(dutch) == len(set(english)) == 7
    assert english[0].startswith("intake.csv: line 3, field name, column 'Identifier?': ")
    assert "no direct identifiers" in english[0]
    assert dutch[0].startswith("intake.csv: regel 3, veld name, kolom 'Identifier?': ")
    assert "geen direct identificerende gegevens" in dutch[0]
    keys = [p.key for p in caught.value.found]
    assert sorted(keys) == [
        "bad_name",
        "bad_number",
        "branching_name",
        "duplicate_choice",
        "identifier",
        "type_calc",
        "validation_date",
    ]
    # The English lines are the InstrumentError's message as well.
    assert str(caught.value).count("\n") == 6


@pytest.mark.parametrize(
    ("row", "key"),
    [
        ("q1,intake,,file,Upload,,,,,,,,,,,,,", "type_file"),
        ("q1,intake,,sql,Kies,select 1,,,,,,,,,,,,", "type_sql"),
        ("q1,intake,,text,E-mail,,,email,,,,,,,,,,", "validation_identifier"),
        ("q1,intake,,text,Tijd,,,time,,,,,,,,,,", "validation_date"),
        ("q1,intake,,text,Code,,,zipcode,,,,,,,,,,", "validation_identifier"),
        ("q1,intake,,text,Iets,,,mystery,,,,,,,,,,", "validation_unknown"),
        ("q1,intake,,radio,Kies,,,,,,,,,,,,,", "no_choices"),
        ("q1,intake,,radio,Kies,Ja | Nee,,,,,,,,,,,,", "bad_choice"),
        ("q1,intake,,text,Getal,,,integer,10,1,,,,,,,,", "range_order"),
        ("q1,intake,,text,Getal,,,integer,a,10,,,,,,,,", "bad_number"),
        ("q1,intake,,text,Naam [record_id],,,,,,,,,,,,,", "piping"),
        ("q1,intake,,text,Tekst,,,,,,,,,,,,,\"@DEFAULT='x'\"", "action_tag"),
        ("q1,intake,,text,Tekst,,,,,,,,maybe,,,,,", "bad_flag"),
        ("q1,intake,,text,Tekst,,,,,,,[q1] = ,,,,,,", "branching"),
        ("q1,intake,,gps,Waar,,,,,,,,,,,,,", "unknown_type"),
        ("q1,Intake Form,,text,Tekst,,,,,,,,,,,,,", "bad_form_name"),
        ('q1,intake,,radio,Kies,"1, A | 2, B",,,,,,,,,,,y,', "matrix_ranking"),
    ],
)
def test_refusals_name_the_unsupported_feature(row, key):
    with pytest.raises(RedcapError) as caught:
        import_redcap(dictionary(row))
    assert key in [p.key for p in caught.value.found]
    # Each message is in the catalogue of both languages.
    for dutch, english in zip(caught.value.lines("nl"), caught.value.lines("en"), strict=True):
        assert dutch != english and " regel 3, veld q1" in dutch


def test_not_a_dictionary_and_unknown_columns():
    with pytest.raises(RedcapError) as caught:
        import_redcap(b"name,age\nx,3\n", name="people.csv")
    assert "'Variable / Field Name'" in caught.value.lines("en")[0]
    assert "geen REDCap-datadictionary" in caught.value.lines("nl")[0]
    data = dictionary("q1,intake,,text,Tekst,,,,,,,,,,,,,,secret", header=HEADER + ",Notes")
    with pytest.raises(RedcapError) as caught:
        import_redcap(data)
    assert [p.key for p in caught.value.found] == ["unknown_column"]
    with pytest.raises(RedcapError) as caught:
        import_redcap(dictionary())
    assert [p.key for p in caught.value.found] == ["no_fields"]


# --- writing and reading back ---------------------------------------------------------------


@pytest.mark.parametrize(
    "instrument",
    default_registry.bundled(),
    ids=lambda i: f"{i.id}-{i.version}",
)
def test_every_bundled_instrument_reads_back_with_its_fingerprint(instrument):
    back = round_trip(instrument)
    assert back.blocks[0].fingerprint == instrument.fingerprint
    assert back.blocks[0].to_dict() == instrument.to_dict()


CONDITIONAL = {
    "id": "leefstijl",
    "version": "2",
    "title": {"nl": "Leefstijl"},
    "languages": {"nl": "original"},
    "missing_codes": [{"value": 99, "label": {"nl": "Zeg ik liever niet"}}],
    "groups": [
        {"id": "roken", "title": {"nl": "Roken"}, "relevant": "${leeftijd} >= 12"},
        {"id": "hoeveel", "title": {"nl": "Hoeveel"}, "parent": "roken"},
    ],
    "items": [
        {
            "id": "leeftijd",
            "type": "number",
            "text": {"nl": "Hoe oud ben je?"},
            "min": 8,
            "max": 25,
            "integer": True,
        },
        {
            "id": "rookt",
            "type": "single_choice",
            "text": {"nl": "Rook je?"},
            "group": "roken",
            "options": [
                {"value": 1, "label": {"nl": "Ja"}, "name": "yes"},
                {"value": 2, "label": {"nl": "Nee"}, "name": "no"},
            ],
        },
        {
            "id": "sigaretten",
            "type": "number",
            "text": {"nl": "Hoeveel per dag?"},
            "group": "hoeveel",
            "min": 0,
            "max": 60,
            "relevant": "${rookt} = 1",
            "constraint": ". <= 40 or . = 99",
            "constraint_message": {"nl": "Meer dan 40 is niet waarschijnlijk."},
            "missing": [{"value": 98, "label": {"nl": "Weet ik niet"}}],
        },
        {
            "id": "sinds",
            "type": "year",
            "text": {"nl": "Sinds welk jaar?"},
            "required": False,
            "min": 2000,
            "max": 2026,
        },
        {"id": "waarom", "type": "text", "text": {"nl": "Waarom?"}, "max_length": 300},
    ],
}


def test_a_questionnaire_with_conditions_groups_and_missing_codes_reads_back():
    leefstijl = parse_instrument(CONDITIONAL)
    later = parse_instrument(
        {
            "id": "later",
            "version": "1",
            "title": {"nl": "Later"},
            "languages": {"nl": "original"},
            "relevant": "${rookt} = 1",
            "items": [
                {
                    "id": "stoppen",
                    "type": "yes_no",
                    "text": {"nl": "Wil je stoppen?"},
                    "options": [
                        {"value": 1, "label": {"nl": "Ja"}},
                        {"value": 0, "label": {"nl": "Nee"}},
                    ],
                }
            ],
        }
    )
    questionnaire = Questionnaire(
        id="leefstijl_2026",
        version="3",
        title={"nl": "Leefstijl 2026"},
        instruments=(leefstijl, later),
        demographics=surveys.load_instrument("demographics"),
        consent={"nl": "Ik doe mee.", "en": "I take part."},
    )
    back = round_trip(questionnaire, language="nl")
    assert back.to_dict(embed=True) == questionnaire.to_dict(embed=True)
    assert [b.fingerprint for b in back.blocks] == [b.fingerprint for b in questionnaire.blocks]


def test_branching_logic_in_redcap_holds_the_block_and_group_conditions():
    buffer = io.StringIO()
    export_redcap(parse_instrument(CONDITIONAL), buffer)
    lines = {line.split(",")[0]: line for line in buffer.getvalue().splitlines()}
    # REDCap knows no group or block conditions: the field's logic carries them.
    assert ",[leeftijd] >= 12 and [rookt] = '1'," in lines["sigaretten"]
    assert ",roken," in lines["rookt"].replace("Roken", "roken")


def test_an_edited_branching_logic_is_read_as_the_items_own():
    buffer = io.StringIO()
    export_redcap(parse_instrument(CONDITIONAL), buffer)
    text = buffer.getvalue().replace("[leeftijd] >= 12 and [rookt] = '1'", "[rookt] = '2'")
    back = import_redcap(text.encode()).blocks[0]
    assert back.item("sigaretten").relevant == "${rookt} = 2"


def test_export_in_one_language_leaves_the_others_out():
    brs = surveys.load_instrument("brs")
    back = round_trip(brs, language="nl", languages=["nl"]).blocks[0]
    assert back.item("brs_1").text == {"nl": brs.item("brs_1").text["nl"]}
    assert set(back.languages) == {"nl"}
    assert [s.id for s in back.scales] == [s.id for s in brs.scales]


def test_export_refuses_names_redcap_cannot_hold_instead_of_renaming():
    data = {
        "id": "form",
        "version": "1",
        "title": {"nl": "F"},
        "languages": {"nl": "original"},
        "items": [
            {"id": "Leeftijd", "type": "text", "text": {"nl": "A"}, "max_length": 10},
            {"id": "record_id", "type": "text", "text": {"nl": "B"}, "max_length": 10},
            {"id": "ok", "type": "text", "text": {"nl": "C"}, "max_length": 10},
        ],
    }
    with pytest.raises(RedcapError) as caught:
        export_redcap(parse_instrument(data), io.StringIO(), language="nl")
    assert [p.key for p in caught.value.found] == ["export_name", "export_reserved"]
    assert "Leeftijd" in caught.value.lines("nl")[0]
    with pytest.raises(RedcapError) as caught:
        export_redcap(parse_instrument(data), io.StringIO(), language="de")
    assert [p.key for p in caught.value.found] == [
        "export_name",
        "export_reserved",
        "export_language",
    ]


def test_export_writes_files_by_path(tmp_path):
    path = tmp_path / "brs.csv"
    export_redcap(surveys.load_instrument("brs"), path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfVariable / Field Name,Form Name")
    assert import_redcap(path).blocks[0].fingerprint == surveys.load_instrument("brs").fingerprint
