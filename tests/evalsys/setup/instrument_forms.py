"""Small forms to import, as KoboToolbox and REDCap write them (the import tests share them)."""

from __future__ import annotations

import io

from openpyxl import Workbook

CONSENT_NL = "Je doet vrijwillig mee. Je mag altijd stoppen."
CONSENT_EN = "You take part of your own free will. You may stop at any time."


def xlsform_bytes(
    form_id: str = "buurtgevoel",
    version: str = "1",
    *,
    questions: tuple[tuple[str, str, str], ...] = (
        ("buurt_1", "Ik voel me thuis in de buurt.", "I feel at home in the neighbourhood."),
        ("buurt_2", "Ik ken mensen in de buurt.", "I know people in the neighbourhood."),
    ),
    demographics: bool = False,
    consent: bool = False,
    broken_row: bool = False,
) -> bytes:
    """An XLSForm: three-point questions in Dutch and English; optionally a demographics group,
    a consent note, and a row whose choice list does not exist."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Dutch (nl)", "label::English (en)", "required"])
    if consent:
        survey.append(["note", "consent", CONSENT_NL, CONSENT_EN, ""])
    if demographics:
        survey.append(["begin_group", "demographics", "Over jou", "About you", ""])
        survey.append(["select_one gender", "geslacht", "Ik ben een", "I am a", "yes"])
        survey.append(["end_group", "", "", "", ""])
    for name, nl, en in questions:
        survey.append(["select_one agree", name, nl, en, "yes"])
    if broken_row:
        survey.append(["select_one nonexistent", "kapot", "Kapot", "Broken", "yes"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Dutch (nl)", "label::English (en)"])
    for value, nl, en in (
        (1, "Oneens", "Disagree"),
        (2, "Neutraal", "Neutral"),
        (3, "Eens", "Agree"),
    ):
        choices.append(["agree", value, nl, en])
    for value, nl, en in ((1, "jongen", "boy"), (2, "meisje", "girl"), (3, "anders", "other")):
        choices.append(["gender", value, nl, en])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "form_title"])
    settings.append([form_id, version, "Buurtgevoel"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REDCAP_HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note",'
    '"Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",'
    '"Identifier?","Branching Logic (Show field only if...)","Required Field?"'
)


def redcap_bytes(form: str = "wijk_scan") -> bytes:
    """A REDCap data dictionary: a record id, two radio questions, one behind a condition."""
    rows = [
        REDCAP_HEADER,
        f'record_id,{form},,text,"Record ID",,,,,,,,',
        f'wijk_1,{form},,radio,"Ik voel me veilig in de wijk.","1, Oneens | 2, Neutraal | 3, Eens",'
        ",,,,,,y",
        f'wijk_2,{form},,radio,"Waarom niet?","1, Verkeer | 2, Mensen | 3, Anders",,,,,,'
        "\"[wijk_1] = '1'\",",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")
