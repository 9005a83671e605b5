"""A printable A4 flyer for a survey link: big QR code, the address to type, who it is for."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from analysis.report.fonts import register_fonts
from evalsys.collection.links import qr_code

TEXTS = {
    "nl": {
        "heading": {
            "intervention": "Vul de vragenlijst in",
            "comparison": "Vragenlijst voor de vergelijkingsgroep",
        },
        "group": {"intervention": "INTERVENTIEGROEP", "comparison": "VERGELIJKINGSGROEP"},
        "scan": "Scan de QR-code met de camera van je telefoon.",
        "type": "Of typ dit adres in je browser:",
        "short": "Of ga naar {address} en typ deze code:",
        "time": "Het duurt ongeveer {minutes} minuten. Je naam vragen we niet.",
        "anonymous": "Je naam vragen we niet.",
    },
    "en": {
        "heading": {
            "intervention": "Fill in the questionnaire",
            "comparison": "Questionnaire for the comparison group",
        },
        "group": {"intervention": "INTERVENTION GROUP", "comparison": "COMPARISON GROUP"},
        "scan": "Scan the QR code with your phone's camera.",
        "type": "Or type this address in your browser:",
        "short": "Or go to {address} and type this code:",
        "time": "It takes about {minutes} minutes. We do not ask your name.",
        "anonymous": "We do not ask your name.",
    },
}


def flyer_pdf(
    url: str,
    *,
    intervention: str,
    site: str,
    wave: str,
    group: str,
    minutes: int | None,
    language: str = "nl",
    short_address: str = "",
    short_code: str = "",
) -> bytes:
    """The comparison group's flyer has its own heading and a framed group label, so neither
    group is handed the other's flyer by mistake (which would silently break the design)."""
    regular, bold = register_fonts()
    texts = TEXTS.get(language, TEXTS["nl"])
    heading, label = texts["heading"][group], texts["group"][group]
    buffer = io.BytesIO()
    page = Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(f"{heading}: {intervention}, {site}, {wave} ({label.lower()})")
    page.setAuthor("evalsys")
    page.setSubject(url)
    width, height = A4
    centre = width / 2

    page.setFont(bold, 16)
    label_width = page.stringWidth(label, bold, 16) + 12 * mm
    page.rect(centre - label_width / 2, height - 24 * mm, label_width, 10 * mm, stroke=1, fill=0)
    page.drawCentredString(centre, height - 20.5 * mm, label)
    page.setFont(bold, 26 if group == "comparison" else 30)
    page.drawCentredString(centre, height - 40 * mm, heading)
    page.setFont(regular, 18)
    page.drawCentredString(centre, height - 55 * mm, intervention)
    page.setFont(regular, 14)
    page.drawCentredString(centre, height - 65 * mm, f"{site} · {wave}")

    matrix = list(qr_code(url).matrix_iter(scale=1, border=4))
    size = 110 * mm
    cell = size / len(matrix)
    left, top = centre - size / 2, height - 80 * mm
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                page.rect(left + col * cell, top - (row + 1) * cell, cell, cell, stroke=0, fill=1)

    y = top - size - 15 * mm
    page.setFont(regular, 14)
    page.drawCentredString(centre, y, texts["scan"])
    page.drawCentredString(centre, y - 10 * mm, texts["type"])
    page.setFont(bold, 13)
    page.drawCentredString(centre, y - 20 * mm, url)
    if short_code:  # no long token to type: a short code at /k (views.short_links)
        page.setFont(regular, 14)
        page.drawCentredString(centre, y - 32 * mm, texts["short"].format(address=short_address))
        page.setFont(bold, 24)
        page.drawCentredString(centre, y - 44 * mm, short_code)
        y -= 32 * mm
    page.setFont(regular, 12)
    time = texts["time"].format(minutes=minutes) if minutes else texts["anonymous"]
    page.drawCentredString(centre, y - 35 * mm, time)
    page.showPage()
    page.save()
    return buffer.getvalue()
