"""The printable paper questionnaire (A4 PDF): the questions numbered as on the entry screen.

One language per document: the questionnaire's texts in that language, and the few words around
them through the translation catalogue in the same language (``translate``), so a Dutch form
never carries an English heading. Every page repeats the participant code line, so a page that
comes loose still says whose it is.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

import surveys
from analysis.report.fonts import register_fonts
from evalsys.collection.paper_form import (
    condition_in_words,
    conditions_of,
    in_language,
    questions_of,
)
from evalsys.i18n import _
from surveys.model import CHOICE_TYPES

BOX = "\u2610"  # ☐, in DejaVu Sans
WIDTH = A4[0] - 36 * mm  # between the margins
ACROSS = 5  # options side by side at most; more go under each other, two columns


def paper_questionnaire_pdf(
    questionnaire: surveys.Questionnaire,
    *,
    language: str,
    translate: Callable,
    intervention: str,
    site: str,
    wave: str,
    consent: str = "",
) -> bytes:
    """The questionnaire as an A4 PDF in ``language``; ``translate`` renders a message of
    evalsys.i18n in that language (a localizer's ``translate``). ``consent`` is the
    intervention's consent text in that language (the web survey's default when empty)."""
    regular, bold = register_fonts()
    styles = _styles(regular, bold)
    t = translate
    title = in_language(questionnaire.title, language) or intervention
    code_label = t(_("Participant code"))
    round_text = t(_("Round ${wave}", mapping={"wave": wave}))
    story = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(f"{intervention} · {site} · {round_text}"), styles["small"]),
        Spacer(1, 4 * mm),
        _write_in(Paragraph(escape(code_label), styles["label"]), 60 * mm, 9 * mm),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                t(
                    _(
                        "Tick one box per question, like this: ☒. Where it says so, you may "
                        "tick more than one. Leave a question empty if you do not want to "
                        "answer it."
                    )
                )
            ),
            styles["text"],
        ),
    ]
    consent = consent or in_language(questionnaire.consent, language)
    consent = consent or t(
        _(
            "You take part in a study of this activity. Your answers are used without your "
            "name. You can stop at any time."
        )
    )
    # The consent step of the web survey, as boxes to tick.
    story += [
        Paragraph(escape(t(_("Taking part"))), styles["heading"]),
        *[Paragraph(escape(part), styles["text"]) for part in consent.split("\n\n")],
        Paragraph(
            f"{BOX} " + escape(t(_("I have read this and I want to take part."))),
            styles["question"],
        ),
        Paragraph(
            escape(t(_("Are you younger than 16?")))
            + f" &nbsp; {BOX} {escape(t(_('Yes')))} &nbsp; {BOX} {escape(t(_('No')))}",
            styles["question"],
        ),
        Paragraph(
            escape(t(_("Only if you are younger than 16:")))
            + f" {BOX} "
            + escape(t(_("My parent or carer agrees that I take part."))),
            styles["question"],
        ),
    ]
    questions = questions_of(questionnaire)
    for block in questionnaire.blocks:
        story.append(Paragraph(escape(in_language(block.title, language)), styles["heading"]))
        instructions = in_language(block.instructions, language) if block.instructions else ""
        if instructions:
            story.append(Paragraph(escape(instructions), styles["text"]))
        for item in block.items:
            number = questions[item.id].number
            # "Only if you answered 'Yes' to question 3.": the participant skips it otherwise.
            only_if = " ".join(
                condition_in_words(c, questionnaire, questions, language, t)
                for c in conditions_of(questionnaire, item.id)
            )
            missing = block.missing_for(item)
            story.append(
                KeepTogether(_question(number, item, language, t, styles, only_if, missing))
            )

    buffer = io.BytesIO()
    footer = f"{intervention} · {site} · {round_text}"

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(18 * mm, 10 * mm, f"{footer} · {document.page}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{code_label}: ______________")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{title} · {round_text}",
        author="evalsys",
        subject=f"{intervention} · {site}",
        lang=language,
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _question(
    number: int, item: surveys.Item, language: str, t, styles, only_if="", missing=()
) -> list:
    text = escape(in_language(item.text, language))
    parts = [Paragraph(f"<b>{number}.</b> {text}", styles["question"])]
    if only_if:
        parts.append(Paragraph(f"<i>{escape(only_if)}</i>", styles["small"]))
    hint = in_language(item.hint, language) if item.hint else ""
    if item.type == "multiple_choice":
        hint = " ".join(filter(None, [hint, t(_("You may tick more than one box."))]))
    if item.type in ("number", "year") and item.min is not None and item.max is not None:
        low, high = f"{item.min:g}", f"{item.max:g}"
        hint = " ".join(
            filter(
                None,
                [hint, t(_("A number from ${min} to ${max}.", mapping={"min": low, "max": high}))],
            )
        )
    if hint:
        parts.append(Paragraph(escape(hint), styles["small"]))
    if item.type in (*CHOICE_TYPES, "multiple_choice"):
        parts.append(_options(item.options, language, styles))
    elif item.type in ("number", "year"):
        parts.append(_write_in(None, 30 * mm, 8 * mm))
    else:
        parts.append(_write_in(None, WIDTH, 16 * mm))
    if missing:  # "Rather not say" and the like: boxes of their own, below the answers
        parts.append(Spacer(1, 1 * mm))
        parts.append(_options(missing, language, styles))
    parts.append(Spacer(1, 3 * mm))
    return parts


def _options(options, language: str, styles) -> Table:
    cells = [
        Paragraph(
            f"{BOX} {escape(in_language(o.labels, language))} "
            f'<font size="7" color="#555555">({o.value})</font>',
            styles["option"],
        )
        for o in options
    ]
    if len(cells) <= ACROSS:
        rows, widths = [cells], [WIDTH / len(cells)] * len(cells)
    else:
        half = (len(cells) + 1) // 2
        left, right = cells[:half], cells[half:] + [""] * (2 * half - len(cells))
        rows, widths = [list(pair) for pair in zip(left, right, strict=True)], [WIDTH / 2] * 2
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2)])
    )
    return table


def _write_in(label, width: float, height: float) -> Table:
    """A framed box to write in, after ``label`` when there is one."""
    row, widths = ([label, ""], [45 * mm, width]) if label is not None else ([""], [width])
    table = Table([row], colWidths=widths, rowHeights=[height], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (-1, 0), (-1, 0), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("text", fontName=regular, fontSize=10, leading=13, alignment=TA_LEFT)
    return {
        "text": base,
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=16, leading=20),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=bold,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "label": ParagraphStyle("label", parent=base, fontName=bold),
        "question": ParagraphStyle("question", parent=base, spaceAfter=2),
        "option": ParagraphStyle("option", parent=base, fontSize=9, leading=11),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor="#333333"),
    }
