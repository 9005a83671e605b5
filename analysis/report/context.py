"""What every section of a report needs: the result, the meta data, texts, styles, formatting."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.charts import numbers
from analysis.charts.frame import scale_direction, scale_label
from analysis.report.document import Styles
from analysis.report.meta import ReportMeta
from analysis.report.texts import Texts
from analysis.results import EvaluationResult


@dataclass
class Context:
    """One report being written: inputs plus helpers that print numbers the report's way."""

    result: EvaluationResult
    meta: ReportMeta
    texts: Texts
    styles: Styles
    language: str
    _keys: itertools.count = field(default_factory=itertools.count)

    @property
    def min_cell(self) -> int:
        return int(self.result.min_cell or self.meta.min_cell)

    @property
    def hidden(self) -> str:
        """What a suppressed cell prints: ``< 10``."""
        return numbers.suppressed(self.min_cell)

    def key(self) -> str:
        """A new bookmark key."""
        return f"section-{next(self._keys)}"

    def site_names(self) -> dict[str, str]:
        return {site.id: site.name for site in self.meta.sites}

    def site_name(self, site: object) -> str:
        return self.site_names().get(str(site), str(site))

    def scale_name(self, scale: str) -> str:
        info = self.meta.scale_info.get(scale)
        return info.label if info is not None else scale_label(self.result, scale)

    def higher_is_better(self, scale: str) -> bool:
        info = self.meta.scale_info.get(scale)
        if info is not None:
            return bool(info.higher_is_better)
        direction = scale_direction(self.result, scale)
        return True if direction is None else direction

    def wave_name(self, label: object) -> str:
        """ "voormeting (T0)" when the meta data name the wave, else its label."""
        names = dict(self.meta.waves)
        name = names.get(str(label))
        return f"{name} ({label})" if name else str(label)

    def wave_pairs(self) -> list[tuple[str, str]]:
        """The wave pairs of the site effects, in the order of the waves."""
        table = self.result.site_effects
        order = {w: i for i, w in enumerate(self.result.waves)}
        pairs = {
            (str(a), str(b)) for a, b in zip(table["wave_from"], table["wave_to"], strict=True)
        }
        return sorted(pairs, key=lambda p: (order.get(p[0], 0), order.get(p[1], 0)))

    # -- numbers, with "< 10" where a figure was suppressed -------------------------------
    def num(self, value: object, decimals: int = 2, *, hidden: bool = True) -> str:
        if hidden and numbers.is_missing(value):
            return self.hidden
        return numbers.number(value, decimals, self.language)

    def count(self, value: object, *, hidden: bool = True) -> str:
        if hidden and numbers.is_missing(value):
            return self.hidden
        return numbers.count(value)

    def interval(self, low: object, high: object, decimals: int = 2) -> str:
        return numbers.interval(low, high, decimals, self.language)

    def p(self, value: object) -> str:
        return numbers.p_value(value, self.language)

    def percent(self, share: object) -> str:
        return numbers.percent(share, self.language, empty=self.hidden)

    def mean_sd(self, mean: object, sd: object) -> str:
        if numbers.is_missing(mean):
            return self.hidden
        return f"{self.num(mean)} ({self.num(sd)})"

    def estimate_ci(self, estimate: object, low: object, high: object) -> str:
        if numbers.is_missing(estimate):
            return self.hidden
        return f"{self.num(estimate)} {self.interval(low, high)}"


def overall_retention(result: EvaluationResult) -> tuple[float, str] | None:
    """Share of the intervention group's starters still there at the last wave, all sites.

    Taken from ``attrition_baseline`` (completers and dropouts across all sites, first
    scale with both counts shown), not from the per-site rows: those are partly blanked,
    and a total of the visible rows would be biased.
    """
    table = result.attrition_baseline
    if table is None or table.empty or not len(result.waves):
        return None
    rows = table[table["group"] == "intervention"]
    for row in rows.itertuples(index=False):
        kept, dropped = float(row.n_completers), float(row.n_dropouts)
        if np.isfinite(kept) and np.isfinite(dropped) and kept + dropped > 0:
            return kept / (kept + dropped), str(result.waves[-1])
    return None


def intervention_pooled(result: EvaluationResult) -> pd.DataFrame:
    """Pooled rows of the intervention group."""
    pooled = result.pooled
    return pooled[pooled["group"] == "intervention"]
