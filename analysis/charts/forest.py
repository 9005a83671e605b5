"""The forest plot: each site's paired effect d_z with its interval, and all sites pooled."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from reportlab.graphics.shapes import Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from analysis.charts.frame import (
    WIDTH,
    Chart,
    fit,
    fonts,
    hidden_because,
    in_site_order,
    nice_ticks,
    pooled_row,
    scale_direction,
    scale_label,
    site_label,
    site_rows,
    wave_pair_of,
)
from analysis.charts.numbers import count, interval, is_missing, number, suppressed
from analysis.charts.texts import chart_text
from analysis.results import EvaluationResult

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#595959")  # 7:1 on white
SITE = colors.HexColor("#0b4f8a")
POOLED = colors.HexColor("#8a1c0b")
GRID = colors.HexColor("#c8c8c8")

ROW = 16.0
LABEL_W = 128.0
PLOT_X0, PLOT_X1 = 136.0, 352.0
N_X = 372.0  # right edge of the n column
TEXT_X = 380.0


def forest_plot(
    result: EvaluationResult,
    scale: str,
    wave_pair: tuple[str, str] | str,
    *,
    group: str = "intervention",
    language: str = "nl",
    site_names: Mapping[str, str] | None = None,
    higher_is_better: bool | None = None,
) -> Chart:
    """A forest plot of one scale x wave pair: the sites' d_z, pooled, and where a new site lies.

    Parameters
    ----------
    result : EvaluationResult
        Preferably disclosed (:func:`analysis.disclose`); blanked sites show as
        "fewer than min_cell participants" instead of being dropped.
    scale : str
        Scale id, a key of ``result.scales``.
    wave_pair : tuple of str or str
        ``("T0", "T1")`` or ``"T0-T1"``.
    group : {"intervention", "comparison"}, default "intervention"
    language : {"nl", "en"}, default "nl"
    site_names : mapping of str to str, optional
        Display names by site id (default: the ids); sites are drawn in its order.
    higher_is_better : bool, optional
        Direction of the scale; by default taken from ``result`` (see
        ``site_effects.improvement``).

    Returns
    -------
    Chart
        A :class:`reportlab.graphics.shapes.Drawing` with ``title`` and ``description``;
        put it in a PDF story as a flowable or turn it into SVG with :func:`to_svg`.

    Notes
    -----
    A square per site marks ``d_z`` (size grows with the site's n), its line the exact
    confidence interval; the diamond spans the random-effects pooled estimate's interval
    and the bar below it the prediction interval: where the effect of a new, similar site
    would fall (Higgins, Thompson & Spiegelhalter 2009). The vertical line is "no change".

    References
    ----------
    Higgins, J. P. T., Thompson, S. G., & Spiegelhalter, D. J. (2009). A re-evaluation of
    random-effects meta-analysis. *JRSS A*, 172, 137-159.

    Examples
    --------
    >>> chart = forest_plot(public, "brs", ("T0", "T1"), language="en")  # doctest: +SKIP
    >>> svg = to_svg(chart)  # doctest: +SKIP
    """
    regular, bold = fonts()
    pair = wave_pair_of(wave_pair)
    rows = in_site_order(site_rows(result, scale, pair, group), site_names)
    pooled = pooled_row(result, scale, pair, group)
    min_cell = result.min_cell or 10
    label = scale_label(result, scale)
    title = chart_text(
        language,
        "forest_title",
        scale=label,
        wave_from=pair[0],
        wave_to=pair[1],
        group=chart_text(language, group),
    )

    has_pooled = pooled is not None and not is_missing(pooled["estimate"])
    has_pi = has_pooled and not is_missing(pooled.get("pi_low"))
    n_rows = len(rows) + (1 if has_pooled else 0) + (1 if has_pi else 0)
    top = 18.0  # column headings
    axis = 44.0  # axis, ticks and the direction words
    height = top + max(n_rows, 1) * ROW + 8 + axis

    values = [0.0]
    for column in ("d_z", "d_z_low", "d_z_high"):
        values += [v for v in rows[column].to_numpy(dtype=float) if np.isfinite(v)]
    if has_pooled:
        for column in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high"):
            if not is_missing(pooled.get(column)):
                values.append(float(pooled[column]))
    low, high = min(values), max(values)
    pad = max((high - low) * 0.05, 0.05)
    ticks = nice_ticks(low - pad, high + pad)
    x_low, x_high = min(ticks[0], low - pad), max(ticks[-1], high + pad)

    def x_of(value: float) -> float:
        return PLOT_X0 + (value - x_low) / (x_high - x_low) * (PLOT_X1 - PLOT_X0)

    lines: list[str] = []
    chart = Chart(WIDTH, height, title=title, description="")
    y_top = height - top
    chart.add(String(0, y_top + 5, chart_text(language, "site"), fontName=bold, fontSize=8))
    chart.add(String(N_X, y_top + 5, "n", fontName=bold, fontSize=8, textAnchor="end"))
    chart.add(
        String(TEXT_X, y_top + 5, chart_text(language, "estimate"), fontName=bold, fontSize=8)
    )
    y_bottom = y_top - n_rows * ROW - 4
    chart.add(Line(x_of(0), y_top, x_of(0), y_bottom, strokeColor=MUTED, strokeWidth=0.8))

    n_known = rows["n"].to_numpy(dtype=float)
    n_max = np.nanmax(n_known) if np.isfinite(n_known).any() else 1.0
    y = y_top
    for row in rows.itertuples(index=False):
        y -= ROW
        middle = y + ROW / 2
        name = site_label(row.site, site_names)
        _row_text(chart, middle, regular, label=name)
        if is_missing(row.d_z):
            reason = hidden_because(result, row)
            note = chart_text(language, reason, min_cell=min_cell)
            blank = suppressed(min_cell) if reason == "too_few" else "–"
            note_width = stringWidth(note, regular, 7.5) + 6
            chart.add(  # a white ground, so the zero line does not cross the words
                Rect(
                    (PLOT_X0 + PLOT_X1 - note_width) / 2,
                    middle - 5,
                    note_width,
                    11,
                    fillColor=colors.white,
                    strokeColor=None,
                )
            )
            chart.add(
                String(
                    (PLOT_X0 + PLOT_X1) / 2,
                    middle - 3,
                    note,
                    fontName=regular,
                    fontSize=7.5,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
            _row_text(chart, middle, regular, n=blank, estimate=blank, color=MUTED)
            lines.append(f"{name}: {note}.")
            continue
        if not (is_missing(row.d_z_low) or is_missing(row.d_z_high)):
            chart.add(
                Line(
                    x_of(row.d_z_low),
                    middle,
                    x_of(row.d_z_high),
                    middle,
                    strokeColor=SITE,
                    strokeWidth=1.2,
                )
            )
        size = 3 + 4 * np.sqrt(float(row.n) / n_max)
        chart.add(
            Rect(
                x_of(row.d_z) - size / 2,
                middle - size / 2,
                size,
                size,
                fillColor=SITE,
                strokeColor=None,
            )
        )
        estimate = (
            f"{number(row.d_z, 2, language)} {interval(row.d_z_low, row.d_z_high, 2, language)}"
        )
        _row_text(chart, middle, regular, n=count(row.n), estimate=estimate)
        lines.append(f"{name}: n = {count(row.n)}, d_z = {estimate}.")

    if has_pooled:
        y -= ROW
        middle = y + ROW / 2
        chart.add(Line(0, y + ROW, WIDTH, y + ROW, strokeColor=GRID, strokeWidth=0.5))
        pooled_name = chart_text(language, "pooled")
        _row_text(chart, middle, bold, label=pooled_name)
        est, lo, hi = (float(pooled[c]) for c in ("estimate", "ci_low", "ci_high"))
        chart.add(
            Polygon(
                [x_of(lo), middle, x_of(est), middle + 5, x_of(hi), middle, x_of(est), middle - 5],
                fillColor=POOLED,
                strokeColor=POOLED,
                strokeWidth=0.5,
            )
        )
        estimate = f"{number(est, 2, language)} {interval(lo, hi, 2, language)}"
        _row_text(chart, middle, bold, n=count(pooled["n"]), estimate=estimate)
        lines.append(f"{pooled_name}: n = {count(pooled['n'])}, d_z = {estimate}.")
    if has_pi:
        y -= ROW
        middle = y + ROW / 2
        name = chart_text(language, "prediction")
        _row_text(chart, middle, regular, label=name)
        lo, hi = float(pooled["pi_low"]), float(pooled["pi_high"])
        chart.add(Line(x_of(lo), middle, x_of(hi), middle, strokeColor=POOLED, strokeWidth=1.5))
        for end in (lo, hi):
            chart.add(
                Line(
                    x_of(end),
                    middle - 3,
                    x_of(end),
                    middle + 3,
                    strokeColor=POOLED,
                    strokeWidth=1.5,
                )
            )
        text = interval(lo, hi, 2, language)
        _row_text(chart, middle, regular, estimate=text)
        lines.append(f"{name}: {text}.")
    if not len(rows):
        chart.add(
            String(
                0,
                y_top - ROW + 5,
                chart_text(language, "no_data"),
                fontName=regular,
                fontSize=8,
                fillColor=MUTED,
            )
        )

    axis_y = y_bottom
    chart.add(Line(PLOT_X0, axis_y, PLOT_X1, axis_y, strokeColor=INK, strokeWidth=0.6))
    for tick in ticks:
        if x_low - 1e-9 <= tick <= x_high + 1e-9:
            chart.add(
                Line(x_of(tick), axis_y, x_of(tick), axis_y - 3, strokeColor=INK, strokeWidth=0.6)
            )
            chart.add(
                String(
                    x_of(tick),
                    axis_y - 12,
                    number(tick, 1, language),
                    fontName=regular,
                    fontSize=7.5,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
    direction = scale_direction(result, scale, higher_is_better)
    if direction is not None:
        right, left = ("better", "worse") if direction else ("worse", "better")
        word_right = chart_text(language, "favours_right", word=chart_text(language, right))
        word_left = chart_text(language, "favours_left", word=chart_text(language, left))
        chart.add(
            String(
                x_of(0) + 4,
                axis_y - 24,
                word_right,
                fontName=regular,
                fontSize=7.5,
                fillColor=MUTED,
            )
        )
        chart.add(
            String(
                x_of(0) - 4,
                axis_y - 24,
                word_left,
                fontName=regular,
                fontSize=7.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
        lines.append(f"{word_left} / {word_right}")
    chart.add(
        String(
            (PLOT_X0 + PLOT_X1) / 2,
            axis_y - 36,
            chart_text(language, "axis"),
            fontName=regular,
            fontSize=7.5,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    chart.description = chart_text(language, "forest_desc", rows=" ".join(lines))
    return chart


def _row_text(chart, middle: float, font: str, *, label=None, n=None, estimate=None, color=INK):
    """The text columns of one row: the label (cut to fit), n (right-aligned), the estimate."""
    if label is not None:
        chart.add(
            String(
                0,
                middle - 3,
                fit(label, LABEL_W, font, 8),
                fontName=font,
                fontSize=8,
                fillColor=INK,
            )
        )
    if n is not None:
        chart.add(
            String(N_X, middle - 3, n, fontName=font, fontSize=8, fillColor=color, textAnchor="end")
        )
    if estimate is not None:
        chart.add(String(TEXT_X, middle - 3, estimate, fontName=font, fontSize=8, fillColor=color))
