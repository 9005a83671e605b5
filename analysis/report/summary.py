"""The front of a report: the cover, the one-page summary in plain Dutch, and key figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from reportlab.platypus import Flowable, PageBreak, Spacer

from analysis.charts.numbers import is_missing
from analysis.claims import BALANCE_LIMIT
from analysis.report.blanks import Blanks, participants
from analysis.report.context import Context, intervention_pooled, overall_retention
from analysis.report.document import Heading, Para, table, text


def _date(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "–"
    if with_time and isinstance(value, dt.datetime):
        zone = value.strftime(" %Z") if value.tzinfo else ""
        return value.strftime("%Y-%m-%d %H:%M") + zone
    return value.strftime("%Y-%m-%d")


def cover(ctx: Context) -> list[Flowable]:
    """Title page: intervention, period, sites, design, dates, version."""
    t, meta, s = ctx.texts, ctx.meta, ctx.styles
    start, end = meta.period
    rows = [
        [t("cover_intervention"), meta.intervention],
        [t("cover_target"), meta.target_group],
        [t("cover_factors"), ", ".join(meta.protective_factors)],
        [t("cover_period"), f"{_date(start)} – {_date(end)}"],
        # one site a row: a right-to-left name must not share a line with others, since
        # without a bidi algorithm the word order of a mixed line would come out wrong
        *[[t("cover_sites") if i == 0 else "", site.name] for i, site in enumerate(meta.sites)],
        [t("cover_design"), t(f"design_{meta.design}")],
        [t("cover_report_date"), _date(meta.generated_at)],
        [t("cover_data_taken"), _date(meta.data_taken_at, with_time=True)],
    ]
    if meta.version_label:
        rows.append([t("cover_version"), meta.version_label])
    if meta.authors:
        rows.append([t("cover_authors"), ", ".join(meta.authors)])
    return [
        Spacer(1, 60),
        Heading(t("report"), s.title, 0, ctx.key()),
        Para(text(meta.intervention), s.h1),
        Para(text(meta.description), s.lead),
        Spacer(1, 16),
        table(rows, [130, 351], s, header_rows=0),
        PageBreak(),
    ]


def _size(ctx: Context, value: float) -> str:
    size = abs(value)  # Cohen (1988): 0.2 small, 0.5 medium, 0.8 large
    key = "size_tiny" if size < 0.2 else "size_small" if size < 0.5 else "size_medium"
    return ctx.texts("size_large" if size >= 0.8 else key)


def summary(ctx: Context) -> list[Flowable]:
    """One page at language level B1, written from the results and the claim."""
    t, s, result = ctx.texts, ctx.styles, ctx.result
    story: list[Flowable] = [
        Heading(t("summary"), s.h1, 0, ctx.key()),
        Para(
            text(
                t(
                    "summary_intro",
                    intervention=ctx.meta.intervention,
                    n_sites=len(ctx.meta.sites),
                    n_participants=participants(ctx),
                )
            ),
            s.body,
        ),
        Para(text(t("summary_claim_head")), s.h3),
        Para(
            text(result.claim.text_nl if ctx.language == "nl" else result.claim.text_en), s.lead
        ),  # fmt: skip
    ]
    changes: list[str] = []
    for row in intervention_pooled(result).itertuples(index=False):
        names = {
            "scale": ctx.scale_name(row.scale),
            "wave_from": ctx.wave_name(row.wave_from),
            "wave_to": ctx.wave_name(row.wave_to),
        }
        if is_missing(row.estimate):
            changes.append(t("change_hidden", **names))
            continue
        sign = 1 if ctx.higher_is_better(row.scale) else -1
        good = sign * row.estimate
        excludes_zero = not is_missing(row.ci_low) and (row.ci_low > 0 or row.ci_high < 0)
        if not excludes_zero:
            changes.append(t("change_unclear", **names))
        else:
            key = "change_better" if good > 0 else "change_worse"
            changes.append(t(key, size=_size(ctx, row.estimate), **names))
        sentence = t(
            "sure_ci",
            estimate=ctx.num(row.estimate),
            low=ctx.num(row.ci_low),
            high=ctx.num(row.ci_high),
            **names,
        )
        if not is_missing(row.pi_low):
            sentence += t("sure_pi", low=ctx.num(row.pi_low), high=ctx.num(row.pi_high))
            if not is_missing(row.i2) and row.i2 >= 0.5:
                sentence += t("sure_pi_spread")
        if sign < 0:
            sentence += t("lower_better")
        changes[-1] += " " + sentence
    compared = _compared(ctx)
    story.append(Para(text(t("summary_changes_head")), s.h3))
    story += [Para("• " + text(line), s.body) for line in changes]
    if compared:
        story.append(Para(text(t("summary_compare_head")), s.h3))
        story += [Para("• " + text(line), s.body) for line in compared]
    story.append(Para(text(t("summary_can_head")), s.h3))
    story.append(Para(text(t(f"can_{result.design}")), s.body))
    retention = overall_retention(result)
    if retention is not None:
        story.append(Para(text(t("summary_dropout_head")), s.h3))
        sentence = t("dropout", share=ctx.percent(retention[0]), wave=retention[1])
        baseline = result.attrition_baseline
        if baseline is not None and len(baseline):
            p = baseline[baseline["group"] == "intervention"]["p"].astype(float)
            if (p < 0.05).any():
                sentence += t("dropout_baseline")
        story.append(Para(text(sentence), s.body))
    story.append(PageBreak())
    return story


def _compared(ctx: Context) -> list[str]:
    """One sentence per scale: the site-adjusted ANCOVA d against the comparison group."""
    t, comparison = ctx.texts, ctx.result.comparison
    if comparison is None or comparison.empty:
        return []
    parts: dict[str, list[str]] = {}
    for row in comparison[comparison["site"] == "all"].itertuples(index=False):
        if is_missing(row.ancova_d):
            continue
        sign = 1 if ctx.higher_is_better(row.scale) else -1
        clear = not is_missing(row.p_adjusted) and row.p_adjusted < 0.05
        direction = "compare_unclear"
        if clear:
            direction = "compare_better" if sign * row.ancova_effect > 0 else "compare_worse"
        sd = row.sd_pre_pooled  # ANCOVA d is the effect over the pooled baseline SD
        parts.setdefault(row.scale, []).append(
            t(
                "compare_part",
                wave=ctx.wave_name(row.wave_to),
                direction=t(direction),
                d=ctx.num(row.ancova_d),
                low=ctx.num(row.ancova_low / sd),
                high=ctx.num(row.ancova_high / sd),
            )
        )
    lines = [
        t("compare_scale", scale=ctx.scale_name(scale), parts="; ".join(lines))
        for scale, lines in parts.items()
    ]
    if ctx.result.design == "pre_post_comparison":
        lines += _baseline_balance(ctx, comparison)
    return lines


def _baseline_balance(ctx: Context, comparison: pd.DataFrame) -> list[str]:
    """Quasi-experimental designs: where the groups started too far apart (first wave pair).

    The claim needs |d| <= BALANCE_LIMIT (analysis.claims); the reader sees the same figure.
    """
    t = ctx.texts
    if "baseline_d" not in comparison or not ctx.result.waves:
        return []
    first = ctx.result.waves[0]
    rows = comparison[(comparison["site"] == "all") & (comparison["wave_from"] == first)]
    lines = []
    for scale, part in rows.groupby("scale", sort=False):
        d = part["baseline_d"].iloc[0]
        if is_missing(d):
            continue
        if abs(d) > BALANCE_LIMIT:  # groups that started alike need no sentence here
            lines.append(
                t(
                    "compare_baseline_apart",
                    scale=ctx.scale_name(scale),
                    d=ctx.num(d),
                    limit=ctx.num(BALANCE_LIMIT),
                )
            )
    return lines


def key_figures(ctx: Context) -> list[Flowable]:
    """Table: pooled effect per scale x wave pair, and the comparison where there is one."""
    t, s, result = ctx.texts, ctx.styles, ctx.result
    comparison = result.comparison
    has_comparison = comparison is not None and len(comparison) > 0
    header = [t("scale"), t("waves"), t("sites_k"), t("n"), t("pooled_dz"), t("ci"), t("pi"),
              t("i2"), t("p_adj")]  # fmt: skip
    widths = [88, 42, 40, 28, 32, 64, 64, 26, 42]
    if has_comparison:
        header.append(t("ancova_d"))
        widths.append(55)
    rows = [header]
    blanks = Blanks(ctx, "pooled")
    for row in intervention_pooled(result).itertuples():
        line = [
            ctx.scale_name(row.scale),
            f"{row.wave_from}–{row.wave_to}",
            ctx.count(row.k),
            blanks.count(blanks.position(row.Index), "n", row.n),
            ctx.num(row.estimate),
            ctx.interval(row.ci_low, row.ci_high),
            ctx.interval(row.pi_low, row.pi_high),
            ctx.percent(row.i2),
            ctx.p(row.p_adjusted),
        ]
        if has_comparison:
            match = comparison[
                (comparison["site"] == "all")
                & (comparison["scale"] == row.scale)
                & (comparison["wave_from"] == row.wave_from)
                & (comparison["wave_to"] == row.wave_to)
            ]
            line.append(ctx.num(match["ancova_d"].iloc[0]) if len(match) else "–")
        rows.append(line)
    return [
        Heading(t("key_figures"), s.h1, 0, ctx.key()),
        Para(text(t("key_intro")), s.body),
        table(rows, widths, s),
        Spacer(1, 10),
    ]
