"""A due list as a file for a coordinator's group session: CSV, XLSX and an A4 PDF.

Participant codes only (never a name or an address), the next round, its window and status.
Text cells are guarded against formulas (evalsys.spreadsheet_cells.neutralise).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from evalsys.followup.schedule import DueRow
from evalsys.i18n import _
from evalsys.spreadsheet_cells import neutralise

STATUS_WORDS = {
    "overdue": _("Overdue"),
    "open": _("Open now"),
    "due_soon": _("Opens soon"),
    "later": _("Later"),
    "missed": _("Missed"),
    "done": _("All rounds done"),
    "intervention": _("intervention group"),
    "comparison": _("comparison group"),
}
HEADERS = (
    _("Participant"),
    _("Group"),
    _("Last round"),
    _("Answered on"),
    _("Next round"),
    _("Opens"),
    _("Closes"),
    _("Status"),
    _("Missed rounds"),
)


def title(site_name: str):
    return _("Due list: ${site}", mapping={"site": site_name})


def subtitle(intervention_name: str, day):
    return _(
        "${intervention}. On ${day}. Participant codes only.",
        mapping={"intervention": intervention_name, "day": day.strftime("%d-%m-%Y")},
    )


COLUMNS = (
    "participant",
    "group",
    "last_round",
    "last_answered_on",
    "next_round",
    "opens_on",
    "closes_on",
    "status",
    "missed_rounds",
)
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


FORMATS = tuple(MEDIA_TYPES)


def due_file(
    fmt: str, rows: Iterable[DueRow], *, translate, intervention, site, day
) -> tuple[bytes, str]:
    """A site's due list (the rows shown) as a file of ``fmt`` and its name: the web's download
    and the API's; ``translate`` puts the words in the asker's language."""
    cells = records(rows, {key: translate(text) for key, text in STATUS_WORDS.items()})
    if fmt == "csv":
        body = csv_bytes(cells)
    elif fmt == "xlsx":
        body = xlsx_bytes(cells)
    else:
        body = pdf_bytes(
            cells,
            title=translate(title(site.name)),
            subtitle=translate(subtitle(intervention.name, day)),
            headers=[translate(h) for h in HEADERS],
        )
    return body, f"{intervention.slug}-{site.slug}-due.{fmt}"


def _day(value) -> str:
    return value.isoformat() if value else ""


def records(rows: Iterable[DueRow], words: dict[str, str]) -> list[list[str]]:
    """One list of cells per row, in COLUMNS order; ``words`` names each status."""
    return [
        [
            row.code,
            words.get(row.group, row.group),
            row.last_wave or "",
            _day(row.last_answered_on),
            row.wave or "",
            _day(row.opens),
            _day(row.closes),
            words.get(row.status, row.status),
            " ".join(row.missed),
        ]
        for row in rows
    ]


def csv_bytes(cells: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([[neutralise(cell) for cell in row] for row in cells])
    return "\ufeff".encode() + buffer.getvalue().encode()


def xlsx_bytes(cells: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("due")
    sheet.append(list(COLUMNS))
    for row in cells:
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(cells: list[list[str]], *, title: str, subtitle: str, headers: list[str]) -> bytes:
    """An A4 list with a header row repeated on every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from analysis.report.fonts import register_fonts

    regular, bold = register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="evalsys",
        lang="nl",
    )
    heading = ParagraphStyle("heading", fontName=bold, fontSize=16, leading=20)
    small = ParagraphStyle("small", fontName=regular, fontSize=10, leading=13)
    table = Table([headers, *cells], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("FONT", (0, 1), (-1, -1), regular, 9),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eeeeee")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    # Paragraphs read markup: names a user typed are escaped (table cells are plain text)
    story = [
        Paragraph(escape(title), heading),
        Paragraph(escape(subtitle), small),
        Spacer(1, 5 * mm),
        table,
    ]
    document.build(story)
    return buffer.getvalue()
