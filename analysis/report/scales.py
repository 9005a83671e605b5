"""Results per scale: a forest plot and change bars per wave pair, and the per-site table."""

from __future__ import annotations

from reportlab.platypus import Flowable

from analysis.charts import change_bars, forest_plot
from analysis.charts.frame import hidden_because, in_site_order
from analysis.charts.numbers import is_missing
from analysis.report.context import Context
from analysis.report.document import Heading, Para, figure, table, text

SITE_WIDTHS = [92, 34, 60, 60, 86, 86, 38, 44]


def site_table(ctx: Context, scale: str, pair: tuple[str, str], group: str) -> list[Flowable]:
    """Per site: pairs, pre and post mean (SD), d_z and g_av with CI, p and adjusted p."""
    t, s = ctx.texts, ctx.styles
    effects = ctx.result.site_effects
    rows = effects[
        (effects["scale"] == scale)
        & (effects["group"] == group)
        & (effects["wave_from"] == pair[0])
        & (effects["wave_to"] == pair[1])
    ]
    if rows.empty:
        return []
    rows = in_site_order(rows, ctx.site_names())
    header = [t("site"), t("pairs"), t("pre"), t("post"), t("d_z"), t("g_av"), t("p"),
              t("p_adj")]  # fmt: skip
    lines = [header]
    spans = []
    for row in rows.itertuples(index=False):
        name = ctx.site_name(row.site)
        if is_missing(row.n):
            reason = hidden_because(ctx.result, row)
            shown = ctx.hidden if reason == "too_few" else "–"
            spans.append((len(lines), 2))
            lines.append([name, shown, t(reason, min_cell=ctx.min_cell), "", "", "", "", ""])
            continue
        lines.append(
            [
                name,
                ctx.count(row.n),
                ctx.mean_sd(row.mean_pre, row.sd_pre),
                ctx.mean_sd(row.mean_post, row.sd_post),
                _d_z(ctx, row),
                _g_av(ctx, row),
                ctx.p(row.p),
                ctx.p(row.p_adjusted),
            ]
        )
    caption = t("site_table", group=t(group), wave_from=pair[0], wave_to=pair[1])
    return [Para(text(caption), s.h3), table(lines, SITE_WIDTHS, s, spans=tuple(spans))]


def _d_z(ctx: Context, row: object) -> str:
    """d_z with its interval; where everyone changed alike (d_z undefined) it says so."""
    if getattr(row, "constant_change", False) == 1 and not is_missing(row.mean_diff):
        return ctx.texts("site_same_change", change=ctx.num(row.mean_diff))
    if is_missing(row.d_z):
        return "–"  # a shown row: d_z was not computed, nothing was left out
    return ctx.estimate_ci(row.d_z, row.d_z_low, row.d_z_high)


def _g_av(ctx: Context, row: object) -> str:
    """g_av with an interval: the d_z limits rescaled to d_av, times Hedges' J (Lakens 2013)."""
    g, d_av, d_z = row.g_av, row.d_av, row.d_z
    if is_missing(g):
        return "–"  # a shown row: g_av was not computed ("< 10" would be false)
    if is_missing(d_av) or is_missing(d_z) or d_z == 0 or is_missing(row.d_z_low):
        return ctx.num(g)
    # d_av = d_z * sd_diff / mean sd, so the interval of d_z maps onto d_av by that ratio
    ratio = g / d_z
    low, high = sorted((row.d_z_low * ratio, row.d_z_high * ratio))
    return f"{ctx.num(g)} {ctx.interval(low, high)}"


def scale_sections(ctx: Context) -> list[Flowable]:
    """Per scale: for each wave pair the forest plot, the change bars and the site table."""
    t, s, result = ctx.texts, ctx.styles, ctx.result
    story: list[Flowable] = [Heading(t("results"), s.h1, 0, ctx.key())]
    names = ctx.site_names()
    groups = [
        g for g in ("intervention", "comparison") if (result.site_effects["group"] == g).any()
    ]
    for scale in result.scales:
        story.append(Heading(ctx.scale_name(scale), s.h2, 1, ctx.key()))
        for pair in ctx.wave_pairs():
            if not (
                (result.site_effects["scale"] == scale)
                & (result.site_effects["wave_from"] == pair[0])
                & (result.site_effects["wave_to"] == pair[1])
            ).any():
                continue
            story.append(Heading(f"{pair[0]} → {pair[1]}", s.h3, 2, ctx.key()))
            forest = forest_plot(
                result, scale, pair, language=ctx.language, site_names=names,
                higher_is_better=ctx.higher_is_better(scale),
            )  # fmt: skip
            story.append(figure(forest, forest.title, s))
            bars = change_bars(result, scale, pair, language=ctx.language, site_names=names)
            story.append(figure(bars, bars.title, s))
            for group in groups:
                story += site_table(ctx, scale, pair, group)
    return story
