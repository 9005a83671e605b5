"""The ledger of published counts: quantities, the cells that print them, their relations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.reliable_change import CATEGORIES

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

#: A weight of TOTAL or more marks a total: hidden only when no other cell can protect.
TOTAL = 20.0


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


class LedgerBuilder:
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
