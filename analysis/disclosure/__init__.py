"""Statistical disclosure control: blank figures about fewer than min_cell participants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analysis.reliable_change import CATEGORIES
from analysis.results import EvaluationResult

#: The smallest min_cell allowed (DESIGN.md: "configurable, never below 5").
MIN_CELL_FLOOR = 5

_KEYS = {
    "site_effects": ["scale", "site", "group", "wave_from", "wave_to"],
    "pooled": ["scale", "group", "wave_from", "wave_to"],
    "comparison": ["scale", "wave_from", "wave_to", "site"],
    "attrition": ["site", "group", "wave"],
    "attrition_baseline": ["scale", "group"],
}


class _Suppressor:
    """Blanks cells of one table and records each blanked row with its reason."""

    def __init__(self, name: str, frame: pd.DataFrame, records: list[dict]):
        self.name = name
        self.frame = frame.copy()
        for column in self.frame.columns:
            if column not in _KEYS.get(name, []) and self.frame[column].dtype.kind in "iub":
                self.frame[column] = self.frame[column].astype(float)
        self.records = records

    def blank(self, rows: np.ndarray, columns: list[str], reason: str) -> None:
        rows = np.asarray(rows, dtype=bool)
        if not rows.any():
            return
        columns = [c for c in columns if c in self.frame.columns]
        self.frame.loc[rows, columns] = np.nan
        keys = _KEYS[self.name]
        for _, row in self.frame.loc[rows, keys].iterrows():
            self.records.append(
                {
                    "table": self.name,
                    "row": ", ".join(f"{k}={row[k]}" for k in keys),
                    "column": ", ".join(columns),
                    "reason": reason,
                }
            )


def disclose(result: EvaluationResult, *, min_cell: int = 10) -> EvaluationResult:
    """A copy of ``result`` fit to publish: figures about fewer than ``min_cell`` blanked.

    Parameters
    ----------
    result : EvaluationResult
        The output of :func:`analysis.evaluate`.
    min_cell : int, default 10
        The smallest number of participants a published figure may rest on; at least 5.

    Returns
    -------
    EvaluationResult
        The same tables with blanked cells as NaN, ``min_cell`` set, and ``suppressed``
        listing every blanked row: ``table, row, column, reason``.

    Raises
    ------
    ValueError
        If ``min_cell`` is below 5 or not a whole number.

    Notes
    -----
    Primary suppression blanks every figure of a row based on fewer than ``min_cell``
    participants (a site's effects, a per-site comparison, an attrition row, a baseline
    comparison of dropouts) and every count from 1 to ``min_cell - 1`` (reliable-change
    categories, dropouts). Secondary suppression then blanks the next smallest figure
    wherever a blanked one could be recovered by subtraction: within a row (the counts
    sum to ``n``; retained plus dropped is the baseline), and across the sites of one
    pooled row (the site ``n`` and counts sum to the pooled ones), until no blanked
    figure is the only unknown of a published total (Hundepool et al. 2012, ch. 4 and 5).
    Models fitted on everyone (pooled estimates, the mixed model) stay when their total
    reaches ``min_cell``.

    References
    ----------
    Hundepool, A., et al. (2012). *Statistical disclosure control*. Wiley.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis import ScaleInfo, evaluate
    >>> rng = np.random.default_rng(1)
    >>> people = np.arange(40)
    >>> base = rng.normal(3, 0.6, 40)
    >>> frame = pd.DataFrame({"participant": np.tile(people, 2),
    ...     "site": np.tile(np.where(people < 6, "small", "large"), 2),
    ...     "group": "intervention", "wave": np.repeat(["T0", "T1"], 40),
    ...     "scale": "brs", "score": np.r_[base, base + 0.4 + rng.normal(0, 0.3, 40)]})
    >>> result = evaluate(frame, "pre_post", {"brs": ScaleInfo("BRS", True, 0.7, 0.8)})
    >>> safe = disclose(result)
    >>> bool(safe.site_effects.loc[safe.site_effects["site"] == "small", "d_z"].isna().all())
    True
    """
    if isinstance(min_cell, bool) or not float(min_cell).is_integer():
        raise ValueError(f"min_cell must be a whole number of participants; got {min_cell}.")
    min_cell = int(min_cell)
    if min_cell < MIN_CELL_FLOOR:
        raise ValueError(
            f"min_cell must be at least {MIN_CELL_FLOOR} (published tables never show "
            f"smaller groups); got {min_cell}."
        )
    records: list[dict] = []

    def small(values: pd.Series) -> np.ndarray:
        v = values.to_numpy(dtype=float)
        return (v > 0) & (v < min_cell)

    sites = _Suppressor("site_effects", result.site_effects, records)
    pooled = _Suppressor("pooled", result.pooled, records)
    _site_effects(sites, pooled, min_cell)

    comparison = _Suppressor("comparison", result.comparison, records)
    frame = comparison.frame
    if len(frame):
        few = (frame["n_intervention"].to_numpy(float) < min_cell) | (
            frame["n_comparison"].to_numpy(float) < min_cell
        )
        comparison.blank(
            few,
            [c for c in frame.columns if c not in _KEYS["comparison"]],
            f"a group has fewer than {min_cell} participants",
        )

    attrition = _Suppressor("attrition", result.attrition, records)
    frame = attrition.frame
    if len(frame):
        tiny = frame["n_baseline"].to_numpy(float) < min_cell
        attrition.blank(
            tiny,
            ["n_baseline", "n_retained", "n_dropped", "retention"],
            f"fewer than {min_cell} participants at baseline",
        )
        partial = ~tiny & (small(frame["n_retained"]) | small(frame["n_dropped"]))
        attrition.blank(
            partial,
            ["n_retained", "n_dropped", "retention"],
            f"fewer than {min_cell} retained or dropped (each is the baseline minus the other)",
        )

    baseline = _Suppressor("attrition_baseline", result.attrition_baseline, records)
    frame = baseline.frame
    if len(frame):
        few = (frame["n_completers"].to_numpy(float) < min_cell) | (
            frame["n_dropouts"].to_numpy(float) < min_cell
        )
        baseline.blank(
            few,
            [c for c in frame.columns if c not in _KEYS["attrition_baseline"]],
            f"fewer than {min_cell} completers or dropouts",
        )

    mixed_model = result.mixed_model.copy()
    variance = result.variance_components.copy()
    n_participants: int | None = result.n_participants
    if result.n_participants < min_cell:
        n_participants = None
        mixed_model = mixed_model.iloc[0:0]
        variance = variance.iloc[0:0]
        records.append(
            {
                "table": "mixed_model",
                "row": "all",
                "column": "all",
                "reason": f"fewer than {min_cell} participants in total",
            }
        )

    return dataclasses.replace(
        result,
        n_participants=n_participants,
        site_effects=sites.frame,
        pooled=pooled.frame,
        comparison=comparison.frame,
        attrition=attrition.frame,
        attrition_baseline=baseline.frame,
        mixed_model=mixed_model,
        variance_components=variance,
        suppressed=pd.DataFrame(records, columns=["table", "row", "column", "reason"]),
        min_cell=min_cell,
    )


def _site_effects(sites: _Suppressor, pooled: _Suppressor, min_cell: int) -> None:
    frame = sites.frame
    if frame.empty:
        return
    figures = [c for c in frame.columns if c not in _KEYS["site_effects"]]
    counts = frame[list(CATEGORIES)].to_numpy(dtype=float)
    n = frame["n"].to_numpy(dtype=float)
    row_hidden = n < min_cell
    cell_hidden = (counts > 0) & (counts < min_cell) & ~row_hidden[:, None]
    secondary_rows = np.zeros_like(row_hidden)
    secondary_cells = np.zeros_like(cell_hidden)
    group_keys = frame[_KEYS["pooled"]].astype(str).agg("|".join, axis=1).to_numpy()
    groups = [np.flatnonzero(group_keys == g) for g in pd.unique(group_keys)]
    changed = True
    while changed:
        changed = False
        # across sites: a single hidden site n is the pooled n minus the others
        for idx in groups:
            if row_hidden[idx].sum() == 1 and idx.size > 1:
                candidates = idx[~row_hidden[idx]]
                pick = candidates[np.argmin(n[candidates])]
                row_hidden[pick] = secondary_rows[pick] = True
                cell_hidden[pick] = False
                changed = True
        # within a row: a single hidden count is n minus the other counts
        for i in np.flatnonzero(~row_hidden & (cell_hidden.sum(axis=1) == 1)):
            open_cells = np.flatnonzero(~cell_hidden[i] & (counts[i] > 0))
            if open_cells.size:
                pick = open_cells[np.argmin(counts[i, open_cells])]
                cell_hidden[i, pick] = secondary_cells[i, pick] = True
                changed = True
        # across sites per category: a single unknown is the pooled count minus the others
        for idx in groups:
            for c in range(len(CATEGORIES)):
                unknown = row_hidden[idx] | cell_hidden[idx, c]
                if unknown.sum() == 1 and idx.size > 1:
                    open_rows = idx[~unknown & (counts[idx, c] > 0)]
                    if open_rows.size:
                        pick = open_rows[np.argmin(counts[open_rows, c])]
                        cell_hidden[pick, c] = secondary_cells[pick, c] = True
                        changed = True
    primary_rows = row_hidden & ~secondary_rows
    sites.blank(primary_rows, figures, f"fewer than {min_cell} participants")
    sites.blank(
        secondary_rows,
        figures,
        "secondary: would reveal a suppressed site by subtraction from the pooled total",
    )
    for c, name in enumerate(CATEGORIES):
        primary = cell_hidden[:, c] & ~secondary_cells[:, c]
        sites.blank(primary, [name], f"fewer than {min_cell} participants in this category")
        sites.blank(
            secondary_cells[:, c],
            [name],
            "secondary: would reveal a suppressed count by subtraction",
        )

    frame = pooled.frame
    if frame.empty:
        return
    few = frame["n"].to_numpy(dtype=float) < min_cell
    pooled.blank(
        few,
        [c for c in frame.columns if c not in _KEYS["pooled"]],
        f"fewer than {min_cell} participants",
    )
    counts = frame[list(CATEGORIES)].to_numpy(dtype=float)
    hidden = (counts > 0) & (counts < min_cell) & ~few[:, None]
    extra = np.zeros_like(hidden)
    for i in np.flatnonzero(hidden.sum(axis=1) == 1):
        open_cells = np.flatnonzero(~hidden[i] & (counts[i] > 0))
        if open_cells.size:
            extra[i, open_cells[np.argmin(counts[i, open_cells])]] = True
    for c, name in enumerate(CATEGORIES):
        pooled.blank(hidden[:, c], [name], f"fewer than {min_cell} participants in this category")
        pooled.blank(extra[:, c], [name], "secondary: would reveal a suppressed count")
