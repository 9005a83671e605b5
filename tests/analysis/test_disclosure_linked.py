"""disclose() by brute force: no blank count of any table follows from the published counts.

Every generated programme is evaluated, disclosed, and audited by tests/analysis/
disclosure_check.py, which writes down every linear relation between the counts of all
tables (sums to totals and "all" rows, pooled sums over the pooled sites only, the same
number in two tables, retained + dropped = baseline, retention x baseline = retained,
degrees of freedom, and the relations that hold when no score is missing wherever they
hold) and solves for the blank cells (a blank cell is determined when its unit vector is
in the row space of the relations restricted to the blank cells). The three cases the
statistical review of issue 24 recovered exactly come first.
"""

import json

import numpy as np
import pandas as pd
import pytest

from analysis import disclose, evaluate
from analysis.disclosure import KEYS, suppression_kinds
from tests.analysis.conftest import SCALES
from tests.analysis.disclosure_check import (
    audit,
    determined_cells,
    intervals,
    published_cells,
    result_relations,
    tables_of,
)

MIN_CELL = 10


def scores_of(sites: dict[str, tuple[int, int]], *, waves=("T0", "T1"), keep=None, seed=1):
    """A long score table: site -> (intervention, comparison) participants, two scales.

    ``keep`` maps (site, group) to how many are still there at every later wave (all by
    default); scores are random, so only the counts matter.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for site, sizes in sites.items():
        for group, size in zip(("intervention", "comparison"), sizes, strict=True):
            stay = size if keep is None else keep.get((site, group), size)
            for p in range(size):
                for w, wave in enumerate(waves):
                    if w > 0 and p >= stay:
                        continue
                    for scale in ("brs", "lonely"):
                        rows.append((f"{site}-{group}-{p}", site, group, wave, scale,
                                     3 + 0.3 * w + rng.normal(0, 0.6)))  # fmt: skip
    return pd.DataFrame(rows, columns=["participant", "site", "group", "wave", "scale", "score"])


def assert_nothing_recoverable(raw, public):
    leaks = audit(public, raw)
    assert not leaks, f"{len(leaks)} blank counts can be worked out, e.g. {list(leaks.items())[:3]}"
    as_json = json.loads(json.dumps(public.to_dict(), allow_nan=False))
    assert not audit(as_json, raw)
    known, _ = published_cells(*tables_of(public))
    small = {cell: v for cell, v in known.items() if 0 < v < MIN_CELL and cell[2][:2] != "df"}
    assert not small, f"published small counts: {list(small.items())[:3]}"


def test_the_comparison_all_row_does_not_give_away_a_small_group():
    """Review case (a): "all" minus the shown sites gave a suppressed site's n per group,
    which also undid the site table's secondary suppression (comparison n = site n)."""
    scores = scores_of({"a": (30, 30), "b": (25, 28), "c": (30, 6)})
    raw = evaluate(scores, "pre_post_comparison", SCALES, mixed=False)
    public = disclose(raw, min_cell=MIN_CELL)
    assert_nothing_recoverable(raw, public)
    small = public.comparison[public.comparison["site"] == "c"]
    assert small["n_comparison"].isna().all()
    assert public.comparison.loc[public.comparison["site"] == "all", "ancova_effect"].notna().all()


def test_the_attrition_total_does_not_give_away_a_site_s_dropouts():
    """Review case (b): attrition_baseline's dropouts minus the shown sites' dropouts."""
    scores = scores_of(
        {"a": (30, 0), "b": (30, 0), "c": (30, 0)},
        waves=("T0", "T1", "T2"),
        keep={("a", "intervention"): 18, ("b", "intervention"): 17, ("c", "intervention"): 26},
    )
    raw = evaluate(scores, "pre_post", SCALES, mixed=False)
    public = disclose(raw, min_cell=MIN_CELL)
    assert_nothing_recoverable(raw, public)
    assert public.attrition_baseline["n_dropouts"].notna().all()  # 12 + 13 + 4 = 29: shown


def test_the_pooled_n_counts_only_the_pooled_sites():
    """Review case (c): sites of 40, 40, 5 and 1; the site of 1 is not pooled, so pooled n
    minus the two shown sites was the hidden site's 5 (the summed counts leaked alike)."""
    scores = scores_of({"a": (40, 0), "b": (40, 0), "c": (5, 0), "d": (1, 0)})
    raw = evaluate(scores, "pre_post", SCALES, mixed=False)
    public = disclose(raw, min_cell=MIN_CELL)
    assert_nothing_recoverable(raw, public)
    shown = public.site_effects.groupby("scale")["n"].apply(lambda n: n.notna().sum())
    assert (shown <= 1).all()


REVIEW_CASES = {
    "a": ({"a": (30, 30), "b": (25, 28), "c": (30, 6)}, "pre_post_comparison", ("T0", "T1")),
    "b": ({"a": (30, 0), "b": (30, 0), "c": (30, 0)}, "pre_post", ("T0", "T1", "T2")),
    "c": ({"a": (40, 0), "b": (40, 0), "c": (5, 0), "d": (1, 0)}, "pre_post", ("T0", "T1")),
}


