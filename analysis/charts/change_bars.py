"""Reliable-change bars: per site the share of participants recovered ... harmed."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from reportlab.graphics.shapes import Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from analysis.charts.frame import (
    WIDTH,
    Chart,
    fit,
    fonts,
    hidden_because,
    in_site_order,
    pooled_row,
    scale_label,
    site_label,
    site_rows,
    wave_pair_of,
)
from analysis.charts.numbers import count, is_missing, percent, suppressed
from analysis.charts.texts import chart_text
from analysis.disclosure import row_hidden_because
from analysis.reliable_change import CATEGORIES
from analysis.results import EvaluationResult

#: Okabe & Ito (2008) colours, safe for the common colour-vision deficiencies; the text
#: colour on each keeps a contrast of at least 4.5:1.
PALETTE: dict[str, tuple[str, str]] = {
    "recovered": ("#0072B2", "#ffffff"),
    "improved": ("#56B4E9", "#000000"),
    "unchanged": ("#E0E0E0", "#000000"),
    "deteriorated": ("#E69F00", "#000000"),
    "harmed": ("#D55E00", "#000000"),
}
HIDDEN_FILL = colors.HexColor("#ffffff")
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#595959")

ROW = 18.0
LABEL_W = 128.0
BAR_X0, BAR_X1 = 136.0, 430.0
N_X = WIDTH


def change_bars(
    result: EvaluationResult,
    scale: str,
    wave_pair: tuple[str, str] | str,
    *,
    group: str = "intervention",
    language: str = "nl",
    site_names: Mapping[str, str] | None = None,
) -> Chart:
    """Stacked bars of reliable change per site and for all sites together.

    Parameters
    ----------
    result : EvaluationResult
        Preferably disclosed: a blanked site shows as "fewer than min_cell participants";
        blanked counts of a site show together as one white "not shown" part.
    scale : str
        Scale id, a key of ``result.scales``.
    wave_pair : tuple of str or str
        ``("T0", "T1")`` or ``"T0-T1"``.
    group : {"intervention", "comparison"}, default "intervention"
    language : {"nl", "en"}, default "nl"
    site_names : mapping of str to str, optional
        Display names by site id (default: the ids); sites are drawn in its order.

    Returns
    -------
    Chart
        A :class:`reportlab.graphics.shapes.Drawing` with ``title`` and ``description``.

    Notes
    -----
    Categories of Jacobson & Truax (1991), see :func:`analysis.reliable_change`, always in
    the order recovered, improved, unchanged, deteriorated, harmed from left to right. Each
    part wide enough carries its percentage, and the legend names every colour, so the
    chart never relies on colour alone (WCAG 2.1, 1.4.1).

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance. *J Consult Clin Psychol*,
    59, 12-19.
    Okabe, M., & Ito, K. (2008). *Color universal design*. https://jfly.uni-koeln.de/color/
    """
    regular, bold = fonts()
    pair = wave_pair_of(wave_pair)
    rows = in_site_order(site_rows(result, scale, pair, group), site_names)
    pooled = pooled_row(result, scale, pair, group)
    min_cell = result.min_cell or 10
    title = chart_text(
        language,
        "bars_title",
        scale=scale_label(result, scale),
        wave_from=pair[0],
        wave_to=pair[1],
        group=chart_text(language, group),
    )
    entries = [(site_label(row["site"], site_names), row, False) for row in rows.to_dict("records")]
    if pooled is not None:
        entries.append((chart_text(language, "pooled"), pooled.to_dict(), True))

    legend = [(chart_text(language, c), *PALETTE[c]) for c in CATEGORIES]
    legend.append((chart_text(language, "not_shown"), "#ffffff", "#000000"))
    legend_lines = _legend_layout(legend, regular)
    top = 14.0 * len(legend_lines) + 16
    height = top + max(len(entries), 1) * ROW + 6
    chart = Chart(WIDTH, height, title=title, description="")

    y = height - 12
    for line in legend_lines:
        for x, (name, fill, _) in line:
            chart.add(
                Rect(
                    x,
                    y - 1,
                    9,
                    9,
                    fillColor=colors.HexColor(fill),
                    strokeColor=MUTED,
                    strokeWidth=0.4,
                )
            )
            chart.add(String(x + 12, y, name, fontName=regular, fontSize=7.5, fillColor=INK))
        y -= 14
    y -= 2
    chart.add(String(N_X, y, "n", fontName=bold, fontSize=8, textAnchor="end"))

    lines = []
    for name, row, is_total in entries:
        y -= ROW
        middle = y + ROW / 2
        font = bold if is_total else regular
        chart.add(
            String(
                0, middle - 3, fit(name, LABEL_W, font, 8), fontName=font, fontSize=8, fillColor=INK
            )
        )
        if is_total:
            chart.add(Line(0, y + ROW, WIDTH, y + ROW, strokeColor=MUTED, strokeWidth=0.4))
        n = row["n"]
        if is_missing(n) or float(n) <= 0:
            reason = (
                row_hidden_because(result, "pooled", row)
                if is_total
                else hidden_because(result, row)
            )
            note = chart_text(language, reason, min_cell=min_cell)
            chart.add(
                String(BAR_X0, middle - 3, note, fontName=regular, fontSize=7.5, fillColor=MUTED)
            )
            chart.add(
                String(
                    N_X,
                    middle - 3,
                    suppressed(min_cell) if reason == "too_few" else "–",
                    fontName=regular,
                    fontSize=8,
                    fillColor=MUTED,
                    textAnchor="end",
                )
            )
            lines.append(f"{name}: {note}.")
            continue
        n = float(n)
        chart.add(
            String(
                N_X,
                middle - 3,
                count(n),
                fontName=font,
                fontSize=8,
                fillColor=INK,
                textAnchor="end",
            )
        )
        x = BAR_X0
        parts = []
        known = 0.0
        # A left-out part is "< 10" only when all left-out parts together are: one hidden to
        # protect another site may be larger, and then it is just "not shown".
        rest = n - sum(float(row[c]) for c in CATEGORIES if not is_missing(row[c]))
        blank = suppressed(min_cell) if rest < min_cell else chart_text(language, "not_shown")
        for category in CATEGORIES:
            value = row[category]
            if is_missing(value):
                parts.append(f"{chart_text(language, category)} {blank}")
                continue
            value = float(value)
            known += value
            share = value / n
            parts.append(f"{chart_text(language, category)} {percent(share)}")
            width = share * (BAR_X1 - BAR_X0)
            if width <= 0:
                continue
            fill, ink = PALETTE[category]
            chart.add(
                Rect(
                    x,
                    middle - 6,
                    width,
                    12,
                    fillColor=colors.HexColor(fill),
                    strokeColor=colors.white,
                    strokeWidth=0.5,
                )
            )
            label = percent(share)
            if stringWidth(label, regular, 7) + 4 <= width:
                chart.add(
                    String(
                        x + width / 2,
                        middle - 2.5,
                        label,
                        fontName=regular,
                        fontSize=7,
                        fillColor=colors.HexColor(ink),
                        textAnchor="middle",
                    )
                )
            x += width
        rest = max(n - known, 0.0)
        if rest > 0 and np.isfinite(rest):
            width = rest / n * (BAR_X1 - BAR_X0)
            chart.add(
                Rect(
                    x,
                    middle - 6,
                    width,
                    12,
                    fillColor=HIDDEN_FILL,
                    strokeColor=MUTED,
                    strokeWidth=0.5,
                    strokeDashArray=[2, 1.5],
                )
            )
        lines.append(f"{name} (n = {count(n)}): " + ", ".join(parts) + ".")
    if not entries:
        chart.add(
            String(
                0,
                y - ROW + 5,
                chart_text(language, "no_data"),
                fontName=regular,
                fontSize=8,
                fillColor=MUTED,
            )
        )
    chart.description = chart_text(language, "bars_desc", rows=" ".join(lines))
    return chart


def _legend_layout(
    legend: list[tuple[str, str, str]], font: str
) -> list[list[tuple[float, tuple[str, str, str]]]]:
    """Legend entries placed left to right, wrapping to a new line when the width is used."""
    lines: list[list[tuple[float, tuple[str, str, str]]]] = [[]]
    x = 0.0
    for entry in legend:
        width = 12 + stringWidth(entry[0], font, 7.5) + 14
        if x + width > WIDTH and lines[-1]:
            lines.append([])
            x = 0.0
        lines[-1].append((x, entry))
        x += width
    return lines
