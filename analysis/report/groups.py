"""Comparison-group results and the mixed model, when the result has them."""

from __future__ import annotations

import re

from reportlab.platypus import Flowable

from analysis.report.blanks import Blanks
from analysis.report.context import Context
from analysis.report.document import Heading, Para, table, text
from analysis.report.texts import Texts

# analysis.mixed's term names: wave[T1], group[intervention], wave[T1]:group[intervention]
_WAVE = re.compile(r"^wave\[(?P<wave>[^\]]+)\]$")
_GROUP = re.compile(r"^group\[[^\]]+\]$")
_INTERACTION = re.compile(r"^wave\[(?P<wave>[^\]]+)\]:group\[[^\]]+\]$")


def comparison_section(ctx: Context) -> list[Flowable]:
    """ANCOVA and difference-in-differences per scale x wave pair, across and per site."""
    t, s = ctx.texts, ctx.styles
    frame = ctx.result.comparison
    if frame is None or frame.empty:
        return []
    story: list[Flowable] = [
        Heading(t("comparison_section"), s.h1, 0, ctx.key()),
        Para(text(t("comparison_intro")), s.body),
    ]
    blanks = Blanks(ctx, "comparison")
    for (scale, wave_from, wave_to), part in frame.groupby(
        ["scale", "wave_from", "wave_to"], sort=False
    ):
        story.append(Para(text(f"{ctx.scale_name(scale)}, {wave_from}–{wave_to}"), s.h3))
        rows = [[t("site"), t("n_int"), t("n_comp"), t("ancova"), "d", t("did"), "d", t("p"),
                 t("p_adj")]]  # fmt: skip
        ordered = part.sort_values("site", key=lambda c: c != "all", kind="stable")
        spans = []
        for row in ordered.itertuples():
            i = frame.index.get_loc(row.Index)
            site = t("all_sites") if row.site == "all" else ctx.site_name(row.site)
            counts = [
                blanks.count(i, "n_intervention", row.n_intervention),
                blanks.count(i, "n_comparison", row.n_comparison),
            ]
            if blanks.kind(i, "ancova_effect"):
                # left out: because a group is small, or so that one cannot be worked out
                small = blanks.any_small(i, ("n_intervention", "n_comparison"))
                reason = t("too_few" if small else "secondary", min_cell=ctx.min_cell)
                spans.append((len(rows), 3))
                rows.append([site, *counts, reason, "", "", "", "", ""])
                continue
            ancova = ctx.estimate_ci(row.ancova_effect, row.ancova_low, row.ancova_high)
            did = ctx.estimate_ci(row.did, row.did_low, row.did_high)
            rows.append(
                [
                    site,
                    *counts,
                    blanks.figure(i, "ancova_effect", row.ancova_effect, ancova),
                    blanks.figure(i, "ancova_d", row.ancova_d, ctx.num(row.ancova_d)),
                    blanks.figure(i, "did", row.did, did),
                    blanks.figure(i, "did_d", row.did_d, ctx.num(row.did_d)),
                    ctx.p(row.ancova_p),
                    ctx.p(row.p_adjusted) if row.site == "all" else "–",
                ]
            )
        widths = [100, 36, 36, 90, 34, 90, 34, 32, 38]
        story.append(table(rows, widths, s, bold_rows=(1,), spans=tuple(spans)))
    return story


def mixed_section(ctx: Context) -> list[Flowable]:
    """Fixed effects and variance components of the mixed model per scale."""
    t, s = ctx.texts, ctx.styles
    fixed = ctx.result.mixed_model
    if fixed is None or fixed.empty:
        return []
    story: list[Flowable] = [
        Heading(t("mixed"), s.h1, 0, ctx.key()),
        Para(text(t("mixed_intro")), s.body),
    ]
    variance = ctx.result.variance_components
    for scale, part in fixed.groupby("scale", sort=False):
        story.append(Para(text(ctx.scale_name(scale)), s.h3))
        rows = [[t("term"), t("estimate"), t("se"), t("p")]]
        with_group = any(str(term).startswith("group[") for term in part["term"])
        for row in part.itertuples(index=False):
            rows.append(
                [
                    _term(str(row.term), t, ctx, with_group),
                    ctx.estimate_ci(row.estimate, row.ci_low, row.ci_high),
                    ctx.num(row.se, 3),
                    ctx.p(row.p),
                ]
            )
        story.append(table(rows, [200, 140, 60, 60], s))
        if variance is not None and len(variance):
            parts = variance[variance["scale"] == scale]
            rows = [[t("variance_source"), t("variance_value")]]
            rows += [
                [_component(str(r.component), t), ctx.num(r.variance, 3)]
                for r in parts.itertuples()
            ]
            story.append(Para(text(t("variance")), s.small))
            story.append(table(rows, [200, 100], s))
    return story


def _term(term: str, t: Texts, ctx: Context, with_group: bool) -> str:
    """A fixed effect of the mixed model in words: what it compares, against which baseline.

    The first wave and (with a comparison group) the comparison group are the reference
    (analysis.mixed), so wave[T1] is the reference group's change and the interaction the
    intervention group's extra change.
    """
    first = str(ctx.result.waves[0]) if len(ctx.result.waves) else ""
    if term == "Intercept":
        return t(
            "mixed_term_intercept_group" if with_group else "mixed_term_intercept", first=first
        )
    if match := _INTERACTION.match(term):
        return t("mixed_term_interaction", first=first, wave=match["wave"])
    if match := _WAVE.match(term):
        key = "mixed_term_wave_group" if with_group else "mixed_term_wave"
        return t(key, first=first, wave=match["wave"])
    if _GROUP.match(term):
        return t("mixed_term_group", first=first)
    return term


def _component(component: str, t: Texts) -> str:
    key = f"component_{component}"
    return t(key) if key in t else component
