"""Printable cards of issued participant codes: ten per A4 page, with cutting lines."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from analysis.report.fonts import register_fonts

TEXTS = {
    "nl": {
        "label": "Jouw deelnemerscode",
        "keep": "Bewaar deze kaart. Je hebt de code bij elke ronde nodig.",
        "anonymous": "Je naam vragen we niet.",
    },
    "en": {
        "label": "Your participant code",
        "keep": "Keep this card. You need the code every round.",
        "anonymous": "We do not ask your name.",
    },
}
COLUMNS, ROWS = 2, 5
CARD_WIDTH, CARD_HEIGHT = 85 * mm, 54 * mm  # a bank card's size: it fits a wallet


def cards_pdf(codes: list[str], *, intervention: str, site: str, language: str = "nl") -> bytes:
    """One card per code, in the order given."""
    regular, bold = register_fonts()
    texts = TEXTS.get(language, TEXTS["nl"])
    buffer = io.BytesIO()
    page = Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(f"{texts['label']}: {intervention}, {site}")
    page.setAuthor("evalsys")
    width, height = A4
    left = (width - COLUMNS * CARD_WIDTH) / 2
    top = height - (height - ROWS * CARD_HEIGHT) / 2
    per_page = COLUMNS * ROWS
    for start in range(0, len(codes), per_page):
        for n, code in enumerate(codes[start : start + per_page]):
            x = left + (n % COLUMNS) * CARD_WIDTH
            y = top - (n // COLUMNS + 1) * CARD_HEIGHT
            _card(page, x, y, code, intervention, site, texts, regular, bold)
        page.showPage()
    page.save()
    return buffer.getvalue()


def _card(page, x, y, code, intervention, site, texts, regular, bold) -> None:
    page.setDash(3, 3)
    page.setLineWidth(0.4)
    page.rect(x, y, CARD_WIDTH, CARD_HEIGHT, stroke=1, fill=0)  # where to cut
    page.setDash()
    centre = x + CARD_WIDTH / 2
    page.setFont(bold, 11)
    page.drawCentredString(centre, y + CARD_HEIGHT - 9 * mm, _fit(page, intervention, bold, 11))
    page.setFont(regular, 9)
    page.drawCentredString(centre, y + CARD_HEIGHT - 14 * mm, _fit(page, site, regular, 9))
    page.drawCentredString(centre, y + CARD_HEIGHT - 22 * mm, texts["label"])
    page.setFont(bold, 26)
    page.drawCentredString(centre, y + CARD_HEIGHT - 33 * mm, code)
    page.setFont(regular, 8)
    page.drawCentredString(centre, y + 9 * mm, texts["keep"])
    page.drawCentredString(centre, y + 5 * mm, texts["anonymous"])


def _fit(page, text: str, font: str, size: float) -> str:
    """``text`` shortened with an ellipsis to the width of a card."""
    room = CARD_WIDTH - 8 * mm
    if page.stringWidth(text, font, size) <= room:
        return text
    while text and page.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"
