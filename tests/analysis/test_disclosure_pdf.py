"""The PDF report read back as an attacker would: it prints no count beyond the disclosed
result, and the counts it prints fix none it leaves blank.

Issue 24, part 3: "Also the PDF text ... that the ministry can download". For the three
cases the statistical review recovered exactly (tests/analysis/test_disclosure_linked.py)
and a few generated programmes, the disclosed result is rendered, its text is read back
(tests/analysis/pdf_read_back.py: forest and reliable-change charts, per-site tables, key
figures, comparison tables, response and attrition, dropouts versus completers, the
summary's number of participants), each printed count is named as its cell, and the
attacker's checker (tests/analysis/disclosure_check.py) solves every linear relation
between the tables for the cells the PDF leaves blank.
"""

import dataclasses
import shutil

import numpy as np
import pytest

from analysis import disclose, evaluate
from analysis.charts.numbers import percent
from analysis.report import build_report
from analysis.report.meta import SiteInfo
from analysis.report.sample import sample_report_inputs
from tests.analysis.conftest import SCALES
from tests.analysis.disclosure_check import (
    CATEGORIES,
    KEYS,
    determined_cells,
    published_cells,
    result_relations,
    tables_of,
)
from tests.analysis.pdf_read_back import pdf_text, read_back
from tests.analysis.test_disclosure_linked import REVIEW_CASES, programme, scores_of

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDF's text"
)
WAVE_NAMES = ("voormeting", "nameting", "vervolgmeting")
#: generated programmes with two or more sites and something printed (seeds of programme())
SEEDS = (2, 3, 5, 8, 13)


def review_case(case: str):
    """Scores, design, waves, scales and min_cell of a case of the review (a, b or c)."""
    sites, design, waves = REVIEW_CASES[case]
    keep = {(s, "intervention"): k for s, k in (("a", 18), ("b", 17), ("c", 26))}
    scores = scores_of(sites, waves=waves, keep=keep if case == "b" else None)
    return scores, design, waves, SCALES, 10


def generated(seed: int):
    """The same for a generated programme (min_cell 5, the floor, for every fourth seed)."""
    scores, design, waves, scales = programme(seed)
    return scores, design, waves, scales, 5 if seed % 4 == 0 else 10


@pytest.fixture(scope="module")
def base_meta():
    """A report's metadata; sites, waves and scales are replaced for each programme."""
    meta, _, _ = sample_report_inputs(sites=2, scales=1, waves=2, per_site=20, seed=1)
    return meta


def render(base_meta, scores, design, waves, scales, min_cell):
    """The raw and disclosed result, the PDF's text, and the site and scale names it uses."""
    raw = evaluate(scores, design, scales, waves=list(waves), mixed=False)
    public = disclose(raw, min_cell=min_cell)
    site_ids = sorted(scores["site"].unique())
    names = {f"Locatie {chr(ord('A') + i)}": site for i, site in enumerate(site_ids)}
    meta = dataclasses.replace(
        base_meta,
        design=design,
        sites=tuple(SiteInfo(id=site, name=name) for name, site in names.items()),
        waves=tuple(zip(waves, WAVE_NAMES, strict=False)),
        quality=None,
        instruments=(),
        scale_info=dict(scales),
        min_cell=min_cell,
    )
    text = pdf_text(build_report(public, meta))
    return raw, public, text, names, {info.label: k for k, info in scales.items()}


def expected_cells(public) -> set:
    """The count cells the report prints somewhere (the read-back must name all of them)."""
    tables, _ = tables_of(public)
    keys = {name: [tuple(str(r[k]) for k in KEYS[name]) for _, r in frame.iterrows()]
            for name, frame in tables.items()}  # fmt: skip
    cells = {("site_effects", k, "n") for k in keys["site_effects"]}
    cells |= {("pooled", k, "n") for k in keys["pooled"] if k[1] == "intervention"}
    cells |= {("comparison", k, c) for k in keys["comparison"]
              for c in ("n_intervention", "n_comparison")}  # fmt: skip
    cells |= {("attrition", k, c) for k in keys["attrition"]
              for c in ("n_baseline", "n_retained", "n_dropped")}  # fmt: skip
    cells |= {("attrition_baseline", k, c) for k in keys["attrition_baseline"]
              for c in ("n_completers", "n_dropouts")}  # fmt: skip
    return cells | {("n_participants", (), "n_participants")}