@pytest.mark.parametrize("case", sorted(REVIEW_CASES))
def test_nonnegativity_and_less_than_10_pin_no_hidden_count_but_zeros(case):
    """Beyond the linear audit: with every count >= 0 and each "< 10" cell at most 9, the
    smallest and largest value of every blank count (linear programmes) still differ by at
    least 1, except for counts that are 0 (nobody harmed anywhere: a sum of blanks of 0)."""
    sites, design, waves = REVIEW_CASES[case]
    keep = {(s, "intervention"): k for s, k in (("a", 18), ("b", 17), ("c", 26))}
    scores = scores_of(sites, waves=waves, keep=keep if case == "b" else None)
    raw = evaluate(scores, design, SCALES, waves=list(waves), mixed=False)
    public = disclose(raw, min_cell=MIN_CELL)
    tables, n_participants = tables_of(public)
    known, blank = published_cells(tables, n_participants)
    small = set()
    for name in KEYS:
        kinds, frame = suppression_kinds(public, name), tables[name]
        for i in range(len(frame)):
            key = tuple(str(frame.iloc[i][k]) for k in KEYS[name])
            small |= {(name, key, c) for c in kinds.columns if kinds.iloc[i][c] == "small"}
    spans = intervals(known, result_relations(raw, tables), blank, small=small)
    assert len(spans) > 10
    pinned = {cell: span for cell, span in spans.items() if span[1] - span[0] < 1 and span[1] > 0}
    assert not pinned


def programme(seed: int):
    """A random programme: 1-6 sites of 1-60, one or both groups, 2-3 waves, dropout, and
    sometimes a missing scale score (so the relations of complete data do not always hold)."""
    rng = np.random.default_rng(seed)
    n_sites = int(rng.integers(1, 7))
    design = str(rng.choice(["pre_post", "pre_post_comparison"]))
    waves = ("T0", "T1", "T2")[: int(rng.integers(2, 4))]
    dropout = rng.uniform(0, 0.35)
    missing = float(rng.choice([0.0, 0.0, 0.04]))
    scales = ["brs", "lonely"][: int(rng.integers(1, 3))]
    rows = []
    person = 0
    for s in range(n_sites):
        size = int(rng.choice([1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 14, 17, 21, 25, 32, 40, 60]))
        share = 0.0 if design == "pre_post" else float(rng.choice([0.0, 0.3, 0.5, 0.5]))
        for _ in range(size):
            person += 1
            group = "comparison" if rng.random() < share else "intervention"
            present = True
            for w, wave in enumerate(waves):
                present = present and (w == 0 or rng.random() > dropout)
                if not present:
                    break
                for scale in scales:
                    if rng.random() < missing:
                        continue
                    rows.append((f"P{person}", f"site-{s}", group, wave, scale,
                                 3 + 0.4 * w + rng.normal(0, 0.7)))  # fmt: skip
    scores = pd.DataFrame(rows, columns=["participant", "site", "group", "wave", "scale", "score"])
    return scores, design, waves, {k: SCALES[k] for k in scales}


@pytest.mark.parametrize("seed", range(16))
def test_no_blank_count_of_a_generated_programme_can_be_worked_out(seed):
    scores, design, waves, scales = programme(seed)
    try:
        raw = evaluate(scores, design, scales, waves=list(waves), mixed=False)
    except ValueError as error:  # e.g. nobody has two waves: nothing is published
        pytest.skip(f"programme {seed} has nothing to evaluate: {error}")
    min_cell = 5 if seed % 4 == 0 else MIN_CELL  # the floor, and the default
    public = disclose(raw, min_cell=min_cell)
    leaks = audit(public, raw)
    assert not leaks, f"min_cell={min_cell}: {list(leaks.items())[:3]}"
    if seed % 4 == 1:  # the JSON the ministry downloads holds the same numbers
        assert not audit(json.loads(json.dumps(public.to_dict(), allow_nan=False)), raw)


def test_the_audit_finds_what_subtraction_gives():
    """The checker itself: a total minus the shown parts is found, two hidden parts are not."""
    total = {("t",): 1.0, ("a",): -1.0, ("b",): -1.0, ("c",): -1.0}
    found = determined_cells({("t",): 20.0, ("a",): 12.0}, [total])
    assert found == {}
    found = determined_cells({("t",): 20.0, ("a",): 12.0, ("b",): 5.0}, [total])
    assert found == pytest.approx({("c",): 3.0})
    # a chain through a second table: c = c2, and c2 + d = 9 with d shown
    chain = [total, {("c",): 1.0, ("c2",): -1.0}, ({("c2",): 1.0, ("d",): 1.0}, 9.0)]
    found = determined_cells({("t",): 20.0, ("a",): 12.0, ("d",): 6.0}, chain)
    assert set(found) == {("b",), ("c",), ("c2",)} and found[("b",)] == pytest.approx(5.0)
