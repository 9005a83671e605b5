"""Response and attrition per site and wave, and the data-quality checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from reportlab.platypus import Flowable

from analysis.charts.numbers import is_missing
from analysis.report.context import Context
from analysis.report.document import Heading, Para, table, text


def attrition_section(ctx: Context) -> list[Flowable]:
    """Retention per site x group x wave, and the baseline comparison of dropouts."""
    t, s, result = ctx.texts, ctx.styles, ctx.result
    story: list[Flowable] = [
        Heading(t("attrition"), s.h1, 0, ctx.key()),
        Para(text(t("attrition_intro")), s.body),
    ]
    frame = result.attrition
    if frame is None or frame.empty:
        return story + [Para(text(t("none")), s.body)]
    rows = [[t("site"), t("group"), t("wave"), t("n_baseline"), t("n_retained"),
             t("n_dropped"), t("retention")]]  # fmt: skip
    for row in frame.itertuples(index=False):
        rows.append(
            [
                ctx.site_name(row.site),
                t(row.group),
                str(row.wave),
                ctx.count(row.n_baseline),
                ctx.count(row.n_retained),
                ctx.count(row.n_dropped),
                ctx.percent(row.retention),
            ]
        )
    story.append(table(rows, [130, 90, 40, 55, 55, 55, 50], s))
    baseline = result.attrition_baseline
    if baseline is not None and len(baseline):
        story.append(Para(text(t("baseline_diff")), s.h3))
        rows = [[t("scale"), t("group"), f"n {t('completers')}", f"n {t('dropouts')}",
                 t("completers"), t("dropouts"), "d [95%]", t("p")]]  # fmt: skip
        for row in baseline.itertuples(index=False):
            rows.append(
                [
                    ctx.scale_name(row.scale),
                    t(row.group),
                    ctx.count(row.n_completers),
                    ctx.count(row.n_dropouts),
                    ctx.mean_sd(row.mean_completers, row.sd_completers),
                    ctx.mean_sd(row.mean_dropouts, row.sd_dropouts),
                    ctx.estimate_ci(row.d, row.d_low, row.d_high),
                    ctx.p(row.p),
                ]
            )
        story.append(table(rows, [96, 84, 40, 40, 58, 58, 80, 35], s))
    return story


def disclosed_quality(quality: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The quality table with every count from 1 to ``min_cell - 1`` blanked (NaN).

    A site x wave row with fewer than ``min_cell`` responses is blanked whole: its flag
    counts would describe fewer than ``min_cell`` people.
    """
    frame = quality.copy()
    counts = [c for c in frame.columns if c not in ("site", "wave")]
    values = frame[counts].apply(pd.to_numeric, errors="coerce").astype(float)
    small = (values > 0) & (values < min_cell)
    if "responses" in values:
        few = values["responses"] < min_cell
        small.loc[few, :] = True
    frame[counts] = values.mask(small.to_numpy(), np.nan)
    return frame


def quality_section(ctx: Context) -> list[Flowable]:
    """Responses and data-quality flags per site x wave (small counts shown as "< 10")."""
    t, s = ctx.texts, ctx.styles
    story: list[Flowable] = [Heading(t("quality"), s.h1, 0, ctx.key())]
    quality = ctx.meta.quality
    if quality is None or quality.empty:
        return story + [Para(text(t("quality_none")), s.body)]
    story.append(Para(text(t("quality_intro", min_cell=ctx.min_cell)), s.body))
    frame = disclosed_quality(quality, ctx.min_cell)
    counts = [c for c in frame.columns if c not in ("site", "wave")]
    header = [t("site"), t("wave")] + [
        t("responses") if c == "responses" else c.replace("_", " ") for c in counts
    ]
    rows = [header]
    for _, row in frame.iterrows():
        rows.append(
            [ctx.site_name(row["site"]), str(row.get("wave", ""))]
            + [ctx.hidden if is_missing(row[c]) else ctx.count(row[c]) for c in counts]
        )
    widths = [130, 40] + [max(50, 311 / max(len(counts), 1))] * len(counts)
    story.append(table(rows, widths, s))
    return story