def audit_pdf(raw, public, text, sites, scales):
    """Read the PDF back and check it against the disclosed result; the read-back."""
    read = read_back(text, sites, scales)
    assert not read.conflicts, f"one cell printed with two values: {read.conflicts[:3]}"
    tables, n_participants = tables_of(public)
    shown, hidden = published_cells(tables, n_participants)
    # (1) the PDF prints nothing beyond the disclosed result
    for cell, value in read.known.items():
        assert cell in shown, f"the PDF prints {value:g} for {cell}, blank or absent in the result"
        assert value == shown[cell], f"the PDF prints {value:g} for {cell}, not {shown[cell]:g}"
    missing = expected_cells(public) - set(read.known) - read.blank
    assert not missing, f"not read back (parser or report): {sorted(missing)[:4]}"
    # the reliable-change percentages: each is a shown category's count over the row's n
    for cell, shares in read.percents.items():
        table, key, _ = cell
        row = tables[table]
        match = np.ones(len(row), dtype=bool)
        for name, v in zip(KEYS[table], key, strict=True):
            match &= row[name].astype(str).to_numpy() == v
        (i,) = np.flatnonzero(match)
        n = row["n"].iloc[i]
        allowed = {percent(row[c].iloc[i] / n) for c in CATEGORIES
                   if np.isfinite(float(row[c].iloc[i])) and np.isfinite(float(n))}  # fmt: skip
        assert set(shares) <= allowed, f"{cell}: {shares} printed, shown counts give {allowed}"
    attrition = tables["attrition"]
    for key, printed in read.retention.items():
        share = attrition.set_index(["site", "group", "wave"]).loc[key, "retention"]
        if printed and printed.endswith("%"):
            assert printed == percent(share), f"retention of {key}: {printed}, not {share}"
    # the summary's retention: completers over starters of a shown dropouts-table row
    baseline = tables["attrition_baseline"]
    baseline = baseline[baseline["group"] == "intervention"]
    pairs = zip(baseline["n_completers"], baseline["n_dropouts"], strict=True)
    totals = {percent(k / (k + d)) for k, d in pairs if np.isfinite(float(k + d))}
    assert set(read.overall) <= totals, f"retention {read.overall} printed, shown give {totals}"
    # (2) nothing the PDF leaves blank follows from what it prints
    relations = result_relations(raw, tables)
    fixed = determined_cells(read.known, relations)
    leaks = {cell: v for cell, v in fixed.items() if cell in read.blank or cell in hidden}
    assert not leaks, f"blank in the PDF, fixed by its printed counts: {list(leaks.items())[:3]}"
    return read


@pytest.mark.parametrize("case", sorted(REVIEW_CASES))
def test_the_review_cases_read_back_from_the_pdf(base_meta, case):
    read = audit_pdf(*render(base_meta, *review_case(case)))
    assert len(read.known) >= 6 and len(read.known) + len(read.blank) >= 20


@pytest.mark.parametrize("seed", SEEDS)
def test_a_generated_programme_read_back_from_the_pdf(base_meta, seed):
    read = audit_pdf(*render(base_meta, *generated(seed)))
    assert len(read.known) >= 6 and len(read.known) + len(read.blank) >= 10


def test_the_read_back_catches_a_pdf_of_the_undisclosed_result(base_meta):
    """The check itself: the report of the raw result of review case (c) prints the site of
    5 and the pooled n, which the disclosed result leaves blank."""
    raw, public, text, sites, scales = render(base_meta, *review_case("c"))
    meta = dataclasses.replace(
        base_meta,
        sites=tuple(SiteInfo(id=site, name=name) for name, site in sites.items()),
        quality=None, instruments=(), scale_info=dict(SCALES),
    )  # fmt: skip
    # build_report refuses a result that has not been through disclose(): claim it has
    leaky = pdf_text(build_report(dataclasses.replace(raw, min_cell=10), meta))
    with pytest.raises(AssertionError, match="blank or absent in the result"):
        audit_pdf(raw, public, leaky, sites, scales)
    read = read_back(leaky, sites, scales)
    site_of_5 = ("site_effects", ("brs", "c", "intervention", "T0", "T1"), "n")
    assert read.known[site_of_5] == 5
    # and had the PDF printed site a's 40 and the pooled 85 (a + b + c), the site of 1
    # would follow: 86 participants - 40 - (85 - 40) (each site's baseline is its n here)
    known = read_back(text, sites, scales).known
    known[("site_effects", ("brs", "a", "intervention", "T0", "T1"), "n")] = 40.0
    known[("pooled", ("brs", "intervention", "T0", "T1"), "n")] = 85.0
    fixed = determined_cells(known, result_relations(raw, tables_of(public)[0]))
    assert fixed[("site_effects", ("brs", "d", "intervention", "T0", "T1"), "n")] == 1
