"""The spreadsheet template of a questionnaire (CSV, or XLSX with a codebook sheet)."""

from __future__ import annotations

import io

import surveys
from evalsys.collection.models import GROUPS
from evalsys.imports.columns import META_COLUMNS
from evalsys.imports.spreadsheets import csv_bytes
from evalsys.programme.models import Intervention

CODEBOOK_HEADER = (
    "item",
    "instrument",
    "text_nl",
    "text_en",
    "type",
    "allowed_values",
    "required",
)


def columns(questionnaire: surveys.Questionnaire) -> list[str]:
    """The meta columns (participant_code, wave, ...), then every item, demographics first."""
    return [*META_COLUMNS, *(item.id for block in questionnaire.blocks for item in block.items)]


def allowed_values(item: surveys.Item, language: str = "en") -> str:
    """What a cell of this item may hold; option labels in ``language``."""
    if item.options:
        listed = "; ".join(
            f"{o.value} = {o.labels.get(language) or o.labels.get('nl', '')}" for o in item.options
        )
        if item.type == "multiple_choice":
            return f"one or more of (separated by ;): {listed}"
        return listed
    if item.type in ("number", "year"):
        return f"{item.min:g} to {item.max:g}"
    if item.type == "text":
        return f"text, at most {item.max_length} characters"
    return ""


def codebook_rows(
    questionnaire: surveys.Questionnaire, intervention: Intervention, language: str = "en"
) -> list[list]:
    waves = ", ".join(w.label for w in intervention.waves)
    languages = ", ".join(
        sorted({lang for b in questionnaire.blocks for lang in b.languages} or {"nl"})
    )
    rows = [
        ["participant_code", "", "Deelnemerscode", "Participant code", "text", "", "yes"],
        ["wave", "", "Meetmoment", "Wave", "text", waves, "yes"],
        ["group", "", "Groep", "Group", "text", " | ".join(GROUPS), "no (intervention)"],
        ["language", "", "Taal", "Language", "text", languages, "no (nl)"],
        [
            "submission_id",
            "",
            "Uniek nummer van de rij (mag leeg)",
            "Unique id of the row (may be empty)",
            "UUID",
            "",
            "no",
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
                    item.type,
                    allowed_values(item, language),
                    "yes" if item.required else "no",
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
    sheet = workbook.active
    sheet.title = "responses"
    header = columns(questionnaire)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    # Drop-down lists where the choice is short and fixed: fewer typing mistakes.
    labels = ",".join(w.label for w in intervention.waves)
    for column, choices in (("B", labels), ("C", ",".join(GROUPS))):
        if choices and len(choices) < 250:
            rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            rule.add(f"{column}2:{column}100001")
            sheet.add_data_validation(rule)

    codebook = workbook.create_sheet("codebook")
    codebook.append(list(CODEBOOK_HEADER))
    for cell in codebook[1]:
        cell.font = Font(bold=True)
    for row in codebook_rows(questionnaire, intervention, language):
        codebook.append(row)
    codebook.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
