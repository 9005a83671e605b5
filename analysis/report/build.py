"""build_report(): the whole evaluation report of one intervention as PDF bytes."""

from __future__ import annotations

import io

from reportlab.platypus import Flowable, PageBreak

from analysis.report.appendix import appendix_section
from analysis.report.context import Context
from analysis.report.data import attrition_section, quality_section
from analysis.report.document import ReportDocument, make_styles
from analysis.report.groups import comparison_section, mixed_section
from analysis.report.meta import ReportMeta
from analysis.report.methods import limitations_section, methods_section
from analysis.report.scales import scale_sections
from analysis.report.summary import cover, key_figures, summary
from analysis.report.texts import Texts
from analysis.results import EvaluationResult


def check_disclosed(result: EvaluationResult, min_cell: int, texts: Texts) -> None:
    """Raise ValueError unless ``result`` went through :func:`analysis.disclose`.

    :func:`analysis.disclose` sets ``result.min_cell``; a result without it may hold
    figures about fewer than ``min_cell`` participants and must not be printed. A result
    disclosed with a smaller ``min_cell`` than the report promises is refused too.
    """
    if result.min_cell is None:
        raise ValueError(texts("refuse"))
    if result.min_cell < min_cell:
        raise ValueError(texts("refuse_min_cell", result=result.min_cell, meta=min_cell))


def build_report(result: EvaluationResult, meta: ReportMeta, *, language: str = "nl") -> bytes:
    """The evaluation report of one intervention as a PDF.

    Parameters
    ----------
    result : EvaluationResult
        A disclosed result (:func:`analysis.disclose`); anything else is refused.
    meta : ReportMeta
        Intervention, sites, waves, instruments, data quality, dates, version.
    language : {"nl", "en"}, default "nl"
        Language of every text; Dutch by default.

    Returns
    -------
    bytes
        A tagged-language PDF (``/Lang``), with title and author, bookmarks per section,
        page numbers "pagina 3 van 12" and embedded DejaVu Sans fonts.

    Raises
    ------
    ValueError
        If ``result`` was not disclosed, was disclosed with a ``min_cell`` below
        ``meta.min_cell``, or the language is not "nl" or "en".

    Notes
    -----
    Order: cover; one-page summary written from the results (B1); key figures; per scale
    the forest plots, reliable-change bars and site tables per wave pair; comparison-group
    and mixed-model results (when present); response and attrition; data quality; methods
    (instruments, analyses with references, suppression rule); limitations; an appendix
    per site. A small count left out prints as "< 10" (``min_cell``), any other figure left
    out as "niet getoond". docs/report.md explains how to read each part.
    """
    texts = Texts(language)
    check_disclosed(result, meta.min_cell, texts)
    ctx = Context(result, meta, texts, make_styles(), language)
    story: list[Flowable] = []
    story += cover(ctx)
    story += summary(ctx)
    story += key_figures(ctx)
    story.append(PageBreak())
    story += scale_sections(ctx)
    for section in (comparison_section, mixed_section, attrition_section, quality_section,
                    methods_section, limitations_section, appendix_section):  # fmt: skip
        part = section(ctx)
        if part:
            story.append(PageBreak())
            story += part
    buffer = io.BytesIO()
    title = f"{texts('report')}: {meta.intervention}"
    document = ReportDocument(
        buffer,
        title=title,
        author=", ".join(meta.authors) or "evalsys",
        lang=texts("lang"),
        footer=f"{title} · {meta.version_label}".strip(" ·"),
        page_label=texts.raw("page"),
        subject=texts(f"design_{meta.design}"),
    )
    document.build_story(story)
    return buffer.getvalue()
