"""The published tables cut to a suppression decision, and why each blank cell is blank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure.ledger import COUNTS, KEYS, Ledger
from analysis.results import EvaluationResult

#: The reason of a blank that rests on a small count starts with "fewer than" or "a group";
#: every other blank's reason starts with this word.
SECONDARY = "secondary"

#: Per table: the count whose blank blanks its whole row (a site's n), and, for attrition,
#: whose smallness does (a hidden baseline of 30 may stand beside a shown retained count).
_ROW_TOTAL = {"site_effects": "n", "pooled": "n", "attrition": "n_baseline"}

_REASONS = {
    ("site_effects", "n"): "fewer than {m} participants",
    ("pooled", "n"): "fewer than {m} participants",
    ("site_effects", "count"): "fewer than {m} participants in this category",
    ("pooled", "count"): "fewer than {m} participants in this category",
    ("comparison", "count"): "a group has fewer than {m} participants",
    ("attrition", "n_baseline"): "fewer than {m} participants at baseline",
    ("attrition", "count"): "fewer than {m} retained or dropped",
    ("attrition_baseline", "count"): "fewer than {m} completers or dropouts",
    ("n_participants", "count"): "fewer than {m} participants in total",
}
_SECONDARY_REASON = (
    f"{SECONDARY}: hidden so that no suppressed count can be worked out from published "
    "totals and sums (in this table or another)"
)


def row_labels(frame: pd.DataFrame, table: str) -> list[str]:
    """The ``row`` label of each row of ``table`` in the ``suppressed`` records."""
    keys = KEYS[table]
    return [
        ", ".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
        for values in zip(*(frame[k].to_numpy() for k in keys), strict=True)
    ]


def cell_kinds(ledger: Ledger, hidden: np.ndarray, primary: np.ndarray, min_cell: int):
    """Per ledger cell: blank, and whether "fewer than min_cell" is true and may be printed.

    A blank count may say "< 10" when its own quantity is small (primary), or when the row
    total that blanked it is small (every count of such a row is below min_cell too).
    """
    quantity = ledger.cells["quantity"].to_numpy()
    value = ledger.cells["value"].to_numpy()
    blank = ledger.hidden_cells(hidden)
    small = blank & primary[quantity]
    if len(ledger.rules):
        trigger, target = ledger.rules[:, 0], ledger.rules[:, 1]
        by_small_total = primary[quantity[trigger]] & (value[target] < min_cell)
        small[target[by_small_total]] = blank[target[by_small_total]]
    return blank, small


def cut_tables(
    result: EvaluationResult, ledger: Ledger, blank: np.ndarray, small: np.ndarray, min_cell: int
) -> tuple[dict[str, pd.DataFrame], list[dict], bool]:
    """The tables with blank cells as NaN, the records of why, and whether n_participants is."""
    records: list[dict] = []
    tables: dict[str, pd.DataFrame] = {}
    table_of = ledger.cells["table"].to_numpy()
    rows_of = ledger.cells["row"].to_numpy()
    column_of = ledger.cells["column"].to_numpy()
    for table, keys in KEYS.items():
        source = getattr(result, table).reset_index(drop=True)
        blank_at: dict[int, dict[str, bool]] = {}
        for i in np.flatnonzero((table_of == table) & blank):
            blank_at.setdefault(int(rows_of[i]), {})[column_of[i]] = bool(small[i])
        figures = [c for c in source.columns if c not in keys]
        counts = [c for c in COUNTS[table] if c in source.columns]
        where = {c: j for j, c in enumerate(figures)}
        mask = np.zeros((len(source), len(figures)), dtype=bool)
        labels = row_labels(source, table) if blank_at else []
        across = (
            (source["site"].astype(str) == "all").to_numpy()
            if table == "comparison"
            else np.full(len(source), table in ("pooled", "attrition_baseline"))
        )
        for row, blanks in sorted(blank_at.items()):
            by_reason: dict[str, list[str]] = {}
            reasons = _row_reasons(
                table, blanks, figures, counts, min_cell, across_sites=bool(across[row])
            )
            for column, reason in reasons.items():
                by_reason.setdefault(reason, []).append(column)
                mask[row, where[column]] = True
            records.extend(
                {"table": table, "row": labels[row], "column": ", ".join(cols), "reason": reason}
                for reason, cols in by_reason.items()
            )
        columns = {}
        for column in source.columns:
            values = source[column].to_numpy()
            if column in where:
                # a blank is NaN, so whole numbers and flags of the figures become floats
                if values.dtype.kind in "iub":
                    values = values.astype(float)
                hide = mask[:, where[column]]
                if hide.any():
                    values = values.astype(float if values.dtype.kind == "f" else object)
                    values[hide] = np.nan
            columns[column] = values
        tables[table] = pd.DataFrame(columns, columns=source.columns)
    cells = ledger.cells.assign(blank=blank, small=small)
    everyone = cells[cells["table"] == "n_participants"]
    hide_total = bool(everyone["blank"].any())
    if hide_total:
        reason = (
            _REASONS[("n_participants", "count")].format(m=min_cell)
            if bool(everyone["small"].any())
            else _SECONDARY_REASON
        )
        records.append(
            {"table": "n_participants", "row": "all", "column": "n_participants", "reason": reason}
        )
    return tables, records, hide_total


def _row_reasons(
    table: str,
    blanks: dict[str, bool],
    figures: list[str],
    counts: list[str],
    min_cell: int,
    *,
    across_sites: bool,
) -> dict[str, str]:
    """Blank column -> reason, for one row with the blank counts ``blanks`` (count -> small).

    A site's effects go whole when its ``n`` is blank. A row about fewer than ``min_cell``
    people goes whole (its statistics describe them). A statistic of one site rests on its
    counts, so it goes when one of them is blank. A row across sites (pooled, "all",
    completers against dropouts) keeps its statistics when a count is hidden only to protect
    another (the statistic does not give the count), except the degrees of freedom.
    """

    def primary(column: str) -> str:
        own = _REASONS.get((table, column)) or _REASONS[(table, "count")]
        return own.format(m=min_cell)

    out = {c: primary(c) if is_small else _SECONDARY_REASON for c, is_small in blanks.items()}
    total = _ROW_TOTAL.get(table)
    small_total = total in blanks and blanks[total]
    if small_total or (table == "site_effects" and total in blanks):
        reason = primary(total) if small_total else None
        for column in figures:
            out[column] = reason or out.get(column, _SECONDARY_REASON)
        return out
    if table in ("site_effects", "pooled"):
        return out  # a reliable-change count: the effects rest on the whole row
    statistics = [c for c in figures if c not in counts]
    any_small = any(blanks.values())
    if table in ("comparison", "attrition") and not across_sites:
        hide, reason = statistics, None
    elif any_small:
        hide, reason = statistics, None
    else:
        hide, reason = [c for c in statistics if c in _FROM_COUNTS], _SECONDARY_REASON
    first_small = next((c for c, s in blanks.items() if s), None)
    for column in hide:
        out[column] = reason or (primary(first_small) if first_small else _SECONDARY_REASON)
    return out


#: Statistics that are a linear function of a row's counts (degrees of freedom).
_FROM_COUNTS = ("df", "df_ancova", "df_did")


def suppression_kinds(result: EvaluationResult, table: str) -> pd.DataFrame:
    """Per cell of a disclosed table: "" (shown), "small" or "hidden".

    Parameters
    ----------
    result : EvaluationResult
        A result from :func:`analysis.disclose`.
    table : str
        One of ``site_effects, pooled, comparison, attrition, attrition_baseline``.

    Returns
    -------
    pandas.DataFrame
        Same index and columns as the table. "small": a count hidden because it (or the
        row total it belongs to) is below ``min_cell``; only such a cell may print as
        "< 10". "hidden": any other blank (a count hidden so that a small one cannot be
        worked out, a percentage, a statistic): it prints as "not shown".
    """
    frame = getattr(result, table)
    kinds = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
    suppressed = result.suppressed
    if suppressed is None or suppressed.empty or frame.empty:
        return kinds
    mine = suppressed[suppressed["table"] == table]
    if mine.empty:
        return kinds
    position = {label: i for i, label in enumerate(row_labels(frame, table))}
    columns = {c: j for j, c in enumerate(frame.columns)}
    counts = set(COUNTS.get(table, ()))
    for label, column_list, reason in mine[["row", "column", "reason"]].itertuples(index=False):
        i = position.get(label)
        if i is None:
            continue
        secondary = str(reason).startswith(SECONDARY)
        for column in str(column_list).split(", "):
            if column in columns:
                kind = "small" if column in counts and not secondary else "hidden"
                kinds.iat[i, columns[column]] = kind
    return kinds


def row_hidden_because(result: EvaluationResult, table: str, row: pd.Series | object) -> str:
    """Why a row whose total is blank is blank: ``"too_few"`` or ``"secondary"``.

    For ``site_effects`` and ``pooled`` (the total is ``n``): "too_few" when the total is
    below ``min_cell``, "secondary" when it was left out only so that a small count cannot
    be worked out (saying "fewer than 10" there would be false).
    """
    keys = KEYS[table]
    values = (
        [row[k] for k in keys]
        if isinstance(row, pd.Series | dict)
        else [getattr(row, k) for k in keys]
    )
    label = ", ".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
    total = _ROW_TOTAL.get(table, "n")
    records = result.suppressed
    if records is None or records.empty:
        return "too_few"
    mine = records[(records["table"] == table) & (records["row"] == label)]
    for column_list, reason in mine[["column", "reason"]].itertuples(index=False):
        if total in str(column_list).split(", "):
            return "secondary" if str(reason).startswith(SECONDARY) else "too_few"
    return "too_few"
