"""Response and attrition per site and wave, and the data-quality checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from reportlab.platypus import Flowable

from analysis.charts.numbers import is_missing
from analysis.report.blanks import Blanks
from analysis.report.context import Context
from analysis.report.document import Heading, Para, table, text
from analysis.results import EvaluationResult


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
    blanks = Blanks(ctx, "attrition")
    rows = [[t("site"), t("group"), t("wave"), t("n_baseline"), t("n_retained"),
             t("n_dropped"), t("retention")]]  # fmt: skip
    for i, row in enumerate(frame.itertuples(index=False)):
        rows.append(
            [
                ctx.site_name(row.site),
                t(row.group),
                str(row.wave),
                blanks.count(i, "n_baseline", row.n_baseline),
                blanks.count(i, "n_retained", row.n_retained),
                blanks.count(i, "n_dropped", row.n_dropped),
                blanks.percent(i, "retention", row.retention),
            ]
        )
    story.append(table(rows, [130, 90, 40, 55, 55, 55, 50], s))
    if (blanks.kinds == "hidden").any().any():
        story.append(Para(text(t("not_shown_note", min_cell=ctx.min_cell)), s.small))
    baseline = result.attrition_baseline
    if baseline is not None and len(baseline):
        story.append(Para(text(t("baseline_diff")), s.h3))
        blanks = Blanks(ctx, "attrition_baseline")
        rows = [[t("scale"), t("group"), f"n {t('completers')}", f"n {t('dropouts')}",
                 t("completers"), t("dropouts"), "d [95%]", t("p")]]  # fmt: skip
        for i, row in enumerate(baseline.itertuples(index=False)):
            rows.append(
                [
                    ctx.scale_name(row.scale),
                    t(row.group),
                    blanks.count(i, "n_completers", row.n_completers),
                    blanks.count(i, "n_dropouts", row.n_dropouts),
                    blanks.figure(i, "mean_completers", row.mean_completers,
                                  ctx.mean_sd(row.mean_completers, row.sd_completers)),
                    blanks.figure(i, "mean_dropouts", row.mean_dropouts,
                                  ctx.mean_sd(row.mean_dropouts, row.sd_dropouts)),
                    blanks.figure(i, "d", row.d, ctx.estimate_ci(row.d, row.d_low, row.d_high)),
                    blanks.figure(i, "p", row.p, ctx.p(row.p)),
                ]
            )  # fmt: skip
        story.append(table(rows, [96, 84, 40, 40, 58, 58, 80, 35], s))
    return story


def disclosed_quality(
    quality: pd.DataFrame, min_cell: int, result: EvaluationResult | None = None
) -> pd.DataFrame:
    """The quality table with every count from 1 to ``min_cell - 1`` blanked (NaN).

    A site x wave row with fewer than ``min_cell`` responses is blanked whole: its flag
    counts would describe fewer than ``min_cell`` people. With the disclosed ``result``,
    a site's responses at a wave are blanked too where the attrition table left out a count
    of that site and wave (the baseline at the first wave, the retained at a later one):
    the responses are about the sum of those counts over the groups, so they would give
    the left-out one back by subtraction.
    """
    frame = quality.copy()
    counts = [c for c in frame.columns if c not in ("site", "wave")]
    values = frame[counts].apply(pd.to_numeric, errors="coerce").astype(float)
    small = (values > 0) & (values < min_cell)
    if "responses" in values:
        few = values["responses"] < min_cell
        small.loc[few, :] = True
        linked = _linked_to_attrition(frame, result)
        values.loc[linked & ~few, "responses"] = np.nan
    frame[counts] = values.mask(small.to_numpy(), np.nan)
    return frame


def _linked_to_attrition(quality: pd.DataFrame, result: EvaluationResult | None) -> np.ndarray:
    """Quality rows whose responses add up counts that the attrition table left out."""
    linked = np.zeros(len(quality), dtype=bool)
    if result is None or result.attrition is None or result.attrition.empty:
        return linked
    table = result.attrition
    first = str(result.waves[0]) if len(result.waves) else None
    blank: set[tuple[str, str]] = set()
    for row in table.itertuples(index=False):
        if is_missing(row.n_baseline) and first is not None:
            blank.add((str(row.site), first))
        if is_missing(row.n_retained):
            blank.add((str(row.site), str(row.wave)))
    for i, (site, wave) in enumerate(zip(quality["site"], quality["wave"], strict=True)):
        linked[i] = (str(site), str(wave)) in blank
    return linked


def quality_section(ctx: Context) -> list[Flowable]:
    """Responses and data-quality flags per site x wave (small counts shown as "< 10")."""
    t, s = ctx.texts, ctx.styles
    story: list[Flowable] = [Heading(t("quality"), s.h1, 0, ctx.key())]
    quality = ctx.meta.quality
    if quality is None or quality.empty:
        return story + [Para(text(t("quality_none")), s.body)]
    story.append(Para(text(t("quality_intro", min_cell=ctx.min_cell)), s.body))
    frame = disclosed_quality(quality, ctx.min_cell, ctx.result)
    small = disclosed_quality(quality, ctx.min_cell)  # without the attrition links
    counts = [c for c in frame.columns if c not in ("site", "wave")]
    header = [t("site"), t("wave")] + [
        t("responses") if c == "responses" else _flag_header(t, c) for c in counts
    ]
    rows = [header]
    linked = False
    for (_, row), (_, alone) in zip(frame.iterrows(), small.iterrows(), strict=True):
        cells = []
        for c in counts:
            if not is_missing(row[c]):
                cells.append(ctx.count(row[c]))
            elif is_missing(alone[c]):
                cells.append(ctx.hidden)
            else:
                cells.append(t("not_shown"))
                linked = True
        rows.append([ctx.site_name(row["site"]), str(row.get("wave", ""))] + cells)
    widths = [130, 40] + [max(50, 311 / max(len(counts), 1))] * len(counts)
    story.append(table(rows, widths, s))
    if linked:
        story.append(Para(text(t("not_shown_note", min_cell=ctx.min_cell)), s.small))
    return story


def _flag_header(t, flag: str) -> str:
    """A quality flag's column header in the report's language (surveys.quality's codes)."""
    key = f"flag_{flag}"
    return t(key) if key in t else flag.replace("_", " ")
