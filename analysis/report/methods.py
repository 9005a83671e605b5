"""Methods (instruments, analyses with references, suppression) and limitations."""

from __future__ import annotations

from reportlab.platypus import Flowable

from analysis.claims import BALANCE_LIMIT
from analysis.report.context import Context, overall_retention
from analysis.report.document import Heading, Para, table, text
from analysis.report.note_texts import note_text

#: The analyses, as docs/analysis.md describes them: (text's key in report.po, reference).
ANALYSES: tuple[tuple[str, str], ...] = (
    ("method_change", "Lakens (2013); Cumming & Finch (2001); Steiger & Fouladi (1997)"),
    ("method_reliable", "Jacobson & Truax (1991)"),
    (
        "method_pooling",
        "Viechtbauer (2005); Higgins & Thompson (2002); Hartung & Knapp (2001); "
        "Sidik & Jonkman (2002); Higgins, Thompson & Spiegelhalter (2009)",
    ),
    ("method_comparison", "Vickers & Altman (2001); Morris (2008); Lord (1967)"),
    (
        "method_mixed",
        "Laird & Ware (1982); Harville (1977); Satterthwaite (1946); Kuznetsova et al. (2017)",
    ),
    ("method_multiplicity", "Holm (1979)"),
    ("method_attrition", "Shadish, Cook & Campbell (2002)"),
    (
        "method_level",
        "Erkenningscommissie Interventies (Movisie, NJi); What Works Clearinghouse (2022); "
        "Van Breukelen (2006); Angrist & Pischke (2009); Senn (1994)",
    ),
)


def methods_section(ctx: Context) -> list[Flowable]:
    """Instruments with citation and alpha, analyses with references, the suppression rule."""
    t, s, meta = ctx.texts, ctx.styles, ctx.meta
    story: list[Flowable] = [
        Heading(t("methods"), s.h1, 0, ctx.key()),
        Heading(t("instruments"), s.h2, 1, ctx.key()),
    ]
    if meta.instruments:
        rows = [[t("instrument"), t("citation"), t("alpha"), t("licence")]]
        for instrument in meta.instruments:
            alphas = [
                f"{ctx.scale_name(scale)}: {ctx.num(value, 2, hidden=False)}"
                for scale, value in instrument.alpha.items()
            ]
            title = f"{instrument.title} (v{instrument.version})"
            if instrument.translation_note:
                title += f" — {instrument.translation_note}"
            rows.append([title, instrument.citation, "; ".join(alphas) or "–", instrument.licence])
        story.append(table(rows, [130, 200, 80, 71], s))
    else:
        story.append(Para(text(t("none")), s.body))
    story.append(Heading(t("analysis_methods"), s.h2, 1, ctx.key()))
    rows = [[t("analysis_methods"), t("citation")]]
    rows += [[t(key), reference] for key, reference in ANALYSES]
    story.append(table(rows, [340, 141], s))
    story += design_rule(ctx)
    story.append(Heading(t("suppression"), s.h2, 1, ctx.key()))
    count = suppressed_cells(ctx.result.suppressed)
    story.append(Para(text(t("suppression_text", min_cell=ctx.min_cell, count=count)), s.body))
    if ctx.result.notes:
        story.append(Heading(t("notes"), s.h2, 1, ctx.key()))
        story += [
            Para("• " + text(note_text(note, t, ctx.scale_name, ctx.site_name)), s.small)
            for note in ctx.result.notes
        ]
    return story


def design_rule(ctx: Context) -> list[Flowable]:
    """The design, named (quasi-experimental without randomisation), and its claim rule."""
    t, s, design = ctx.texts, ctx.styles, ctx.result.design
    rule = t(
        "rule_quasi"
        if design == "pre_post_comparison"
        else "rule_randomised"
        if design == "randomised"
        else "rule_pre_post",
        limit=ctx.num(BALANCE_LIMIT, hidden=False),
    )
    return [
        Heading(t("design_rule_head"), s.h2, 1, ctx.key()),
        Para(text(t("design_rule_design", design=t(f"design_{design}"))), s.body),
        Para(text(rule), s.body),
    ]


def limitations_section(ctx: Context) -> list[Flowable]:
    """Design ceiling, attrition, working translations, reference norms."""
    t, s, result = ctx.texts, ctx.styles, ctx.result
    claim = result.claim
    lines = [
        t(
            "limit_ceiling",
            design=t(f"design_{result.design}"),
            ceiling=t(f"level_{claim.design_ceiling}"),
            level=t(f"level_{claim.level}"),
        )
    ]
    retention = overall_retention(result)
    if retention is not None:
        lines.append(t("limit_attrition", share=ctx.percent(retention[0])))
    for instrument in ctx.meta.instruments:
        if instrument.translation_note:
            lines.append(
                t("limit_translation", title=instrument.title, note=instrument.translation_note)
            )
    sources = sorted(
        {
            f"{info.label}: {info.reference_source}"
            for info in ctx.meta.scale_info.values()
            if info.reference_source
        }
    )
    if sources:
        lines.append(t("limit_reliable", sources="; ".join(sources)))
    return [Heading(t("limitations"), s.h1, 0, ctx.key())] + [
        Para("• " + text(line), s.body) for line in lines
    ]


def suppressed_cells(suppressed) -> int:
    """How many cells were left out: a record of ``suppressed`` names one row and its columns."""
    if suppressed is None or suppressed.empty:
        return 0
    return int(suppressed["column"].str.split(", ").map(len).sum())
