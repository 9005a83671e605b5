"""The shared charts: forest plot and reliable-change bars, as Drawing, in PDF and as SVG.

The data are the synthetic evaluation of analysis.report.sample (seed 2026): six sites, of
which "heerlen-noord" has 7 participants (suppressed at min_cell 10), two scales (brs:
higher is better; lonely: lower is better), three waves, intervention and comparison.
"""

import dataclasses
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, String

from analysis.charts import PALETTE, change_bars, forest_plot, to_svg
from analysis.charts.numbers import interval, number, percent
from analysis.report.sample import sample_report_inputs

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def inputs():
    return sample_report_inputs(seed=2026)


def strings(drawing: Drawing) -> list[str]:
    return [s.text for s in drawing.contents if isinstance(s, String)]


def site_row(result, site, scale="brs", group="intervention", pair=("T0", "T1")):
    table = result.site_effects
    return table[
        (table["site"] == site)
        & (table["scale"] == scale)
        & (table["group"] == group)
        & (table["wave_from"] == pair[0])
        & (table["wave_to"] == pair[1])
    ].iloc[0]


def test_forest_plot_shows_sites_pooled_and_prediction_interval(inputs):
    _, _, public = inputs
    chart = forest_plot(public, "brs", ("T0", "T1"), language="nl")
    assert isinstance(chart, Drawing)
    assert "T0" in chart.title and "T1" in chart.title and "Veerkracht" in chart.title
    pooled = public.pooled[
        (public.pooled["scale"] == "brs")
        & (public.pooled["group"] == "intervention")
        & (public.pooled["wave_to"] == "T1")
    ].iloc[0]
    texts = strings(chart)
    expected = f"{number(pooled.estimate)} {interval(pooled.ci_low, pooled.ci_high)}"
    assert expected in texts
    assert interval(pooled.pi_low, pooled.pi_high) in texts
    visible = site_row(public, "overvecht")
    assert f"{number(visible.d_z)} {interval(visible.d_z_low, visible.d_z_high)}" in texts
    assert str(int(visible.n)) in texts
    assert expected in chart.description


def test_forest_plot_says_why_a_site_is_missing_instead_of_dropping_it(inputs):
    _, raw, public = inputs
    chart = forest_plot(public, "brs", "T0-T1")
    texts = strings(chart)
    assert "Heerlen Noord" not in texts  # ids unless names are given
    assert "minder dan 10 deelnemers" in texts
    named = forest_plot(public, "brs", "T0-T1", site_names={"heerlen-noord": "Heerlen Noord"})
    assert "Heerlen Noord" in strings(named)
    hidden = site_row(raw, "heerlen-noord")
    secret = number(hidden.d_z)
    assert not any(secret in text for text in strings(named))
    assert "Heerlen Noord: minder dan 10 deelnemers." in named.description


def test_forest_plot_direction_words_follow_the_scale(inputs):
    _, _, public = inputs
    better_right = strings(forest_plot(public, "brs", ("T0", "T1"), language="en"))
    assert "improvement →" in better_right and "← deterioration" in better_right
    lower_better = strings(forest_plot(public, "lonely", ("T0", "T1"), language="en"))
    assert "deterioration →" in lower_better and "← improvement" in lower_better
    forced = strings(forest_plot(public, "lonely", ("T0", "T1"), higher_is_better=True))
    assert "verbetering →" in forced


def test_forest_plot_of_a_result_with_only_blanks_still_draws(inputs):
    _, _, public = inputs
    blank = public.site_effects.copy()
    blank[["n", "d_z", "d_z_low", "d_z_high"]] = np.nan
    pooled = public.pooled.copy()
    pooled[["estimate", "ci_low", "ci_high", "pi_low", "pi_high"]] = np.nan
    empty = dataclasses.replace(public, site_effects=blank, pooled=pooled)
    chart = forest_plot(empty, "brs", ("T0", "T2"))
    assert strings(chart).count("minder dan 10 deelnemers") >= 1
    renderPDF.drawToString(chart)  # renders without error


