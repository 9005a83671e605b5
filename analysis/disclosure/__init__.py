"""Statistical disclosure control: no published figure about fewer than min_cell participants,
not even by subtraction from other published figures.

:func:`disclose` is the one entry point. It works in three steps:
:mod:`~analysis.disclosure.relations` lists every count the result publishes and every linear
relation between them (totals, sums, the same number in two tables) in a
:class:`~analysis.disclosure.ledger.Ledger`;
:mod:`~analysis.disclosure.solver` decides which counts to hide (small ones, and enough others
that no hidden one follows from the published ones); :mod:`~analysis.disclosure.tables` cuts
every table to that one decision and says why each cell is blank.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from analysis.disclosure.ledger import COUNTS, KEYS, Ledger
from analysis.disclosure.relations import build_ledger
from analysis.disclosure.solver import determined, protect
from analysis.disclosure.tables import (
    SECONDARY,
    cell_kinds,
    cut_tables,
    row_hidden_because,
    suppression_kinds,
)
from analysis.results import EvaluationResult

__all__ = [
    "COUNTS",
    "KEYS",
    "MIN_CELL_FLOOR",
    "SECONDARY",
    "Ledger",
    "build_ledger",
    "determined",
    "disclose",
    "row_hidden_because",
    "suppression_kinds",
]

#: The smallest min_cell allowed (DESIGN.md: "configurable, never below 5").
MIN_CELL_FLOOR = 5


def disclose(result: EvaluationResult, *, min_cell: int = 10) -> EvaluationResult:
    """A copy of ``result`` fit to publish: no count below ``min_cell``, not even by subtraction.

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
        listing the blank cells of each row with the reason: ``table, row, column, reason``.
        A reason starting with "secondary" marks a blank that is not itself small;
        :func:`suppression_kinds` turns the records into "small" / "hidden" per cell.

    Raises
    ------
    ValueError
        If ``min_cell`` is below 5 or not a whole number.

    Notes
    -----
    All tables are protected as one problem (linked tables; Hundepool et al. 2012, ch. 4
    and 5). Every count that any table publishes (a site's ``n`` and reliable-change
    counts, pooled sums, the comparison table's per-site and "all" ``n``, attrition
    counts, the completers and dropouts, ``n_participants``) is a quantity; a quantity
    printed in two places is one quantity. The ledger knows every linear relation between
    them: counts add up to ``n``, pooled rows and "all" rows sum the sites they cover
    (only the sites that were pooled), retained plus dropped is the baseline, and the
    relations that hold when no score is missing (the same ``n`` on every scale, retained
    at a wave = pairs from the baseline to it, totals of the attrition rows) wherever they
    hold in the data.

    Primary suppression hides every count from 1 to ``min_cell - 1``. Secondary
    suppression then hides further counts until no hidden one is determined by the
    published ones: a hidden count is determined when its unit vector lies in the row
    space of the relations restricted to the hidden counts (the linear audit of a
    suppression pattern; Cox 1980). Partners are chosen greedily, cheapest first (a cell
    of the attrition table before a site's effects, those before a pooled total). A row
    whose total is hidden is hidden whole (a site's effects, an attrition row); a statistic
    is hidden when a count it rests on is. Models fitted on everyone (pooled estimates, the
    mixed model) stay when their total reaches ``min_cell``.

    References
    ----------
    Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association*, 75, 377-385.
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
    Spicer, K., & de Wolf, P.-P. (2012). *Statistical disclosure control*. Wiley.

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
    ledger = build_ledger(result)
    primary = ledger.primary(min_cell)
    _, hidden = protect(
        ledger.relations, primary, ledger.hidden, ledger.cost, ledger.values, ledger.total
    )
    blank, small = cell_kinds(ledger, hidden, primary, min_cell)
    tables, records, hide_total = cut_tables(result, ledger, blank, small, min_cell)

    mixed_model = result.mixed_model.copy()
    variance = result.variance_components.copy()
    if result.n_participants is not None and result.n_participants < min_cell:
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
        n_participants=None if hide_total else result.n_participants,
        **tables,
        mixed_model=mixed_model,
        variance_components=variance,
        suppressed=pd.DataFrame(records, columns=["table", "row", "column", "reason"]),
        min_cell=min_cell,
    )
