"""build_programme_report(): several interventions side by side, for the programme level."""

from __future__ import annotations

import io

from reportlab.platypus import Flowable, PageBreak, Spacer

from analysis.charts.numbers import is_missing
from analysis.report.blanks import Blanks, participants
from analysis.report.build import check_disclosed
from analysis.report.context import Context, intervention_pooled
from analysis.report.document import Heading, Para, ReportDocument, make_styles, table, text
from analysis.report.meta import ReportMeta
from analysis.report.summary import _date
from analysis.report.texts import Texts
from analysis.results import EvaluationResult


def build_programme_report(
    items: list[tuple[ReportMeta, EvaluationResult]], *, language: str = "nl"
) -> bytes:
    """A programme-level PDF: one summary line, key figures and the claim per intervention.

    Parameters
    ----------
    items : list of (ReportMeta, EvaluationResult)
        One pair per intervention; every result must be disclosed.
    language : {"nl", "en"}, default "nl"

    Returns
    -------
    bytes
        A PDF with a summary line per intervention, the claims side by side, and the
        pooled estimates per scale (intervention group) of every intervention.

    Raises
    ------
    ValueError
        If ``items`` is empty or any result was not disclosed.
    """
    texts = Texts(language)
    if not items:
        raise ValueError("A programme report needs at least one intervention.")
    styles = make_styles()
    contexts = []
    for meta, result in items:
        check_disclosed(result, meta.min_cell, texts)
        contexts.append(Context(result, meta, texts, styles, language))
    first = contexts[0]
    title = texts("programme_report")
    story: list[Flowable] = [
        Spacer(1, 40),
        Heading(title, styles.title, 0, first.key()),
        Para(text(texts("programme_intro", count=len(items))), styles.lead),
        Para(text(_date(max(m.generated_at for m, _ in items))), styles.small),
        Heading(texts("summary"), styles.h1, 0, first.key()),
    ]
    for ctx in contexts:
        line = texts(
            "programme_line",
            intervention=ctx.meta.intervention,
            level=texts(f"level_{ctx.result.claim.level}"),
            design=texts(f"design_{ctx.result.design}"),
            n_sites=len(ctx.meta.sites),
            n=participants(ctx),
        )
        story.append(Para("• " + text(line), styles.body))
    story.append(Heading(texts("programme_claims"), styles.h1, 0, first.key()))
    rows = [[texts("cover_intervention"), texts("cover_design"), texts("summary_claim_head")]]
    for ctx in contexts:
        claim = ctx.result.claim
        rows.append(
            [
                ctx.meta.intervention,
                texts(f"design_{ctx.result.design}"),
                claim.text_nl if language == "nl" else claim.text_en,
            ]
        )
    story.append(table(rows, [120, 110, 251], styles))
    story.append(PageBreak())
    story.append(Heading(texts("programme_pooled"), styles.h1, 0, first.key()))
    for ctx in contexts:
        story.append(Heading(ctx.meta.intervention, styles.h2, 1, first.key()))
        rows = [[texts("scale"), texts("waves"), texts("sites_k"), texts("n"),
                 texts("pooled_dz"), texts("ci"), texts("pi"), texts("p_adj")]]  # fmt: skip
        blanks = Blanks(ctx, "pooled")
        for row in intervention_pooled(ctx.result).itertuples():
            rows.append(
                [
                    ctx.scale_name(row.scale),
                    f"{row.wave_from}–{row.wave_to}",
                    ctx.count(row.k),
                    blanks.count(blanks.position(row.Index), "n", row.n),
                    ctx.num(row.estimate),
                    ctx.interval(row.ci_low, row.ci_high),
                    ctx.interval(row.pi_low, row.pi_high),
                    "–" if is_missing(row.p_adjusted) else ctx.p(row.p_adjusted),
                ]
            )
        story.append(table(rows, [120, 45, 40, 40, 40, 80, 80, 36], styles))
    buffer = io.BytesIO()
    document = ReportDocument(
        buffer,
        title=title,
        author="evalsys",
        lang=texts("lang"),
        footer=title,
        page_label=texts.raw("page"),
    )
    document.build_story(story)
    return buffer.getvalue()
