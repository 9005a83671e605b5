"""The frame functions row by row, for instruments whose conditions or constraints make rows differ.

Which items apply, and whether a constraint holds, depends on the other answers of the same
row; such a frame is worked through with the per-response functions, one row at a time, and
put together in the shape the vectorised functions of :mod:`surveys.frame` give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from surveys.errors import FieldError
from surveys.model import ScaleScore
from surveys.quality import QUALITY_FLAGS

ERROR_COLUMNS = ["row", "field", "code", "value", "message", "message_nl"]


def row_answers(df: pd.DataFrame, ignore: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Each row as a mapping column -> value (plain Python values), ``ignore`` left out."""
    ignored = set(ignore)
    records = df.to_dict("records")
    if ignored:
        records = [{k: v for k, v in r.items() if k not in ignored} for r in records]
    return records


def errors_by_row(
    df: pd.DataFrame, errors_of: Callable[[dict[str, Any]], list[FieldError]], ignore=()
) -> pd.DataFrame:
    """One row per error of every row (as :func:`surveys.frame.validate_frame` gives them)."""
    rows = []
    for label, answers in zip(df.index, row_answers(df, ignore), strict=True):
        for e in errors_of(answers):
            rows.append((label, e.field, e.code, e.value, e.message, e.message_nl))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ERROR_COLUMNS})
    columns = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object)
            for name, values in zip(ERROR_COLUMNS, columns, strict=True)
        }
    )


def scores_by_row(
    df: pd.DataFrame,
    scale_ids: Sequence[str],
    scores_of: Callable[[dict[str, Any]], dict[str, ScaleScore]],
) -> pd.DataFrame:
    """Per scale ``<scale>``, ``<scale>__items_answered`` and ``<scale>__band``, row by row."""
    results = [scores_of(answers) for answers in row_answers(df)]
    out: dict[str, object] = {}
    for scale_id in scale_ids:
        got = [r[scale_id] for r in results]
        out[scale_id] = np.array(
            [np.nan if s.value is None else s.value for s in got], dtype="float64"
        )
        out[f"{scale_id}__items_answered"] = np.array(
            [s.items_answered for s in got], dtype="int64"
        )
        out[f"{scale_id}__band"] = pd.Series([s.band for s in got], index=df.index, dtype=object)
    return pd.DataFrame(out, index=df.index)


def flags_by_row(
    df: pd.DataFrame,
    flags_of: Callable[[dict[str, Any], float | None], list[str]],
    duration_seconds: Sequence[float] | pd.Series | None = None,
) -> pd.DataFrame:
    """One boolean column per flag of :data:`surveys.quality.QUALITY_FLAGS`, row by row."""
    n = len(df)
    durations: list[float | None] = [None] * n
    if duration_seconds is not None:
        given = np.asarray(duration_seconds, dtype="float64")
        if given.shape != (n,):
            raise ValueError(f"duration_seconds needs one value per row ({n})")
        durations = [float(d) for d in given]
    flags = [
        set(flags_of(answers, d)) for answers, d in zip(row_answers(df), durations, strict=True)
    ]
    return pd.DataFrame(
        {flag: np.array([flag in f for f in flags], dtype=bool) for flag in QUALITY_FLAGS},
        index=df.index,
    )
