"""Validation, scoring and quality flags for a DataFrame of many responses, column by column.

Each row is one response, each column an item id. Results equal the per-response functions
applied to ``df.to_dict("records")`` (scores up to floating-point summation order). Numeric
columns are checked with numpy; text and mixed columns cell by cell with the same rules as
:func:`surveys.validation.check_value`. Missing-data codes are valid and count as not given.
An instrument with conditions or constraints is worked through row by row instead
(:mod:`surveys.frame_rows`): which items apply depends on each row's other answers.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveys.errors import field_message
from surveys.frame_rows import ERROR_COLUMNS, errors_by_row, flags_by_row, scores_by_row
from surveys.model import CHOICE_TYPES, InstrumentDefinition, Item
from surveys.quality import (
    DEFAULT_RULES,
    QualityRules,
    keyed_groups,
    quality_flags,
    straight_line_items,
)
from surveys.scoring import score_answers
from surveys.validation import (
    check_value,
    is_missing,
    is_missing_code,
    range_wording,
    validate_answers,
)

__all__ = ["ERROR_COLUMNS", "quality_frame", "score_frame", "validate_frame"]


@dataclass
class _Column:
    """One item column analysed: missing cells, problem per cell, and points per valid cell.

    A missing-data code is neither missing (it is an answer) nor valid (it counts as not given).
    """

    missing: np.ndarray  # bool
    codes: np.ndarray  # object: None or an error code
    details: np.ndarray  # object: wording detail for wrong_type
    raw: np.ndarray  # float: the value for choice items when valid, else NaN
    points: np.ndarray  # float: scored points when valid, else NaN
    coded: np.ndarray | None = None  # bool: a missing-data code (None: the item has none)

    @property
    def valid(self) -> np.ndarray:
        valid = ~self.missing & (self.codes == None)  # noqa: E711 (elementwise on object array)
        return valid if self.coded is None else valid & ~self.coded


def _is_plain_numeric(col: pd.Series) -> bool:
    dtype = col.dtype
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not pd.api.types.is_complex_dtype(dtype)
    )


def _analyse_numeric(item: Item, col: pd.Series, missing_codes: frozenset[int]) -> _Column:
    values = col.to_numpy(dtype="float64", na_value=np.nan)
    n = len(values)
    missing = np.isnan(values)
    coded = None
    if missing_codes:
        coded = np.isin(values, np.array(sorted(missing_codes), dtype="float64"))
    # A code is checked no further: it is treated from here on as a gap that is no error.
    present = ~missing if coded is None else ~missing & ~coded
    finite = np.isfinite(values)
    codes = np.full(n, None, dtype=object)
    details = np.full(n, "", dtype=object)
    raw = np.full(n, np.nan)
    points = np.full(n, np.nan)
    kind = item.type
    with np.errstate(invalid="ignore"):
        whole = finite & (np.floor(values) == values)
    if kind in (*CHOICE_TYPES, "year"):
        wrong = present & ~whole
        codes[wrong] = "wrong_type"
        details[wrong] = "choice" if kind in CHOICE_TYPES else "year"
        if kind == "year":
            outside = present & whole & ((values < item.min) | (values > item.max))
            codes[outside] = "out_of_range"
        else:
            options = np.array(sorted(item.option_values), dtype="float64")
            unknown = present & whole & ~np.isin(values, options)
            codes[unknown] = "invalid_option"
            ok = present & whole & ~unknown
            raw[ok] = values[ok]
            lookup = np.array([item.item_score(int(v)) for v in options])
            points[ok] = lookup[np.searchsorted(options, values[ok])]
    elif kind == "number":
        wrong = present & ~finite
        codes[wrong] = "wrong_type"
        details[wrong] = "number"
        finite = finite & present
        if item.integer:
            fraction = finite & ~whole
            codes[fraction] = "wrong_type"
            details[fraction] = "integer"
            finite = finite & whole
        # A bound the item does not give is no bound (a number outside every scale may have
        # none); reverse keying needs both, which a scored item has.
        lo = -np.inf if item.min is None else item.min
        hi = np.inf if item.max is None else item.max
        with np.errstate(invalid="ignore"):
            outside = finite & ((values < lo) | (values > hi))
        codes[outside] = "out_of_range"
        details[outside] = range_wording(item)[0]
        ok = finite & ~outside
        points[ok] = (lo + hi - values[ok]) if item.reverse else values[ok]
    else:  # multiple choice and text never take a bare number
        codes[present] = "wrong_type"
        details[present] = kind
    return _Column(missing, codes, details, raw, points, coded)


def _analyse_cells(item: Item, col: pd.Series, missing_codes: frozenset[int]) -> _Column:
    cells = col.to_numpy(dtype=object)
    n = len(cells)
    missing = np.fromiter((is_missing(v) for v in cells), dtype=bool, count=n)
    coded = None
    if missing_codes:
        coded = np.fromiter((is_missing_code(v, missing_codes) for v in cells), bool, count=n)
        coded &= ~missing
    codes = np.full(n, None, dtype=object)
    details = np.full(n, "", dtype=object)
    raw = np.full(n, np.nan)
    points = np.full(n, np.nan)
    scorable = item.type in (*CHOICE_TYPES, "number")
    for i in np.flatnonzero(~missing if coded is None else ~missing & ~coded):
        problem = check_value(item, cells[i])
        if problem is not None:
            codes[i], details[i] = problem[0], problem[1]
        elif scorable:
            if item.type in CHOICE_TYPES:
                raw[i] = float(cells[i])
            points[i] = item.item_score(cells[i])
    return _Column(missing, codes, details, raw, points, coded)


def _analyse(item: Item, df: pd.DataFrame, missing_codes: frozenset[int] = frozenset()) -> _Column:
    if item.id not in df.columns:
        n = len(df)
        return _Column(
            np.ones(n, dtype=bool),
            np.full(n, None, dtype=object),
            np.full(n, "", dtype=object),
            np.full(n, np.nan),
            np.full(n, np.nan),
        )
    col = df[item.id]
    if _is_plain_numeric(col):
        return _analyse_numeric(item, col, missing_codes)
    return _analyse_cells(item, col, missing_codes)


def _by_row(instrument: InstrumentDefinition) -> bool:
    """Whether the frame must be worked through row by row (conditions or constraints)."""
    return instrument.has_conditions or instrument.has_constraints


def _codes(instrument: InstrumentDefinition, item: Item) -> frozenset[int]:
    return instrument.missing_values.get(item.id, frozenset())


def _check_frame(df: pd.DataFrame) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, not {type(df)}")
    if not df.columns.is_unique:
        raise ValueError("the DataFrame has duplicate column names; each item needs one column")


def validate_frame(
    instrument: InstrumentDefinition, df: pd.DataFrame, ignore: Iterable[str] = ()
) -> pd.DataFrame:
    """Field errors for every row of ``df``, like :meth:`Instrument.validate` per row.

    Parameters
    ----------
    instrument : InstrumentDefinition
    df : DataFrame
        One response per row, one item per column.
    ignore : iterable of str
        Columns that are not answers (participant code, wave, ...); they are not reported as
        unknown items.

    Returns
    -------
    DataFrame
        Columns ``row`` (the index label), ``field``, ``code``, ``value``, ``message``,
        ``message_nl``; one row per error, ordered by row and then as the per-response
        function orders them. Empty when all rows are valid.
    """
    _check_frame(df)
    if _by_row(instrument):
        return errors_by_row(df, lambda answers: validate_answers(instrument, answers), ignore)
    ignored = set(ignore)
    n = len(df)
    parts: list[tuple[np.ndarray, int, str, np.ndarray, np.ndarray, np.ndarray, Item | None]] = []
    unknown_cols = [c for c in df.columns if c not in ignored and not instrument.has_item(c)]
    for order, column in enumerate(unknown_cols):
        col = df[column]
        if _is_plain_numeric(col):
            present = ~np.isnan(col.to_numpy(dtype="float64", na_value=np.nan))
        else:
            present = np.fromiter((not is_missing(v) for v in col.to_numpy(object)), bool, n)
        rows = np.flatnonzero(present)
        codes = np.full(len(rows), "unknown_item", dtype=object)
        parts.append(
            (
                rows,
                order - len(unknown_cols),
                str(column),
                codes,
                np.full(len(rows), "", dtype=object),
                col.to_numpy(object)[rows],
                None,
            )
        )
    for order, item in enumerate(instrument.items):
        analysed = _analyse(item, df, _codes(instrument, item))
        bad = analysed.codes != None  # noqa: E711
        if item.required:
            bad = bad | analysed.missing
        rows = np.flatnonzero(bad)
        if not len(rows):
            continue
        codes = analysed.codes[rows].copy()
        codes[analysed.missing[rows]] = "required"
        if item.id in df.columns:
            values = df[item.id].to_numpy(object)[rows].copy()
            values[analysed.missing[rows]] = None
        else:
            values = np.full(len(rows), None, dtype=object)
        parts.append((rows, order, item.id, codes, analysed.details[rows], values, item))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ERROR_COLUMNS})

    index = df.index.to_numpy(object)
    row_pos = np.concatenate([p[0] for p in parts])
    order_key = np.concatenate([np.full(len(p[0]), p[1]) for p in parts])
    fields = np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts])
    codes = np.concatenate([p[3] for p in parts])
    values = np.concatenate([p[5] for p in parts])
    en, nl = _messages(parts)
    sort = np.lexsort((order_key, row_pos))
    out = pd.DataFrame(
        {
            "row": index[row_pos[sort]],
            "field": fields[sort],
            "code": codes[sort],
            "value": values[sort],
            "message": en[sort],
            "message_nl": nl[sort],
        }
    )
    return out.reset_index(drop=True)


def _messages(parts) -> tuple[np.ndarray, np.ndarray]:
    en_all, nl_all = [], []
    for rows, _order, _field, codes, details, _values, item in parts:
        en = np.empty(len(rows), dtype=object)
        nl = np.empty(len(rows), dtype=object)
        for code, detail in set(zip(codes, details, strict=True)):
            params = {}
            if code == "out_of_range":
                params = range_wording(item)[1]
            elif code == "too_long":
                params = {"max_length": item.max_length}
            mask = (codes == code) & (details == detail)
            en[mask] = field_message(code, detail, "en", **params)
            nl[mask] = field_message(code, detail, "nl", **params)
        en_all.append(en)
        nl_all.append(nl)
    return np.concatenate(en_all), np.concatenate(nl_all)


def _scale_columns(instrument: InstrumentDefinition, df: pd.DataFrame) -> dict[str, _Column]:
    needed = {i for scale in instrument.scales for i in scale.items}
    needed.update(straight_line_items(instrument))
    return {
        item.id: _analyse(item, df, _codes(instrument, item))
        for item in instrument.items
        if item.id in needed
    }


def score_frame(instrument: InstrumentDefinition, df: pd.DataFrame) -> pd.DataFrame:
    """Scale scores for every row of ``df``, like :meth:`Instrument.score` per row.

    Returns
    -------
    DataFrame
        Same index as ``df``. Per scale three columns: ``<scale>`` (float, NaN when too few
        items answered), ``<scale>__items_answered`` (int) and ``<scale>__band`` (band id or
        None).
    """
    _check_frame(df)
    if _by_row(instrument):
        scale_ids = [scale.id for scale in instrument.scales]
        return scores_by_row(df, scale_ids, lambda answers: score_answers(instrument, answers))
    columns = _scale_columns(instrument, df)
    out: dict[str, object] = {}
    for scale in instrument.scales:
        points = np.column_stack([columns[i].points for i in scale.items])
        answered = np.sum(~np.isnan(points), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(points, axis=1) / answered
        value = mean if scale.method == "mean" else mean * len(scale.items)
        if scale.conversion is not None:
            value = _convert(scale.conversion, np.nansum(points, axis=1))
        value = np.where((answered >= scale.min_items) & (answered > 0), value, np.nan)
        out[scale.id] = value
        out[f"{scale.id}__items_answered"] = answered.astype("int64")
        # object dtype keeps None (pandas would otherwise infer a string column with NaN)
        out[f"{scale.id}__band"] = pd.Series(_bands(scale, value), index=df.index, dtype=object)
    return pd.DataFrame(out, index=df.index)


def _convert(table: dict[float, float], raw: np.ndarray) -> np.ndarray:
    keys = np.array(sorted(table))
    values = np.array([table[k] for k in keys])
    pos = np.clip(np.searchsorted(keys, raw), 0, len(keys) - 1)
    return np.where(keys[pos] == raw, values[pos], np.nan)


def _bands(scale, value: np.ndarray) -> np.ndarray:
    result = np.full(len(value), None, dtype=object)
    if not scale.bands:
        return result
    lows = np.array([b.lo for b in scale.bands])
    ids = np.array([b.id for b in scale.bands], dtype=object)
    with np.errstate(invalid="ignore"):
        pos = np.searchsorted(lows, value, side="right") - 1
        ok = ~np.isnan(value) & (pos >= 0) & (value <= scale.bands[-1].hi)
    result[ok] = ids[pos[ok]]
    return result


def quality_frame(
    instrument: InstrumentDefinition,
    df: pd.DataFrame,
    duration_seconds: Sequence[float] | pd.Series | None = None,
    rules: QualityRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """Data-quality flags for every row, like :meth:`Instrument.quality_flags` per row.

    Returns
    -------
    DataFrame
        Same index as ``df``; one boolean column per flag code in
        :data:`surveys.quality.QUALITY_FLAGS`.
    """
    _check_frame(df)
    if _by_row(instrument):
        return flags_by_row(
            df, lambda answers, d: quality_flags(instrument, answers, d, rules), duration_seconds
        )
    n = len(df)
    analysed = {item.id: _analyse(item, df, _codes(instrument, item)) for item in instrument.items}
    valid = {k: c.valid for k, c in analysed.items()}
    n_valid = np.sum(np.column_stack([valid[i.id] for i in instrument.items]), axis=1)

    straight_ids = straight_line_items(instrument)
    straight = np.zeros(n, dtype=bool)
    if straight_ids:
        raw = np.column_stack([analysed[i].raw for i in straight_ids])
        count = np.sum(~np.isnan(raw), axis=1)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
            same = np.nanmax(raw, axis=1) == np.nanmin(raw, axis=1)
        straight = (count >= rules.min_straight_items) & same

    inconsistent = np.zeros(n, dtype=bool)
    for forward, reverse, width in keyed_groups(instrument):
        f = np.column_stack([analysed[i].points for i in forward])
        r = np.column_stack([analysed[i].points for i in reverse])
        with np.errstate(invalid="ignore", divide="ignore"):
            f_mean = np.nansum(f, axis=1) / np.sum(~np.isnan(f), axis=1)
            r_mean = np.nansum(r, axis=1) / np.sum(~np.isnan(r), axis=1)
            inconsistent |= np.abs(f_mean - r_mean) >= rules.inconsistency_fraction * width

    too_fast = np.zeros(n, dtype=bool)
    if duration_seconds is not None:
        durations = np.asarray(duration_seconds, dtype="float64")
        if durations.shape != (n,):
            raise ValueError(f"duration_seconds needs one value per row ({n})")
        with np.errstate(invalid="ignore"):
            too_fast = (n_valid > 0) & (durations < rules.seconds_per_item * n_valid)

    unscored = np.zeros(n, dtype=bool)
    for scale in instrument.scales:
        answered = np.sum(np.column_stack([valid[i] for i in scale.items]), axis=1)
        unscored |= answered < scale.min_items
    missing = len(instrument.items) - n_valid
    too_many = unscored | (missing > rules.max_missing_fraction * len(instrument.items))
    return pd.DataFrame(
        {
            "straight_lining": straight,
            "reverse_inconsistent": inconsistent,
            "too_fast": too_fast,
            "too_many_missing": too_many,
        },
        index=df.index,
    )
