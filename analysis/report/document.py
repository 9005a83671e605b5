"""The page frame of every report: A4, footer "pagina 3 van 12", bookmarks, metadata, styles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from analysis.report.fonts import register_fonts

MARGIN = 2 * cm
TEXT_WIDTH = A4[0] - 2 * MARGIN
INK = colors.HexColor("#1a1a1a")
ACCENT = colors.HexColor("#0b4f8a")
RULE = colors.HexColor("#c8c8c8")
SHADE = colors.HexColor("#eef3f8")
_TOTAL_FORM = "pageTotal"
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of a report (embedded DejaVu Sans, shaping on where possible)."""

    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    lead: ParagraphStyle


def make_styles() -> Styles:
    """The report's styles (see :class:`Para` for shaping)."""
    regular, bold = register_fonts()

    def style(name: str, size: float, font: str = regular, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=kw.pop("leading", size * 1.35),
            textColor=kw.pop("textColor", INK),
            alignment=TA_LEFT,
            **kw,
        )

    return Styles(
        body=style("body", 10, spaceAfter=6),
        small=style("small", 8.5, spaceAfter=4),
        cell=style("cell", 7.5, leading=9.5),
        cell_bold=style("cell_bold", 7.5, bold, leading=9.5),
        title=style("title", 24, bold, leading=30, spaceAfter=14, textColor=ACCENT),
        h1=style("h1", 16, bold, spaceBefore=4, spaceAfter=10, textColor=ACCENT, keepWithNext=1),
        h2=style("h2", 12.5, bold, spaceBefore=10, spaceAfter=6, textColor=ACCENT, keepWithNext=1),
        h3=style("h3", 10.5, bold, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        lead=style("lead", 11, leading=15.5, spaceAfter=8),
    )


def text(value: object) -> str:
    """Plain text made safe for a reportlab Paragraph (which reads a little XML)."""
    return escape(str(value))


def _shaped(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


class Para(Paragraph):
    """A Paragraph that is shaped (Arabic letters join, right to left) only when it must be.

    Shaping with HarfBuzz (when uharfbuzz is installed) is slow, so only text with
    right-to-left characters gets it.
    """

    def __init__(self, markup: str | None, style: ParagraphStyle, **kwargs: object):
        # reportlab splits a paragraph that crosses a page into new ones made of fragments,
        # without markup (None); they keep the style, shaped or not, of the one they came from.
        if markup is not None and _RTL.search(markup):
            style = _shaped(style)
        super().__init__(markup, style, **kwargs)


class Heading(Para):
    """A heading that becomes a PDF bookmark (outline entry) at ``level``."""

    def __init__(self, title: str, style: ParagraphStyle, level: int, key: str):
        super().__init__(text(title), style)
        self.outline_title = title
        self.outline_level = level
        self.outline_key = key


class ChartFlowable(Flowable):
    """A chart Drawing in the story; right-to-left labels are drawn as shaped paragraphs.

    reportlab's graphics draw strings without shaping, so Arabic letters would not join.
    Strings with right-to-left characters are therefore left out of the drawing and set as
    one-line Paragraphs (shaped by HarfBuzz when uharfbuzz is installed) at the same spot.
    """

    #: The tallest chart drawn at full size: a page's frame less room for its caption.
    MAX_HEIGHT = A4[1] - 2 * MARGIN - 60

    def __init__(self, drawing: Drawing, style: ParagraphStyle):
        super().__init__()
        self.drawing = drawing
        self.style = style
        # a chart of very many sites is shrunk to fit one page rather than break the layout
        self.scale = min(1.0, self.MAX_HEIGHT / drawing.height, TEXT_WIDTH / drawing.width)
        self.width, self.height = drawing.width * self.scale, drawing.height * self.scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.scale(self.scale, self.scale)
        self._draw()
        self.canv.restoreState()

    def _draw(self) -> None:
        drawing = self.drawing
        moved = [s for s in drawing.contents if isinstance(s, String) and _RTL.search(s.text)]
        if not moved:
            renderPDF.draw(drawing, self.canv, 0, 0)
            return
        kept = Drawing(drawing.width, drawing.height)
        kept.initialFontName = register_fonts()[0]
        kept.contents = [s for s in drawing.contents if s not in moved]
        renderPDF.draw(kept, self.canv, 0, 0)
        for string in moved:
            style = ParagraphStyle(
                "chart-label",
                parent=self.style,
                fontName=string.fontName,
                fontSize=string.fontSize,
                leading=string.fontSize * 1.2,
                textColor=string.fillColor,
            )
            paragraph = Para(text(string.text), style)
            width = stringWidth(string.text, string.fontName, string.fontSize) + 4
            paragraph.wrap(width + 40, string.fontSize * 2)
            x = string.x
            if string.textAnchor == "end":
                x -= width
            elif string.textAnchor == "middle":
                x -= width / 2
            # a one-line paragraph's baseline sits one font descent above its bottom
            paragraph.drawOn(self.canv, x, string.y - string.fontSize * 0.2 - 0.5)


def table(
    rows: list[list[str]],
    widths: list[float],
    styles: Styles,
    *,
    header_rows: int = 1,
    bold_rows: tuple[int, ...] = (),
    spans: tuple[tuple[int, int], ...] = (),
) -> Table:
    """A table of plain-text cells (escaped, wrapped, shaped) with a shaded header.

    ``spans`` holds (row, column) pairs whose cell runs to the last column (for a note
    such as "fewer than 10 participants" in place of a row's figures).
    """
    scale = TEXT_WIDTH / sum(widths) if sum(widths) > TEXT_WIDTH else 1.0
    widths = _fit_words(rows, [w * scale for w in widths], styles, header_rows, set(spans))
    data = []
    for r, row in enumerate(rows):
        bold = r < header_rows or r in bold_rows
        style = styles.cell_bold if bold else styles.cell
        cells: list[object] = []
        for cell, width in zip(row, widths, strict=True):
            value = str(cell)
            # plain strings draw far faster than Paragraphs; wrap and shape only when needed
            if (
                _RTL.search(value)
                or "\n" in value
                or (stringWidth(value, style.fontName, style.fontSize) > width - 6)
            ):
                cells.append(Para(text(value), style))
            else:
                cells.append(value)
        data.append(cells)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), styles.cell.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), styles.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), styles.cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, INK),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for r, c in spans:
        commands.append(("SPAN", (c, r), (-1, r)))
    if header_rows:
        last = header_rows - 1
        commands += [
            ("FONTNAME", (0, 0), (-1, last), styles.cell_bold.fontName),
            ("BACKGROUND", (0, 0), (-1, last), SHADE),
            ("LINEBELOW", (0, last), (-1, last), 0.6, INK),
        ]
    for r in bold_rows:
        commands.append(("FONTNAME", (0, r), (-1, r), styles.cell_bold.fontName))
    for r in range(header_rows, len(rows)):
        if (r - header_rows) % 2 == 1:
            commands.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f7f7f7")))
    return Table(
        data,
        colWidths=widths,
        repeatRows=header_rows,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


# A column grows to its longest word up to this width; longer words (a web address) wrap.
_LONGEST_WORD = 110.0
_PADDING = 6.0


def _fit_words(
    rows: list[list[str]],
    widths: list[float],
    styles: Styles,
    header_rows: int,
    spans: set[tuple[int, int]],
) -> list[float]:
    """Widths in which no word is cut ("Metinge|n"): a column narrower than its longest word
    takes the difference from the columns with room to spare, within the same total."""
    least = [0.0] * len(widths)  # the longest word of each column, padded
    for r, row in enumerate(rows):
        style = styles.cell_bold if r < header_rows else styles.cell
        for c, cell in enumerate(row):
            words = str(cell).split()
            if (r, c) in spans or not words:
                continue
            longest = max(stringWidth(w, style.fontName, style.fontSize) for w in words)
            least[c] = max(least[c], min(longest + _PADDING, _LONGEST_WORD))
    short = sum(max(n - w, 0.0) for n, w in zip(least, widths, strict=True))
    room = [max(w - n, 0.0) for w, n in zip(widths, least, strict=True)]
    if short <= 0 or sum(room) <= 0:
        return widths
    take = min(short / sum(room), 1.0)
    fitted = [max(w, n) - r * take for w, n, r in zip(widths, least, room, strict=True)]
    total = sum(widths)
    if sum(fitted) > total:  # not room enough for every word: all give in, words wrap
        fitted = [f * total / sum(fitted) for f in fitted]
    return fitted


def figure(drawing: Drawing, caption: str, styles: Styles) -> KeepTogether:
    """A chart with its caption above it, kept on one page."""
    return KeepTogether(
        [
            Para(text(caption), styles.h3),
            ChartFlowable(drawing, styles.cell),
            Spacer(1, 8),
        ]
    )


class _FooterCanvas(Canvas):
    """A canvas that writes the page total into a form drawn on every page's footer."""

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self._pages_done = 0

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages_done += 1
        super().showPage()

    def save(self) -> None:
        regular, _ = register_fonts()
        self.beginForm(_TOTAL_FORM)
        self.setFont(regular, 8)
        self.setFillColor(INK)
        self.drawString(0, 0, str(self._pages_done))
        self.endForm()
        super().save()


class ReportDocument(BaseDocTemplate):
    """A4 document with the footer, and bookmarks for every :class:`Heading`."""

    def __init__(self, buffer: object, *, title: str, author: str, lang: str, footer: str,
                 page_label: str, subject: str = "") -> None:  # fmt: skip
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            creator="evalsys",
            lang=lang,
            # every page starts with a font selection: make it the embedded font, not Helvetica
            initialFontName=register_fonts()[0],
            initialFontSize=10,
            initialLeading=12,
        )
        self.footer = footer
        self.page_label = page_label  # "pagina {page} van "
        frame = Frame(MARGIN, MARGIN, TEXT_WIDTH, A4[1] - 2 * MARGIN, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])
        self._keys = 0

    def _footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        regular, _ = register_fonts()
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(INK)
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, MARGIN - 14, A4[0] - MARGIN, MARGIN - 14)
        canvas.drawString(MARGIN, MARGIN - 26, self.footer)
        label = self.page_label.format(page=canvas.getPageNumber())
        # room for a total of up to four digits, drawn later from the form
        x = A4[0] - MARGIN - stringWidth("0000", regular, 8) - stringWidth(label, regular, 8)
        canvas.drawString(x, MARGIN - 26, label)
        canvas.translate(x + stringWidth(label, regular, 8), MARGIN - 26)
        canvas.doForm(_TOTAL_FORM)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            key = flowable.outline_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(
                flowable.outline_title, key, level=flowable.outline_level, closed=False
            )

    def build_story(self, story: list[Flowable]) -> None:
        """Lay out ``story`` with the footer canvas and show the outline when opened."""
        self.build(story, canvasmaker=_FooterCanvas)

    def handle_documentBegin(self) -> None:  # noqa: N802 (reportlab's name)
        super().handle_documentBegin()
        self.canv.showOutline()
