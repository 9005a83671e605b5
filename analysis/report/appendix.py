"""The appendix: one short section per site with its own figures."""

from __future__ import annotations

from reportlab.platypus import Flowable

from analysis.charts.frame import hidden_because
from analysis.charts.numbers import is_missing
from analysis.report.context import Context
from analysis.report.document import Heading, Para, table, text


def appendix_section(ctx: Context) -> list[Flowable]:
    """Per site: where it is, and per scale x group x wave pair its n, means and d_z."""
    t, s, result = ctx.texts, ctx.styles, ctx.result
    story: list[Flowable] = [Heading(t("appendix"), s.h1, 0, ctx.key())]
    effects = result.site_effects
    for site in ctx.meta.sites:
        story.append(Heading(site.name, s.h2, 1, ctx.key()))
        details = t(
            "site_details",
            municipality=site.municipality,
            area=site.area,
            organisation=site.organisation,
        ).strip(" ·")
        if details:
            story.append(Para(text(details), s.small))
        rows_here = effects[effects["site"] == site.id]
        if rows_here.empty or rows_here["n"].isna().all():
            reasons = {hidden_because(result, r) for r in rows_here.itertuples(index=False)}
            key = "site_hidden" if reasons <= {"too_few"} else "secondary"
            story.append(Para(text(t(key, min_cell=ctx.min_cell)), s.body))
            continue
        lines = [[t("scale"), t("group"), t("waves"), t("pairs"), t("pre"), t("post"), t("d_z")]]
        spans = []
        for row in rows_here.itertuples(index=False):
            if is_missing(row.n):
                reason = hidden_because(result, row)
                spans.append((len(lines), 4))
                lines.append([ctx.scale_name(row.scale), t(row.group),
                              f"{row.wave_from}–{row.wave_to}",
                              ctx.hidden if reason == "too_few" else "–",
                              t(reason, min_cell=ctx.min_cell), "", ""])  # fmt: skip
                continue
            lines.append(
                [
                    ctx.scale_name(row.scale),
                    t(row.group),
                    f"{row.wave_from}–{row.wave_to}",
                    ctx.count(row.n),
                    ctx.mean_sd(row.mean_pre, row.sd_pre),
                    ctx.mean_sd(row.mean_post, row.sd_post),
                    ctx.estimate_ci(row.d_z, row.d_z_low, row.d_z_high),
                ]
            )
        story.append(table(lines, [110, 80, 45, 35, 65, 65, 81], s, spans=tuple(spans)))
    return story
