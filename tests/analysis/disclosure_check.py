"""An attacker's audit of published numbers: which blank cells do the shown ones fix exactly?

Independent of analysis.disclosure (it shares no code with it): cells are named
``(table, key, column)`` with ``key`` the tuple of the row's key columns; a relation is
``({cell: coefficient, ...}, constant)`` meaning ``sum(coefficient * cell) = constant``.

* :func:`determined_cells` is the check itself: given the known cells and the relations it
  returns every other cell they fix, with its value. It works on any published numbers,
  for example numbers read back from a PDF or a web page, named as here.
* :func:`result_relations` writes down every linear relation between the counts of an
  evaluation's tables that a reader who knows how the tables are made can use: sums to
  totals, the same number in two tables, retention times baseline, degrees of freedom, and
  the relations that hold when no score is missing wherever they hold in the data.
* :func:`audit` puts the two together for a disclosed result (or its JSON).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

import numpy as np
import pandas as pd

CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "harmed")
KEYS = {
    "site_effects": ("scale", "site", "group", "wave_from", "wave_to"),
    "pooled": ("scale", "group", "wave_from", "wave_to"),
    "comparison": ("scale", "wave_from", "wave_to", "site"),
    "attrition": ("site", "group", "wave"),
    "attrition_baseline": ("scale", "group"),
}
#: Published columns that are counts, or fixed by counts (degrees of freedom).
COUNT_COLUMNS = {
    "site_effects": ("n", *CATEGORIES, "df"),
    "pooled": ("n", *CATEGORIES),
    "comparison": ("n_intervention", "n_comparison", "df_ancova", "df_did"),
    "attrition": ("n_baseline", "n_retained", "n_dropped"),
    "attrition_baseline": ("n_completers", "n_dropouts"),
}

Cell = Hashable
Relation = tuple[Mapping[Cell, float], float]


def determined_cells(
    known: Mapping[Cell, float], relations: Iterable[Relation | Mapping[Cell, float]]
) -> dict[Cell, float]:
    """Every cell that is not known but that the known cells and the relations fix exactly.

    Parameters
    ----------
    known : mapping of cell to float
        The published numbers.
    relations : iterable
        ``(terms, constant)`` pairs, ``sum(terms[c] * c) = constant``, or bare ``terms``
        (constant 0). Cells that appear in a relation and are not known are the unknowns.

    Returns
    -------
    dict
        Unknown cell -> the value the relations force on it.

    Notes
    -----
    With the known cells moved to the right-hand side the unknowns ``x`` satisfy
    ``A x = b``. Unknown ``j`` is determined exactly when its unit vector lies in the row
    space of ``A``: in the reduced row echelon form of ``A`` it has a pivot row with no
    other unknown in it, and that row's right-hand side is its value. The elimination runs
    in exact rational arithmetic (``fractions.Fraction``) on sparse rows, so no rounding
    tolerance decides the answer; a float coefficient (a printed retention) is taken as the
    fraction it rounds to.
    """
    pivots: dict[Cell, dict[Cell, Fraction]] = {}
    for relation in relations:
        terms, constant = relation if isinstance(relation, tuple) else (relation, 0.0)
        row: dict[Cell, Fraction] = {_CONSTANT: _exact(constant)}
        for cell, coefficient in terms.items():
            c = _exact(coefficient)
            if c == 0:
                continue
            if cell in known:
                row[_CONSTANT] -= c * _exact(known[cell])
            else:
                row[cell] = row.get(cell, Fraction(0)) + c
        _reduce(row, pivots)
    return {
        cell: float(row[_CONSTANT])
        for cell, row in pivots.items()
        if all(k is _CONSTANT or k == cell for k in row)
    }


_CONSTANT = object()  # the right-hand side's key in a row


def _exact(value: float) -> Fraction:
    return Fraction(value).limit_denominator(10**9)


def _reduce(row: dict, pivots: dict) -> None:
    """Add ``row`` to the reduced row echelon form ``pivots`` (pivot cell -> its row)."""
    for cell in [c for c in row if c is not _CONSTANT and c in pivots]:
        factor = row.pop(cell, Fraction(0))
        if factor:
            for other, value in pivots[cell].items():
                if other == cell:
                    continue
                updated = row.get(other, Fraction(0)) - factor * value
                if updated or other is _CONSTANT:
                    row[other] = updated
                else:
                    row.pop(other, None)
    unknowns = [c for c, v in row.items() if c is not _CONSTANT and v != 0]
    if not unknowns:
        return  # nothing new about the unknowns (the published numbers agree or not)
    pivot = unknowns[0]
    scale = row[pivot]
    row = {c: v / scale for c, v in row.items() if v != 0 or c is _CONSTANT}
    for other in pivots.values():
        factor = other.pop(pivot, None)
        if factor:
            for cell, value in row.items():
                if cell == pivot:
                    continue
                updated = other.get(cell, Fraction(0)) - factor * value
                if updated or cell is _CONSTANT:
                    other[cell] = updated
                else:
                    other.pop(cell, None)
    pivots[pivot] = row


def tables_of(result) -> tuple[dict[str, pd.DataFrame], float | None]:
    """The tables and ``n_participants`` of a result, or of its ``to_dict()`` JSON."""
    if isinstance(result, Mapping):
        tables = {name: pd.DataFrame(result["tables"][name]) for name in KEYS}
        for name, frame in tables.items():
            if frame.empty:
                tables[name] = pd.DataFrame(columns=[*KEYS[name], *COUNT_COLUMNS[name]])
        return tables, result["n_participants"]
    return {name: getattr(result, name) for name in KEYS}, result.n_participants


def published_cells(tables: Mapping[str, pd.DataFrame], n_participants) -> tuple[dict, set]:
    """Known count cells (finite) and blank ones (NaN or None) of the tables."""
    known: dict[Cell, float] = {}
    blank: set[Cell] = set()
    for name, frame in tables.items():
        for _, row in frame.iterrows():
            key = tuple(str(row[k]) for k in KEYS[name])
            for column in COUNT_COLUMNS[name]:
                if column not in frame.columns:
                    continue
                value = row[column]
                cell = (name, key, column)
                if value is None or not np.isfinite(float(value)):
                    blank.add(cell)
                else:
                    known[cell] = float(value)
    cell = ("n_participants", (), "n_participants")
    if n_participants is None:
        blank.add(cell)
    else:
        known[cell] = float(n_participants)
    return known, blank


def result_relations(raw, published: Mapping[str, pd.DataFrame] | None = None) -> list[Relation]:
    """Every linear relation between the count cells of ``raw``'s tables (see module doc).

    ``raw`` is the undisclosed result: it gives the structure (which sites were pooled,
    the constants of the degrees of freedom) and says which of the relations that need
    complete data hold. ``published`` (the disclosed tables) gives the printed retention,
    whose relation to the counts has it as a coefficient.
    """
    tables = {name: getattr(raw, name) for name in KEYS}
    value: dict[Cell, float] = {}
    for name, frame in tables.items():
        for _, row in frame.iterrows():
            key = tuple(str(row[k]) for k in KEYS[name])
            for column in COUNT_COLUMNS[name]:
                if column in frame.columns:
                    value[(name, key, column)] = float(row[column])
    value[("n_participants", (), "n_participants")] = float(raw.n_participants)
    out: list[Relation] = []

    def add(terms: dict, constant: float = 0.0, *, if_true: bool = False) -> None:
        holds = abs(sum(c * value[cell] for cell, c in terms.items()) - constant) < 1e-9
        if not holds and not if_true:
            raise AssertionError(f"A relation that must hold does not: {terms} = {constant}")
        if holds:
            out.append((terms, constant))

    def same(a: Cell, b: Cell, *, if_true: bool = False) -> None:
        add({a: 1.0, b: -1.0}, if_true=if_true)

    sites = tables["site_effects"]
    site_key = {i: tuple(str(row[k]) for k in KEYS["site_effects"]) for i, row in sites.iterrows()}
    n_of = {key: ("site_effects", key, "n") for key in site_key.values()}
    for key in site_key.values():
        add({n_of[key]: 1.0, **{("site_effects", key, c): -1.0 for c in CATEGORIES}})
        add({n_of[key]: 1.0, ("site_effects", key, "df"): -1.0}, 1.0)
    # the same site, group and pair on another scale: the same people if no score is missing
    by_unit = defaultdict(list)
    for key in site_key.values():
        by_unit[key[1:]].append(key)
    for keys in by_unit.values():
        for a in keys:
            for b in keys:
                if a < b:
                    same(n_of[a], n_of[b], if_true=True)

    # which sites a pooled row sums: the site table says so, or the older rule (n >= 2, d_z)
    if "pooling" in sites.columns:
        usable = sites["pooling"] == "pooled"
    else:
        usable = (sites["n"] >= 2) & np.isfinite(sites["d_z"].astype(float))
    for _, row in tables["pooled"].iterrows():
        key = tuple(str(row[k]) for k in KEYS["pooled"])
        members = [
            site_key[i]
            for i in sites.index[usable]
            if (site_key[i][0], site_key[i][2], site_key[i][3], site_key[i][4]) == key
        ]
        for column in ("n", *CATEGORIES):
            add(
                {("pooled", key, column): 1.0,
                 **{("site_effects", m, column): -1.0 for m in members}}
            )  # fmt: skip
        add({("pooled", key, "n"): 1.0, **{("pooled", key, c): -1.0 for c in CATEGORIES}})
    pooled_keys = [tuple(str(r[k]) for k in KEYS["pooled"]) for _, r in tables["pooled"].iterrows()]
    for a in pooled_keys:
        for b in pooled_keys:
            if a < b and a[1:] == b[1:]:
                same(("pooled", a, "n"), ("pooled", b, "n"), if_true=True)

    for _, row in tables["comparison"].iterrows():
        key = tuple(str(row[k]) for k in KEYS["comparison"])
        scale, wave_from, wave_to, site = key
        cell = {c: ("comparison", key, c) for c in COUNT_COLUMNS["comparison"]}
        for column, group in (("n_intervention", "intervention"), ("n_comparison", "comparison")):
            if site == "all":
                parts = [
                    k for k in site_key.values()
                    if (k[0], k[2], k[3], k[4]) == (scale, group, wave_from, wave_to)
                ]  # fmt: skip
                add({cell[column]: 1.0, **{n_of[p]: -1.0 for p in parts}})
            else:
                same(cell[column], n_of[(scale, site, group, wave_from, wave_to)])
        for df in ("df_ancova", "df_did"):
            if np.isfinite(value[cell[df]]):
                constant = value[cell["n_intervention"]] + value[cell["n_comparison"]]
                constant -= value[cell[df]]
                add({cell["n_intervention"]: 1.0, cell["n_comparison"]: 1.0, cell[df]: -1.0},
                    constant)  # fmt: skip

    waves = [str(w) for w in raw.waves]
    attrition = tables["attrition"]
    base_of = {}
    for _, row in attrition.iterrows():
        key = tuple(str(row[k]) for k in KEYS["attrition"])
        site, group, wave = key
        c = {col: ("attrition", key, col) for col in COUNT_COLUMNS["attrition"]}
        add({c["n_baseline"]: 1.0, c["n_retained"]: -1.0, c["n_dropped"]: -1.0})
        if (site, group) in base_of:
            same(c["n_baseline"], base_of[(site, group)])
        base_of.setdefault((site, group), c["n_baseline"])
        for k in site_key.values():
            if (k[1], k[2], k[3], k[4]) == (site, group, waves[0], wave):
                same(c["n_retained"], n_of[k], if_true=True)
        if published is not None:
            shown = published["attrition"]
            match = np.ones(len(shown), dtype=bool)
            for name, v in zip(KEYS["attrition"], key, strict=True):
                match &= shown[name].astype(str).to_numpy() == v
            share = shown.loc[match, "retention"]
            if len(share) and share.notna().all() and share.iloc[0] is not None:
                out.append(({c["n_retained"]: 1.0, c["n_baseline"]: -float(share.iloc[0])}, 0.0))
    last = waves[-1]
    for _, row in tables["attrition_baseline"].iterrows():
        scale, group = (str(row[k]) for k in KEYS["attrition_baseline"])
        kept = ("attrition_baseline", (scale, group), "n_completers")
        gone = ("attrition_baseline", (scale, group), "n_dropouts")
        ends = [k for k in base_of if k[1] == group]
        add({kept: 1.0, **{("attrition", (s, g, last), "n_retained"): -1.0 for s, g in ends}},
            if_true=True)  # fmt: skip
        add({gone: 1.0, **{("attrition", (s, g, last), "n_dropped"): -1.0 for s, g in ends}},
            if_true=True)  # fmt: skip
        add({kept: 1.0, gone: 1.0, **{base_of[e]: -1.0 for e in ends}}, if_true=True)
        for _, other in tables["attrition_baseline"].iterrows():
            if str(other["group"]) == group and str(other["scale"]) > scale:
                for column, cell in (("n_completers", kept), ("n_dropouts", gone)):
                    same(cell, ("attrition_baseline", (str(other["scale"]), group), column),
                         if_true=True)  # fmt: skip
    if base_of:
        add({("n_participants", (), "n_participants"): 1.0,
             **{cell: -1.0 for cell in base_of.values()}}, if_true=True)  # fmt: skip
    return out


def audit(published, raw) -> dict[Cell, float]:
    """The blank count cells of a disclosed result (or its JSON) that the shown ones fix.

    Returns cell -> value forced on it; an empty dict means no blank count can be worked
    out exactly from the published counts.
    """
    tables, n_participants = tables_of(published)
    known, blank = published_cells(tables, n_participants)
    fixed = determined_cells(known, result_relations(raw, tables))
    return {cell: v for cell, v in fixed.items() if cell in blank}


def intervals(
    known: Mapping[Cell, float],
    relations: Iterable[Relation | Mapping[Cell, float]],
    cells: Iterable[Cell],
    *,
    small: Iterable[Cell] = (),
    min_cell: int = 10,
) -> dict[Cell, tuple[float, float]]:
    """The smallest and largest value each of ``cells`` can take: the relations, every
    count >= 0, and the ``small`` ones (printed "< 10") at most ``min_cell - 1``.

    Linear programmes (scipy's HiGHS), two per cell; an interval narrower than 1 pins a
    count (whole numbers) even where :func:`determined_cells` finds it free.
    """
    from scipy.optimize import linprog

    rows, rhs, unknown = [], [], {}
    for relation in relations:
        terms, constant = relation if isinstance(relation, tuple) else (relation, 0.0)
        row, b = {}, float(constant)
        for cell, coefficient in terms.items():
            if cell in known:
                b -= coefficient * float(known[cell])
            else:
                row[unknown.setdefault(cell, len(unknown))] = coefficient
        if row:
            rows.append(row)
            rhs.append(b)
    a_eq = np.zeros((len(rows), len(unknown)))
    for r, row in enumerate(rows):
        for j, coefficient in row.items():
            a_eq[r, j] = coefficient
    small = set(small)
    bounds = [(0, min_cell - 1) if cell in small else (0, None) for cell in unknown]
    out = {}
    for cell in cells:
        if cell not in unknown:
            continue
        objective = np.zeros(len(unknown))
        objective[unknown[cell]] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=rhs, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=rhs, bounds=bounds, method="highs")
        if low.status == 0 and high.status == 0:
            out[cell] = (float(low.fun), float(-high.fun))
    return out