def test_forest_plot_rejects_an_unknown_scale(inputs):
    _, _, public = inputs
    with pytest.raises(ValueError, match="no scale"):
        forest_plot(public, "nope", ("T0", "T1"))
    chart = forest_plot(public, "brs", ("T1", "T9"))
    assert "Geen gegevens voor deze combinatie." in strings(chart)


def test_change_bars_print_shares_and_name_every_colour(inputs):
    _, raw, public = inputs
    chart = change_bars(raw, "brs", ("T0", "T1"), language="en")
    texts = strings(chart)
    for name in ("recovered", "improved", "unchanged", "deteriorated", "harmed"):
        assert name in texts  # the legend names each colour: not colour alone
    row = site_row(raw, "overvecht")
    share = percent(row.unchanged / row.n)
    assert share in texts
    assert f"unchanged {share}" in chart.description
    assert len({fill for fill, _ in PALETTE.values()}) == 5


def test_change_bars_on_a_disclosed_result(inputs):
    _, _, public = inputs
    chart = change_bars(public, "brs", ("T0", "T1"), site_names={"heerlen-noord": "Heerlen"})
    texts = strings(chart)
    assert "minder dan 10 deelnemers" in texts
    assert "< 10" in texts
    assert "niet getoond" in texts  # legend of the blanked counts
    renderPDF.drawToString(chart)


def test_change_bars_say_less_than_10_only_when_the_left_out_parts_are(inputs):
    """A part hidden to protect another site can be 10 or more: then it is "niet getoond"."""
    _, raw, _ = inputs
    row = site_row(raw, "overvecht")
    table = raw.site_effects.copy()
    at = row.name
    big = [c for c in ("unchanged", "improved", "recovered") if table.at[at, c] >= 1][:2]
    assert table.loc[at, big].sum() >= 10
    table.loc[at, big] = np.nan
    changed = dataclasses.replace(raw, site_effects=table)
    chart = change_bars(changed, "brs", ("T0", "T1"))
    line = next(x for x in chart.description.split(". ") if "vervecht" in x or "Overvecht" in x)
    assert "niet getoond" in line and "< 10" not in line


def test_secondary_suppression_is_not_called_too_few(inputs):
    _, _, public = inputs
    secondary = public.suppressed[public.suppressed["reason"].str.startswith("secondary")]
    site_rows = secondary[secondary["table"] == "site_effects"]
    if site_rows.empty:
        pytest.skip("this seed has no secondarily suppressed site row")
    chart = forest_plot(public, "brs", ("T0", "T1"))
    assert "niet getoond: zou een kleine groep verraden" in strings(chart)


@pytest.mark.parametrize("make", [forest_plot, change_bars])
def test_svg_is_well_formed_with_a_text_alternative(inputs, make):
    _, _, public = inputs
    chart = make(public, "lonely", ("T0", "T2"), language="nl")
    svg = to_svg(chart, id_prefix="lonely-t2")
    root = ET.parse(io.StringIO(svg)).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "lonely-t2-title lonely-t2-desc"
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.description
    assert len(chart.description) > 40
    assert not list(root.iter(f"{SVG}script"))
    assert "onload" not in svg and "javascript:" not in svg
    assert "font-family: DejaVuSans" not in svg
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert all(i.startswith("lonely-t2-") for i in ids)


def test_svg_rejects_an_unsafe_id_prefix(inputs):
    _, _, public = inputs
    with pytest.raises(ValueError, match="id_prefix"):
        to_svg(forest_plot(public, "brs", ("T0", "T1")), id_prefix='x" onload="y')


def test_numbers_print_the_dutch_way():
    assert number(0.4549) == "0,45"
    assert number(-0.1, 2, "en") == "−0.10"
    assert number(-0.001) == "0,00"
    assert interval(0.21, 0.68) == "[0,21; 0,68]"
    assert interval(0.21, 0.68, 2, "en") == "[0.21, 0.68]"
    assert number(float("nan")) == "–"


def test_sites_follow_the_order_of_the_names_given(inputs):
    meta, _, public = inputs
    names = {site.id: site.name for site in reversed(meta.sites)}
    texts = strings(forest_plot(public, "brs", ("T0", "T1"), site_names=names))
    shown = [t for t in texts if t in names.values()]
    assert shown == list(names.values())
