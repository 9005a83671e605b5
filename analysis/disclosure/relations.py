"""Which counts each table of a result publishes, and how they relate: build_ledger()."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterator

import numpy as np
import pandas as pd

from analysis.disclosure.ledger import COUNTS, KEYS, Ledger, LedgerBuilder
from analysis.reliable_change import CATEGORIES
from analysis.results import EvaluationResult

# The loss of hiding a cell, by table and column: a site's n takes its row of statistics
# with it, a total takes a headline figure; attrition counts are the cheapest to give up.
# A weight of TOTAL or more marks a total (see analysis.disclosure.ledger).
_WEIGHT = {
    ("site_effects", "n"): 6.0,
    ("site_effects", "category"): 1.0,
    ("pooled", "n"): 80.0,
    ("pooled", "category"): 20.0,
    ("comparison", "site"): 3.0,
    ("comparison", "all"): 40.0,
    ("attrition", "count"): 1.0,
    ("attrition_baseline", "count"): 20.0,
    ("n_participants", "count"): 200.0,
}


def build_ledger(result: EvaluationResult) -> Ledger:
    """The ledger of an undisclosed result: every count it would publish and how they relate.

    Relations that hold by construction: a site's reliable-change counts add up to its
    ``n``; a pooled row's ``n`` and counts are the sums over the sites it pooled; a
    per-site comparison row prints the two groups' ``n`` of ``site_effects``; the "all" row
    sums them over every site; an attrition row's retained and dropped add up to its
    baseline, which every later wave repeats. Relations that hold when no score is
    missing, counted when they hold in the data (a reader who assumes them is then right):
    a site's ``n`` is the same on every scale and equals the attrition row's retained
    count; ``attrition_baseline`` sums the per-site retained and dropped counts of the last
    wave; ``n_participants`` sums the baselines.
    """
    b = LedgerBuilder()
    waves = [str(w) for w in result.waves]
    site_n = _site_effects(b, result.site_effects.reset_index(drop=True))
    _pooled(b, result.site_effects.reset_index(drop=True), result.pooled, site_n)
    _comparison(b, result.comparison.reset_index(drop=True), site_n)
    bases = _attrition(b, result.attrition.reset_index(drop=True), site_n, waves)
    _attrition_baseline(b, result.attrition_baseline.reset_index(drop=True), bases)
    if result.n_participants is not None:
        total = b.cell(
            "n_participants", 0, "n_participants", result.n_participants,
            _WEIGHT[("n_participants", "count")],
        )  # fmt: skip
        every_base = [cells[0] for cells in bases["base"].values()]
        if every_base:
            b.total(total, every_base, if_true=True)
    return b.ledger()


def _site_effects(b: LedgerBuilder, table: pd.DataFrame) -> dict[tuple, list[int]]:
    """Cells of the site rows: per (scale, site, group, from, to) the n cell, then the counts."""
    site_n: dict[tuple, list[int]] = {}
    by_unit: dict[tuple, list[int]] = defaultdict(list)
    columns = [*KEYS["site_effects"], *COUNTS["site_effects"]]
    for i, row in enumerate(_rows(table, columns)):
        scale, site, group, wave_from, wave_to, n, *counts = row
        cell = b.cell("site_effects", i, "n", n, _WEIGHT[("site_effects", "n")])
        parts = [
            b.cell("site_effects", i, name, value, _WEIGHT[("site_effects", "category")])
            for name, value in zip(CATEGORIES, counts, strict=True)
        ]
        b.total(cell, parts)
        b.rule(cell, parts)
        site_n[(scale, str(site), group, str(wave_from), str(wave_to))] = [cell, *parts]
        by_unit[(str(site), group, str(wave_from), str(wave_to))].append(cell)
    for cells in by_unit.values():  # the same people on every scale, unless a score is missing
        for other in cells[1:]:
            b.same_if_equal(cells[0], other)
    return site_n


def _pooled(
    b: LedgerBuilder, sites: pd.DataFrame, pooled: pd.DataFrame, site_n: dict[tuple, list[int]]
) -> None:
    totals: dict[tuple, list[int]] = defaultdict(list)
    keys = [
        (scale, str(site), group, str(wave_from), str(wave_to))
        for scale, site, group, wave_from, wave_to in _rows(sites, KEYS["site_effects"])
    ]
    groups = _group_labels(sites)
    columns = [*KEYS["pooled"], "k", *COUNTS["pooled"]]
    for i, row in enumerate(_rows(pooled, columns)):
        members = [site_n[keys[m]] for m in pooled_members(sites, row, groups=groups)]
        cell = b.cell("pooled", i, "n", row.n, _WEIGHT[("pooled", "n")])
        b.total(cell, [m[0] for m in members])
        parts = []
        for c, name in enumerate(CATEGORIES, start=1):
            part = b.cell("pooled", i, name, getattr(row, name), _WEIGHT[("pooled", "category")])
            b.total(part, [m[c] for m in members])
            parts.append(part)
        b.total(cell, parts)
        b.small_row(cell, parts)
        totals[(row.group, str(row.wave_from), str(row.wave_to))].append(cell)
    for cells in totals.values():
        for other in cells[1:]:
            b.same_if_equal(cells[0], other)


def pooled_members(
    sites: pd.DataFrame, row: object, *, groups: np.ndarray | None = None
) -> np.ndarray:
    """Positions in ``sites`` of the site rows that a pooled row pooled.

    The ``pooling`` column of ``site_effects`` says so (``"pooled"``); a table without it
    pooled the rows with at least two pairs and a finite ``d_z``. Either way the members
    must add up to the pooled ``k`` and ``n``. ``groups`` (optional, for speed) holds each
    site row's ``(scale, group, wave_from, wave_to)`` as one string.
    """
    if groups is None:
        groups = _group_labels(sites)
    same = groups == _label((row.scale, row.group, row.wave_from, row.wave_to))
    if "pooling" in sites.columns:
        usable = (sites["pooling"] == "pooled").to_numpy()
    else:
        usable = (sites["n"].to_numpy(float) >= 2) & np.isfinite(sites["d_z"].to_numpy(float))
    members = np.flatnonzero(same & usable)
    n = sites["n"].to_numpy(float)
    if len(members) != int(row.k) or n[members].sum() != float(row.n):
        raise ValueError(
            f"Cannot tell which sites the pooled row {row.scale}, {row.group}, "
            f"{row.wave_from}-{row.wave_to} pooled (k={row.k}, n={row.n}); disclose needs "
            "that to protect its total."
        )
    return members


def _label(values: tuple) -> str:
    return "\x1f".join(str(v) for v in values)


def _group_labels(sites: pd.DataFrame) -> np.ndarray:
    columns = ["scale", "group", "wave_from", "wave_to"]
    return np.array([_label(v) for v in _rows(sites, columns)])


def _rows(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> Iterator[tuple]:
    """The rows of ``frame``'s ``columns`` as named tuples (faster than itertuples)."""
    row = namedtuple("Row", columns)
    arrays = [frame[c].to_numpy() for c in columns]
    return (row(*values) for values in zip(*arrays, strict=True))


