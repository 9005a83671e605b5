"""Every count a result publishes, where it is printed, and every linear relation between them."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.reliable_change import CATEGORIES
from analysis.results import EvaluationResult

#: The columns naming a row of each table (unique within the table).
KEYS: dict[str, tuple[str, ...]] = {
    "site_effects": ("scale", "site", "group", "wave_from", "wave_to"),
    "pooled": ("scale", "group", "wave_from", "wave_to"),
    "comparison": ("scale", "wave_from", "wave_to", "site"),
    "attrition": ("site", "group", "wave"),
    "attrition_baseline": ("scale", "group"),
}

#: The columns of each table that count participants (the rest are statistics).
COUNTS: dict[str, tuple[str, ...]] = {
    "site_effects": ("n", *CATEGORIES),
    "pooled": ("n", *CATEGORIES),
    "comparison": ("n_intervention", "n_comparison"),
    "attrition": ("n_baseline", "n_retained", "n_dropped"),
    "attrition_baseline": ("n_completers", "n_dropouts"),
    "n_participants": ("n_participants",),
}

# The loss of hiding a cell, by table and column: a site's n takes its row of statistics
# with it, a total takes a headline figure; attrition counts are the cheapest to give up.
# A weight of TOTAL or more marks a total: hidden only when no other cell can protect.
TOTAL = 20.0
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


@dataclass(frozen=True)
class Ledger:
    """The published counts of one result as quantities, their cells and their relations.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per printed count: ``table, row`` (position in that table), ``column``,
        ``quantity`` (the number it prints; one quantity can be printed in several cells)
        and ``value``.
    values : numpy.ndarray
        The value of each quantity.
    relations : scipy.sparse.csr_matrix
        One row per relation ``sum(coefficient * quantity) = 0`` (totals and sums).
    cost : numpy.ndarray
        The loss of hiding each quantity, with the cells its hiding takes along.
    rules : numpy.ndarray
        Pairs ``(trigger cell, hidden cell)``: when the trigger's quantity is hidden, the
        other cell is not printed either (the counts of a site whose ``n`` is hidden).
    small_rows : numpy.ndarray
        Pairs ``(total cell, part cell)``: when the total is small, so is the part, and it
        is hidden with it even when it is zero (the counts of an attrition or pooled row).
    total : numpy.ndarray of bool
        Quantities that are totals (pooled, "all", attrition_baseline, n_participants):
        secondary suppression takes one only when no other quantity can protect.
    """

    cells: pd.DataFrame
    values: np.ndarray
    relations: sparse.csr_matrix
    cost: np.ndarray
    rules: np.ndarray
    small_rows: np.ndarray
    total: np.ndarray

    def primary(self, min_cell: int) -> np.ndarray:
        """Quantities from 1 to ``min_cell - 1``, and the parts of a row whose total is."""
        small = (self.values > 0) & (self.values < min_cell)
        if len(self.small_rows):
            total, part = self.small_rows[:, 0], self.small_rows[:, 1]
            small[self._quantity[part[small[self._quantity[total]]]]] = True
        return small

    @property
    def quantity(self) -> np.ndarray:
        """The quantity of each cell (an array, for the solver's inner loop)."""
        return self._quantity

    def __post_init__(self) -> None:
        object.__setattr__(self, "_quantity", self.cells["quantity"].to_numpy())

    def hidden(self, chosen: np.ndarray) -> np.ndarray:
        """Every quantity hidden when ``chosen`` are: those and any left without a cell."""
        quantity = self._quantity
        hidden = np.asarray(chosen, dtype=bool).copy()
        while True:
            blank = self.hidden_cells(hidden)
            shown = np.bincount(quantity[~blank], minlength=hidden.size)
            grown = hidden | (shown == 0)
            if (grown == hidden).all():
                return hidden
            hidden = grown

    def hidden_cells(self, hidden: np.ndarray) -> np.ndarray:
        """Which cells are blank when the quantities ``hidden`` are."""
        quantity = self._quantity
        blank = hidden[quantity].copy()
        if len(self.rules):
            trigger, target = self.rules[:, 0], self.rules[:, 1]
            blank[target[hidden[quantity[trigger]]]] = True
        return blank


class _Builder:
    """Collects cells, the cells that print one number, and the relations between them."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, str, float, float]] = []
        self.parent: list[int] = []
        self.relations: list[dict[int, float]] = []
        self.rules: list[tuple[int, int]] = []
        self.small_rows: list[tuple[int, int]] = []

    def cell(self, table: str, row: int, column: str, value: object, weight: float) -> int:
        self.rows.append((table, row, column, float(value), weight))
        self.parent.append(len(self.parent))
        return len(self.rows) - 1

    def value(self, cell: int) -> float:
        return self.rows[cell][3]

    def _root(self, cell: int) -> int:
        while self.parent[cell] != cell:
            self.parent[cell] = self.parent[self.parent[cell]]
            cell = self.parent[cell]
        return cell

    def same(self, a: int, b: int) -> None:
        """``a`` and ``b`` print the same number by construction."""
        if self.value(a) != self.value(b):
            raise ValueError(f"Cells {self.rows[a][:3]} and {self.rows[b][:3]} should agree.")
        self.parent[self._root(a)] = self._root(b)

    def same_if_equal(self, a: int, b: int) -> None:
        """``a`` and ``b`` print the same number when nothing is missing: a reader who assumes
        so is right whenever they are equal, so they count as one number then."""
        if self.value(a) == self.value(b):
            self.parent[self._root(a)] = self._root(b)

    def total(self, total: int, parts: list[int], *, if_true: bool = False) -> None:
        """``total`` is the sum of ``parts`` (always, or, with ``if_true``, when it holds)."""
        self.relation([total], parts, if_true=if_true)

    def relation(self, left: list[int], right: list[int], *, if_true: bool = False) -> None:
        """The cells ``left`` add up to the cells ``right`` (or, with ``if_true``, when they do)."""
        if sum(self.value(c) for c in left) != sum(self.value(c) for c in right):
            if if_true:
                return
            raise ValueError(
                f"{[self.rows[c][:3] for c in left]} should add up to {len(right)} other cells."
            )
        relation: dict[int, float] = defaultdict(float)
        for cell in left:
            relation[cell] += 1.0
        for cell in right:
            relation[cell] -= 1.0
        self.relations.append(relation)

    def rule(self, trigger: int, targets: list[int]) -> None:
        self.rules.extend((trigger, target) for target in targets)

    def small_row(self, total: int, parts: list[int]) -> None:
        self.small_rows.extend((total, part) for part in parts)

    def ledger(self) -> Ledger:
        roots = np.array([self._root(c) for c in range(len(self.rows))], dtype=np.intp)
        _, quantity = np.unique(roots, return_inverse=True)
        cells = pd.DataFrame(self.rows, columns=["table", "row", "column", "value", "weight"])
        cells["quantity"] = quantity
        n = int(quantity.max()) + 1 if len(quantity) else 0
        values = np.zeros(n)
        values[quantity] = cells["value"].to_numpy()
        rules = np.array(self.rules, dtype=np.intp).reshape(-1, 2)
        cost = np.bincount(quantity, weights=cells["weight"], minlength=n)
        # what hiding a quantity takes along: the cells its rules blank
        if len(rules):
            cost += np.bincount(
                quantity[rules[:, 0]], weights=cells["weight"].to_numpy()[rules[:, 1]], minlength=n
            )
        data, row_index, col_index = [], [], []
        for r, relation in enumerate(self.relations):
            merged: dict[int, float] = defaultdict(float)
            for cell, coefficient in relation.items():
                merged[int(quantity[cell])] += coefficient
            for q, coefficient in merged.items():
                if coefficient != 0:
                    data.append(coefficient)
                    row_index.append(r)
                    col_index.append(q)
        matrix = sparse.csr_matrix(
            (data, (row_index, col_index)), shape=(len(self.relations), n), dtype=float
        )
        matrix = matrix[np.flatnonzero(matrix.getnnz(axis=1))]
        small_rows = np.array(self.small_rows, dtype=np.intp).reshape(-1, 2)
        total = np.zeros(n, dtype=bool)
        total[quantity[cells["weight"].to_numpy() >= TOTAL]] = True
        return Ledger(cells.drop(columns="weight"), values, matrix, cost, rules, small_rows, total)


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
    b = _Builder()
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


def _site_effects(b: _Builder, table: pd.DataFrame) -> dict[tuple, list[int]]:
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
    b: _Builder, sites: pd.DataFrame, pooled: pd.DataFrame, site_n: dict[tuple, list[int]]
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


def _comparison(b: _Builder, table: pd.DataFrame, site_n: dict[tuple, list[int]]) -> None:
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
    b: _Builder, table: pd.DataFrame, site_n: dict[tuple, list[int]], waves: list[str]
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
    b: _Builder, table: pd.DataFrame, found: dict[str, dict[tuple, list[int]]]
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
