"""What every chart shares: the Drawing that carries its text alternative, rows, direction."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from reportlab.graphics.shapes import Drawing
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.validators import isString
from reportlab.pdfbase.pdfmetrics import stringWidth

from analysis.results import EvaluationResult

#: Width of every chart in points: the text width of an A4 page with 2 cm margins.
WIDTH = 481.0


class Chart(Drawing):
    """A reportlab Drawing with a title and a description (its text alternative)."""

    _attrMap = AttrMap(
        BASE=Drawing,
        title=AttrMapValue(isString, desc="short name of the chart"),
        description=AttrMapValue(isString, desc="the chart's content in words"),
    )

    def __init__(self, width: float, height: float, *, title: str, description: str):
        super().__init__(width, height)
        self.title = title
        self.description = description
        # the renderers start from this font: the embedded one, never an unembedded Helvetica
        self.initialFontName = fonts()[0]


def fonts() -> tuple[str, str]:
    """The embedded (regular, bold) font names, registered on first use."""
    # imported here: analysis.report imports the charts, so the charts load it lazily
    from analysis.report.fonts import register_fonts

    return register_fonts()


def wave_pair_of(wave_pair: tuple[str, str] | str) -> tuple[str, str]:
    """("T0", "T1") from a tuple or from "T0-T1"."""
    if isinstance(wave_pair, str):
        parts = wave_pair.split("-")
        if len(parts) != 2:
            raise ValueError(f"A wave pair is two wave labels like 'T0-T1'; got {wave_pair!r}.")
        return parts[0], parts[1]
    wave_from, wave_to = wave_pair
    return str(wave_from), str(wave_to)


def site_rows(
    result: EvaluationResult, scale: str, wave_pair: tuple[str, str], group: str
) -> pd.DataFrame:
    """The ``site_effects`` rows of one scale x group x wave pair, in the table's order."""
    if scale not in result.scales:
        raise ValueError(f"The result has no scale {scale!r}; it has {', '.join(result.scales)}.")
    table = result.site_effects
    chosen = (
        (table["scale"] == scale)
        & (table["group"] == group)
        & (table["wave_from"] == wave_pair[0])
        & (table["wave_to"] == wave_pair[1])
    )
    return table[chosen].reset_index(drop=True)


def pooled_row(
    result: EvaluationResult, scale: str, wave_pair: tuple[str, str], group: str
) -> pd.Series | None:
    """The ``pooled`` row of one scale x group x wave pair, or None."""
    table = result.pooled
    chosen = table[
        (table["scale"] == scale)
        & (table["group"] == group)
        & (table["wave_from"] == wave_pair[0])
        & (table["wave_to"] == wave_pair[1])
    ]
    return None if chosen.empty else chosen.iloc[0]


def scale_label(result: EvaluationResult, scale: str) -> str:
    """The scale's display name (``result.scales`` maps id to a label or a ScaleInfo)."""
    value = result.scales.get(scale, scale)
    return str(getattr(value, "label", value))


def scale_direction(result: EvaluationResult, scale: str, given: bool | None = None) -> bool | None:
    """Direction of improvement of ``scale``: as given, from a ScaleInfo, or from the results.

    ``site_effects.improvement`` is ``d_z`` with its sign flipped when lower is better, so
    any row where both are known and non-zero tells the direction. None when nothing does.
    """
    if given is not None:
        return bool(given)
    info = result.scales.get(scale)
    if hasattr(info, "higher_is_better"):
        return bool(info.higher_is_better)
    rows = result.site_effects[result.site_effects["scale"] == scale]
    d = rows["d_z"].to_numpy(dtype=float)
    improvement = rows["improvement"].to_numpy(dtype=float)
    known = np.isfinite(d) & np.isfinite(improvement) & (d != 0)
    if not known.any():
        return None
    return bool(np.sign(improvement[known][0]) == np.sign(d[known][0]))


def in_site_order(rows: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    """``rows`` in the order of ``names`` (e.g. the report's site list); others after, as given."""
    if not names or rows.empty:
        return rows
    order = {site: i for i, site in enumerate(names)}
    rank = rows["site"].astype(str).map(order).fillna(len(order))
    return rows.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)


def site_label(site: object, names: Mapping[str, str] | None) -> str:
    """The name to show for a site id (its id when no name is given)."""
    return str((names or {}).get(str(site), site))


def fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` shortened with an ellipsis so that it fits ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values covering [low, high], about ``target`` of them."""
    span = max(high - low, 1e-9)
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-6:
        ticks.append(round(value, 10))
        value += step
    return ticks


def hidden_because(result: EvaluationResult, row: pd.Series | object) -> str:
    """Why a blanked ``site_effects`` row is blank: "too_few" or "secondary".

    A secondary blank hides a site that has enough participants, because its figures
    would reveal a small site by subtraction from the pooled total; saying "fewer than
    10" there would be false.
    """
    keys = ("scale", "site", "group", "wave_from", "wave_to")
    if isinstance(row, pd.Series | dict):
        values = [row[k] for k in keys]
    else:
        values = [getattr(row, k) for k in keys]
    label = ", ".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
    return "secondary" if label in _secondary_rows(result.suppressed) else "too_few"


_SECONDARY: dict[int, tuple[pd.DataFrame, frozenset[str]]] = {}


def _secondary_rows(suppressed: pd.DataFrame | None) -> frozenset[str]:
    """Rows of ``site_effects`` blanked whole for secondary reasons only (cached per table)."""
    if suppressed is None or suppressed.empty:
        return frozenset()
    cached = _SECONDARY.get(id(suppressed))
    if cached is not None and cached[0] is suppressed:
        return cached[1]
    sites = suppressed[suppressed["table"] == "site_effects"]
    whole = sites[sites["column"].str.split(", ").map(lambda columns: "n" in columns)]
    reasons = whole.groupby("row")["reason"].agg(lambda r: r.str.startswith("secondary").all())
    rows = frozenset(reasons.index[reasons.to_numpy(dtype=bool)])
    if len(_SECONDARY) > 32:
        _SECONDARY.clear()
    _SECONDARY[id(suppressed)] = (suppressed, rows)
    return rows
