"""The spreadsheet template of a questionnaire (CSV, or XLSX with a codebook sheet)."""

from __future__ import annotations

import io

import surveys
from evalsys.collection.models import GROUPS
from evalsys.imports.columns import META_COLUMNS
from evalsys.imports.spreadsheets import csv_bytes
from evalsys.programme.models import Intervention

# The codebook sheet in the template's language: a Dutch coordinator reads Dutch.
WORDS = {
    "en": {
        "header": (
            "item",
            "instrument",
            "text_nl",
            "text_en",
            "type",
            "allowed_values",
            "required",
        ),
        "sheets": ("responses", "codebook"),
        "yes": "yes",
        "no": "no",
        "no_default": "no ({value})",
        "one_or_more": "one or more of (separated by ;): {listed}",
        "range": "{lo} to {hi}",
        "at_least": "{lo} or more",
        "at_most": "at most {hi}",
        "any_number": "a number",
        "text_max": "text, at most {max_length} characters",
        "types": {},
        "groups": {"intervention": "intervention", "comparison": "comparison"},
    },
    "nl": {
        "header": (
            "vraag",
            "vragenlijst",
            "tekst_nl",
            "tekst_en",
            "soort",
            "toegestaan",
            "verplicht",
        ),
        "sheets": ("antwoorden", "codeboek"),
        "yes": "ja",
        "no": "nee",
        "no_default": "nee ({value})",
        "one_or_more": "een of meer van (gescheiden door ;): {listed}",
        "range": "{lo} tot en met {hi}",
        "at_least": "{lo} of meer",
        "at_most": "hoogstens {hi}",
        "any_number": "een getal",
        "text_max": "tekst, hoogstens {max_length} tekens",
        "types": {
            "likert": "schaal",
            "single_choice": "één keuze",
            "multiple_choice": "meer keuzes",
            "yes_no": "ja of nee",
            "number": "getal",
            "year": "jaartal",
            "text": "tekst",
        },
        "groups": {"intervention": "interventie", "comparison": "vergelijking"},
    },
}


def _words(language: str) -> dict:
    return WORDS.get(language, WORDS["en"])


def columns(questionnaire: surveys.Questionnaire) -> list[str]:
    """The meta columns (participant_code, wave, ...), then every item, demographics first."""
    return [*META_COLUMNS, *(item.id for block in questionnaire.blocks for item in block.items)]


def allowed_values(item: surveys.Item, language: str = "en") -> str:
    """What a cell of this item may hold, said in ``language``; option labels in it too."""
    words = _words(language)
    if item.options:
        listed = "; ".join(
            f"{o.value} = {o.labels.get(language) or o.labels.get('nl', '')}" for o in item.options
        )
        if item.type == "multiple_choice":
            return words["one_or_more"].format(listed=listed)
        return listed
    if item.type in ("number", "year"):
        return _number_range(item, words)
    if item.type == "text":
        return words["text_max"].format(max_length=item.max_length)
    return ""


def _number_range(item, words: dict) -> str:
    """The bounds a number item has, in words (a number without a range has none)."""
    lo = None if item.min is None else f"{item.min:g}"
    hi = None if item.max is None else f"{item.max:g}"
    if lo is not None and hi is not None:
        return words["range"].format(lo=lo, hi=hi)
    if lo is not None:
        return words["at_least"].format(lo=lo)
    if hi is not None:
        return words["at_most"].format(hi=hi)
    return words["any_number"]


def codebook_rows(
    questionnaire: surveys.Questionnaire, intervention: Intervention, language: str = "en"
) -> list[list]:
    words = _words(language)
    waves = ", ".join(w.label for w in intervention.waves)
    languages = ", ".join(
        sorted({lang for b in questionnaire.blocks for lang in b.languages} or {"nl"})
    )
    groups = " | ".join(words["groups"][g] for g in GROUPS)
    text, yes, no = words["types"].get("text", "text"), words["yes"], words["no"]
    rows = [
        ["participant_code", "", "Deelnemerscode", "Participant code", text, "", yes],
        ["wave", "", "Ronde", "Round", text, waves, yes],
        [
            "group",
            "",
            "Groep",
            "Group",
            text,
            groups,
            words["no_default"].format(value=words["groups"]["intervention"]),
        ],
        [
            "language",
            "",
            "Taal",
            "Language",
            text,
            languages,
            words["no_default"].format(value="nl"),
        ],
        [
            "submission_id",
            "",
            "Uniek nummer van de rij (mag leeg)",
            "Unique id of the row (may be empty)",
            "UUID",
            "",
            no,
        ],
    ]
    for block in questionnaire.blocks:
        for item in block.items:
            rows.append(
                [
                    item.id,
                    block.id,
                    item.text.get("nl", ""),
                    item.text.get("en", ""),
                    words["types"].get(item.type, item.type),
                    allowed_values(item, language),
                    yes if item.required else no,
                ]
            )
    return rows


def template_csv(questionnaire: surveys.Questionnaire) -> bytes:
    return csv_bytes(columns(questionnaire), [])


def template_xlsx(
    questionnaire: surveys.Questionnaire, intervention: Intervention, language: str = "en"
) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    words = _words(language)
    sheet = workbook.active
    sheet.title = words["sheets"][0]
    header = columns(questionnaire)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    # Drop-down lists where the choice is short and fixed: fewer typing mistakes.
    labels = ",".join(w.label for w in intervention.waves)
    groups = ",".join(words["groups"][g] for g in GROUPS)  # import reads either language's words
    for column, choices in (("B", labels), ("C", groups)):
        if choices and len(choices) < 250:
            rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            rule.add(f"{column}2:{column}100001")
            sheet.add_data_validation(rule)

    codebook = workbook.create_sheet(words["sheets"][1])
    codebook.append(list(words["header"]))
    for cell in codebook[1]:
        cell.font = Font(bold=True)
    for row in codebook_rows(questionnaire, intervention, language):
        codebook.append(row)
    codebook.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