def _comparison(b: LedgerBuilder, table: pd.DataFrame, site_n: dict[tuple, list[int]]) -> None:
    totals: dict[tuple, list[int]] = defaultdict(list)
    by_pair: dict[tuple, list[int]] = defaultdict(list)
    for (scale, _, group, *pair), cells in site_n.items():
        by_pair[(scale, group, *pair)].append(cells[0])
    for i, row in enumerate(_rows(table, [*KEYS["comparison"], *COUNTS["comparison"]])):
        pair = (str(row.wave_from), str(row.wave_to))
        for column, group in (("n_intervention", "intervention"), ("n_comparison", "comparison")):
            value = getattr(row, column)
            if str(row.site) == "all":
                cell = b.cell("comparison", i, column, value, _WEIGHT[("comparison", "all")])
                b.total(cell, by_pair[(row.scale, group, *pair)])
                totals[(column, *pair)].append(cell)
            else:
                cell = b.cell("comparison", i, column, value, _WEIGHT[("comparison", "site")])
                b.same(cell, site_n[(row.scale, str(row.site), group, *pair)][0])
    for cells in totals.values():
        for other in cells[1:]:
            b.same_if_equal(cells[0], other)


def _attrition(
    b: LedgerBuilder, table: pd.DataFrame, site_n: dict[tuple, list[int]], waves: list[str]
) -> dict[str, dict[tuple, list[int]]]:
    """Cells of the attrition rows; returns base, retained and dropped cells per (site, group)."""
    weight = _WEIGHT[("attrition", "count")]
    found: dict[str, dict[tuple, list[int]]] = {
        k: defaultdict(list) for k in ("base", "kept", "gone")
    }
    last = waves[-1] if waves else None
    # a site's pairs from the baseline to a wave are the people retained at that wave
    from_baseline: dict[tuple, list[int]] = defaultdict(list)
    for (_, site, group, wave_from, wave_to), cells in site_n.items():
        if waves and wave_from == waves[0]:
            from_baseline[(site, group, wave_to)].append(cells[0])
    for i, row in enumerate(_rows(table, [*KEYS["attrition"], *COUNTS["attrition"]])):
        unit = (str(row.site), row.group)
        base = b.cell("attrition", i, "n_baseline", row.n_baseline, weight)
        kept = b.cell("attrition", i, "n_retained", row.n_retained, weight)
        gone = b.cell("attrition", i, "n_dropped", row.n_dropped, weight)
        b.total(base, [kept, gone])
        b.small_row(base, [kept, gone])
        if found["base"][unit]:
            b.same(base, found["base"][unit][0])
        found["base"][unit].append(base)
        for cell in from_baseline[(*unit, str(row.wave))]:
            b.same_if_equal(kept, cell)
        if str(row.wave) == last:
            found["kept"][unit].append(kept)
            found["gone"][unit].append(gone)
    return found


def _attrition_baseline(
    b: LedgerBuilder, table: pd.DataFrame, found: dict[str, dict[tuple, list[int]]]
) -> None:
    weight = _WEIGHT[("attrition_baseline", "count")]
    by_group: dict[tuple, list[int]] = defaultdict(list)
    columns = [*KEYS["attrition_baseline"], *COUNTS["attrition_baseline"]]
    for i, row in enumerate(_rows(table, columns)):
        kept = b.cell("attrition_baseline", i, "n_completers", row.n_completers, weight)
        gone = b.cell("attrition_baseline", i, "n_dropouts", row.n_dropouts, weight)
        mine = [unit for unit in found["base"] if unit[1] == row.group]
        b.total(kept, [c for u in mine for c in found["kept"].get(u, [])], if_true=True)
        b.total(gone, [c for u in mine for c in found["gone"].get(u, [])], if_true=True)
        b.relation([kept, gone], [found["base"][u][0] for u in mine], if_true=True)
        by_group[("kept", row.group)].append(kept)
        by_group[("gone", row.group)].append(gone)
    for cells in by_group.values():
        for other in cells[1:]:
            b.same_if_equal(cells[0], other)
