"""Which hidden counts the published ones fix exactly, and secondary suppression against it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

#: Entries below this count as zero (the relations have small integer coefficients).
_TOLERANCE = 1e-9

#: How many of the cheapest partners are tried before the cheapest is taken anyway.
_TRIES = 12


class Elimination:
    """The relations in reduced row echelon form over the hidden quantities.

    Every hidden quantity is a column; a column that gets a pivot row is eliminated from
    every other row. Rows without a pivot are then zero on every hidden column: they are
    what the relations say about the published quantities alone. A hidden quantity is
    fixed by the published ones exactly when it has a pivot row that is zero on every other
    hidden column: that row reads ``x_j = (published quantities)``; equivalently, its unit
    vector lies in the row space of the relations restricted to the hidden columns. Hiding
    one more quantity is one elimination step, so a greedy search stays cheap.
    """

    def __init__(self, relations: sparse.spmatrix | np.ndarray):
        self.matrix = relations.toarray() if sparse.issparse(relations) else np.array(relations)
        self.matrix = self.matrix.astype(float)
        self.pivot_row = np.full(self.matrix.shape[1], -1, dtype=np.intp)
        self.row_used = np.zeros(self.matrix.shape[0], dtype=bool)
        self.hidden = np.zeros(self.matrix.shape[1], dtype=bool)

    def hide(self, quantities: np.ndarray) -> None:
        """Make ``quantities`` (indices or a mask) hidden, one elimination step each."""
        for q in np.flatnonzero(np.asarray(quantities)) if _is_mask(quantities) else quantities:
            self._hide_one(int(q))

    def _hide_one(self, q: int) -> None:
        if self.hidden[q]:
            return
        self.hidden[q] = True
        column = self.matrix[:, q]
        free = np.flatnonzero(~self.row_used & (np.abs(column) > _TOLERANCE))
        if free.size == 0:
            return  # a combination of other hidden columns: no new pivot
        row = free[np.argmax(np.abs(column[free]))]
        self.matrix[row] /= column[row]
        factor = self.matrix[:, q].copy()
        factor[row] = 0.0
        touched = np.flatnonzero(factor)
        if touched.size:
            self.matrix[touched] -= np.outer(factor[touched], self.matrix[row])
            block = self.matrix[touched]
            block[np.abs(block) < _TOLERANCE] = 0.0  # rounding, not information
            self.matrix[touched] = block
        self.row_used[row] = True
        self.pivot_row[q] = row

    def fixed(self) -> np.ndarray:
        """Hidden quantities that the published ones fix exactly."""
        out = np.zeros(self.hidden.size, dtype=bool)
        pivots = np.flatnonzero(self.hidden & (self.pivot_row >= 0))
        if pivots.size == 0:
            return out
        free = np.flatnonzero(self.hidden & (self.pivot_row < 0))
        block = self.matrix[np.ix_(self.pivot_row[pivots], free)]
        out[pivots[np.all(np.abs(block) < _TOLERANCE, axis=1)]] = True
        return out

    def is_fixed(self, q: int) -> bool:
        """Whether hidden quantity ``q`` is fixed (one row: cheaper than :meth:`fixed`)."""
        row = self.pivot_row[q]
        if not self.hidden[q] or row < 0:
            return False
        free = self.hidden & (self.pivot_row < 0)
        return not bool((np.abs(self.matrix[row, free]) > _TOLERANCE).any())

    def copy(self) -> Elimination:
        other = object.__new__(Elimination)
        other.matrix = self.matrix.copy()
        other.pivot_row = self.pivot_row.copy()
        other.row_used = self.row_used.copy()
        other.hidden = self.hidden.copy()
        return other

    def frees(self, target: int, more: np.ndarray) -> bool:
        """Whether hiding the quantities ``more`` as well leaves ``target`` free.

        With the new columns ``V`` the target stays fixed exactly when its pivot row's part
        of ``V`` is a combination of the pivot-free rows' parts (only those rows can be
        added to it without breaking ``x_j`` on the hidden columns).
        """
        more = np.flatnonzero(more) if _is_mask(more) else np.asarray(more)
        if more.size == 0:
            return False
        if more.size > _FEW:
            trial = self.copy()
            trial.hide(more)
            return not trial.is_fixed(target)
        part = self.matrix[:, more]
        own = part[self.pivot_row[target]]
        if not (np.abs(own) > _TOLERANCE).any():
            return False
        rest = part[~self.row_used]
        rest = rest[np.any(np.abs(rest) > _TOLERANCE, axis=1)]
        if rest.shape[0] == 0:
            return True
        return _rank(np.vstack([rest, own])) > _rank(rest)


#: Above this many new columns :meth:`Elimination.frees` eliminates them on a copy instead.
_FEW = 8


def _is_mask(values: np.ndarray) -> bool:
    return np.asarray(values).dtype == bool


def _rank(block: np.ndarray) -> int:
    # a few columns at most: small enough for an SVD
    return int(np.linalg.matrix_rank(block, tol=1e-7))


def determined(relations: sparse.spmatrix | np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Hidden quantities that the published ones and ``relations`` fix exactly.

    Parameters
    ----------
    relations : scipy.sparse matrix or numpy.ndarray
        One row per linear relation ``sum(coefficient * quantity) = 0``, one column per
        quantity.
    hidden : numpy.ndarray of bool
        Which quantities are not published.

    Returns
    -------
    numpy.ndarray of bool
        True for every hidden quantity whose value follows from the published ones.

    Notes
    -----
    Move the published quantities to the right-hand side: the hidden ones satisfy
    ``A x = b`` with ``A`` the hidden columns. Quantity ``j`` is fixed when every
    solution has the same ``x_j``, that is when the unit vector ``e_j`` lies in the row
    space of ``A`` (the linear part of auditing a suppression pattern; Hundepool et al.
    2012, ch. 4; Cox 1980). Nonnegativity can narrow a hidden count further; that is not
    checked here.
    """
    elimination = Elimination(relations)
    elimination.hide(np.asarray(hidden, dtype=bool))
    return elimination.fixed()


def protect(
    relations: sparse.spmatrix | np.ndarray,
    primary: np.ndarray,
    hide: Callable[[np.ndarray], np.ndarray],
    cost: np.ndarray,
    values: np.ndarray,
    total: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Secondary suppression: quantities to hide besides ``primary`` so that none is fixed.

    Parameters
    ----------
    relations : scipy.sparse matrix or numpy.ndarray
        Relations between quantities (see :func:`determined`).
    primary : numpy.ndarray of bool
        Quantities hidden because they are small.
    hide : callable
        Maps the chosen quantities to every hidden one (a table may hide more with them,
        such as the counts of a row whose total is hidden).
    cost : numpy.ndarray
        The loss of hiding each quantity (weighted cells it takes along).
    values : numpy.ndarray
        The quantities' values: a zero is a partner only when nothing else is left.
    total : numpy.ndarray of bool, optional
        Totals, taken as partners only when the other quantities cannot protect.

    Returns
    -------
    chosen, hidden : numpy.ndarray of bool
        The quantities chosen (primary and secondary) and all quantities hidden with them.

    Notes
    -----
    Greedy, as the heuristics for secondary cell suppression (Hundepool et al. 2012,
    ch. 4): while some hidden quantity is fixed, hide the cheapest published quantity that
    shares a relation with a hidden one and frees it. Cells inside tables come before
    totals: when none of them frees it alone but all of them together would, the cheapest
    is hidden and the search goes on; a total is taken only when they could not. Every
    step hides one more quantity, so it ends; it does not promise the smallest loss.
    """
    dense = relations.toarray() if sparse.issparse(relations) else np.asarray(relations)
    linked = np.abs(dense) > 0
    total = np.zeros(len(values), dtype=bool) if total is None else np.asarray(total, bool)
    elimination = Elimination(dense)
    chosen = np.asarray(primary, dtype=bool).copy()
    hidden = hide(chosen)
    elimination.hide(hidden)
    stuck = np.zeros(chosen.size, dtype=bool)

    def frees(target: int, extra: np.ndarray) -> bool:
        trial = chosen.copy()
        trial[extra] = True
        return elimination.frees(target, hide(trial) & ~hidden)

    # The relations with every cell inside the tables hidden as well: a quantity fixed even
    # then can only be freed by a total. Built when first needed, kept up to date after.
    everything_inside: Elimination | None = None

    def _partner(target: int) -> int | None:
        nonlocal everything_inside
        partners, near = _partners(linked, hidden, target)
        if partners.size == 0:
            return None
        # non-zero before zero, then the cheapest, the target's own relations first
        order = np.lexsort(
            (partners, values[partners], ~near, cost[partners], values[partners] == 0)
        )
        partners, near = partners[order], near[order]
        inside, totals = partners[~total[partners]], partners[total[partners]]
        # totals in the target's own relations first (they are few), then the cheapest others
        totals = np.concatenate(
            [totals[near[total[partners]]], totals[~near[total[partners]]][: 2 * _TRIES]]
        )
        pick = next((int(c) for c in inside[:_TRIES] if frees(target, [c])), None)
        if pick is None and inside.size:
            if everything_inside is None:
                everything_inside = elimination.copy()
            everything_inside.hide(hide(chosen | ~total) & ~everything_inside.hidden)
            if not everything_inside.is_fixed(target):
                return int(inside[0])  # cells inside the tables can protect it: go on with one
        if pick is None:
            pick = _cheapest_totals(target, totals)
        return int(partners[0]) if pick is None else pick

    def _cheapest_totals(target: int, totals: np.ndarray) -> int | None:
        """The cheapest total that frees ``target``, or one of two cheaper ones that do."""
        single = next((int(c) for c in totals if frees(target, [c])), None)
        limit = np.inf if single is None else cost[single]
        cheaper = sorted((int(c) for c in totals if cost[c] < limit), key=lambda c: cost[c])
        cheaper = cheaper[: _TRIES // 2]
        pairs = sorted(
            ((cost[a] + cost[b], a, b) for i, a in enumerate(cheaper) for b in cheaper[i + 1 :]),
        )
        for price, a, b in pairs:
            if price < limit and frees(target, [a, b]):
                return a if cost[a] <= cost[b] else b  # the other follows in the next round
        return single

    while True:
        fixed = elimination.fixed() & ~stuck
        if not fixed.any():
            break
        for target in np.flatnonzero(fixed):
            if not elimination.is_fixed(int(target)):
                continue  # freed by a partner chosen for another one in this round
            pick = _partner(int(target))
            if pick is None:
                stuck[target] = True  # no published quantity is linked to it at all
                continue
            chosen[pick] = True
            grown = hide(chosen)
            elimination.hide(grown & ~hidden)
            hidden = grown
    return _release(dense, primary, chosen, hide, cost, total, stuck)


def _release(
    relations: np.ndarray,
    primary: np.ndarray,
    chosen: np.ndarray,
    hide: Callable[[np.ndarray], np.ndarray],
    cost: np.ndarray,
    total: np.ndarray,
    stuck: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Publish again what the greedy search hid early and later choices made unneeded.

    Totals first, dearest first; other secondary cells too when the problem is small
    (each try is one elimination from scratch).
    """
    secondary = np.flatnonzero(chosen & ~primary)
    if relations.shape[1] > _SMALL:
        secondary = secondary[total[secondary]]
    order = list(secondary[np.lexsort((secondary, -cost[secondary], ~total[secondary]))])
    # Every try hides a superset of what is hidden without all the candidates, so that
    # elimination is made once and copied; a candidate that stays hidden joins it.
    base = Elimination(relations)
    base.hide(hide(chosen & ~np.isin(np.arange(chosen.size), order)))
    for k, q in enumerate(order):
        trial = chosen.copy()
        trial[q] = False
        hidden = hide(trial)
        attempt = base.copy()
        attempt.hide(hidden & ~attempt.hidden)
        if not (attempt.fixed() & ~stuck).any():
            chosen = trial
            continue
        keep = chosen.copy()
        keep[order[k + 1 :]] = False
        base.hide(hide(keep) & ~base.hidden)
    return chosen, hide(chosen)


#: Up to this many quantities every secondary cell is offered back; above it only totals.
_SMALL = 600


def _partners(linked: np.ndarray, hidden: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """Published quantities in the relations reachable from ``target`` through hidden ones,
    and whether each is in one of the target's own relations."""
    reached = np.zeros(hidden.size, dtype=bool)
    reached[target] = True
    rows_seen = np.zeros(linked.shape[0], dtype=bool)
    frontier = reached.copy()
    while frontier.any():
        rows = linked[:, frontier].any(axis=1) & ~rows_seen
        if not rows.any():
            break
        rows_seen |= rows
        new = linked[rows].any(axis=0) & ~reached
        reached |= new
        frontier = new & hidden
    partners = np.flatnonzero(reached & ~hidden)
    own = linked[linked[:, target]].any(axis=0)
    return partners, own[partners]
