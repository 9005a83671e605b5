"""Reading the scales of an instrument file: items, method, range, bands and conversion tables.

A scale is read once the items are: its declared range is checked against the range its items
give, and a conversion table against every raw sum they can make.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.errors import worded
from surveys.model import METHODS, SCORABLE_TYPES, Band, Item, Scale
from surveys.schema_reader import SchemaReader

_SCALE_KEYS = {
    "id",
    "title",
    "items",
    "method",
    "min_items",
    "range",
    "bands",
    "higher_is_better",
    "reference_sd",
    "reliability",
    "reference_source",
    "reference_source_translations",
    "conversion",
}


def read_scale(r: SchemaReader, raw: Any, path: str, items: dict[str, Item]) -> Scale | None:
    """The scale at ``path`` over ``items`` (id -> Item), or None when it cannot be built."""
    if not isinstance(raw, Mapping):
        r.fail(path, "scale_not_mapping")
        return None
    r.unknown_keys(raw, _SCALE_KEYS, path)
    scale_id = r.ident(raw.get("id"), f"{path}.id")
    members = raw.get("items")
    if not isinstance(members, list) or not members:
        r.fail(f"{path}.items", "scale_items_empty")
        members = []
    for j, item_id in enumerate(members):
        if item_id not in items:
            r.fail(f"{path}.items[{j}]", "unknown_item", item=repr(item_id))
        elif items[item_id].type not in SCORABLE_TYPES:
            r.fail(f"{path}.items[{j}]", "not_scorable", type=items[item_id].type)
        elif items[item_id].type == "number" and None in (items[item_id].min, items[item_id].max):
            # The scale's range and reverse keying come from the item's bounds.
            r.fail(f"{path}.items[{j}]", "scale_needs_range", scale=scale_id, item=item_id)
    if len(set(members)) != len(members):
        r.fail(f"{path}.items", "item_twice")
    method = raw.get("method")
    if method not in METHODS:
        r.fail(f"{path}.method", "method", value=repr(method))
    min_items = raw.get("min_items", len(members))
    if r.integer(min_items, f"{path}.min_items") is not None and not (
        1 <= min_items <= max(len(members), 1)
    ):
        r.fail(f"{path}.min_items", "min_items", n=len(members), value=min_items)
    declared = raw.get("range")
    if not isinstance(declared, list) or len(declared) != 2:
        r.fail(f"{path}.range", "range_pair")
        declared = [None, None]
    lo = r.number(declared[0], f"{path}.range[0]")
    hi = r.number(declared[1], f"{path}.range[1]")
    title = r.translations(raw.get("title"), f"{path}.title", required=False)
    reliability = r.number(raw.get("reliability"), f"{path}.reliability", allow_none=True)
    if reliability is not None and not 0 < reliability < 1:
        r.fail(f"{path}.reliability", "reliability", value=reliability)
    sd = r.number(raw.get("reference_sd"), f"{path}.reference_sd", allow_none=True)
    if sd is not None and sd <= 0:
        r.fail(f"{path}.reference_sd", "above_zero")
    ref = r.text(raw.get("reference_source"), f"{path}.reference_source", required=False)
    if (reliability is not None or sd is not None) and not ref:
        r.fail(f"{path}.reference_source", "reference_needed")
    if r.problems:  # broken items make the range meaningless; their problems are reported
        return None
    computed = _computed_range(method, [items[m] for m in members])
    conversion = None
    if raw.get("conversion") is not None:
        conversion = _read_conversion(r, raw, path, [items[m] for m in members], computed)
        if conversion:
            computed = (min(conversion.values()), max(conversion.values()))
    if (lo, hi) != computed:
        r.fail(
            f"{path}.range",
            "range_declared",
            lo=lo,
            hi=hi,
            item_lo=computed[0],
            item_hi=computed[1],
        )
    bands = _read_bands(r, raw.get("bands"), f"{path}.bands", (lo, hi))
    return Scale(
        id=scale_id,
        items=tuple(members),
        method=method,
        min_items=min_items,
        range=(lo, hi),
        title=title,
        bands=bands,
        higher_is_better=r.flag(raw.get("higher_is_better"), f"{path}.higher_is_better", True),
        reference_sd=sd,
        reliability=reliability,
        reference_source=ref or None,
        reference_source_translations=r.translations(
            raw.get("reference_source_translations"),
            f"{path}.reference_source_translations",
            required=False,
        ),
        conversion=conversion,
    )


def _read_conversion(r: SchemaReader, raw: Mapping, path: str, members: list[Item], raw_range):
    """A table raw sum -> converted score, covering every possible raw sum."""
    where = f"{path}.conversion"
    table = raw["conversion"]
    if raw.get("method") != "sum" or raw.get("min_items", len(members)) != len(members):
        r.fail(where, "conversion_needs")
        return None
    if not isinstance(table, Mapping) or not table:
        r.fail(where, "conversion_not_mapping")
        return None
    out: dict[float, float] = {}
    for key, value in table.items():
        try:
            number = float(key)
        except (TypeError, ValueError):
            r.fail(f"{where}.{key}", "not_raw_sum")
            continue
        converted = r.number(value, f"{where}.{key}")
        if converted is not None:
            out[number] = converted
    whole = all(item.type != "number" for item in members) and all(
        float(p).is_integer() for item in members for p in item.score_bounds()
    )
    if whole:
        wanted = {float(v) for v in range(int(raw_range[0]), int(raw_range[1]) + 1)}
        if set(out) != wanted:
            missing = ", ".join(f"{m:g}" for m in sorted(wanted - set(out)))
            extra = ", ".join(f"{e:g}" for e in sorted(set(out) - wanted))
            r.fail(
                where,
                "conversion_cover",
                lo=raw_range[0],
                hi=raw_range[1],
                missing=worded("schema", "conversion_missing", values=missing) if missing else "",
                impossible=worded("schema", "conversion_impossible", values=extra) if extra else "",
            )
            return None
    return out


def _computed_range(method: str, members: list[Item]) -> tuple[float, float]:
    bounds = [item.score_bounds() for item in members]
    lo, hi = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    if method == "mean":
        return lo / len(bounds), hi / len(bounds)
    return lo, hi


def _read_bands(r: SchemaReader, value: Any, path: str, scale_range) -> tuple[Band, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.fail(path, "bands_not_list")
        return ()
    bands = []
    for k, raw in enumerate(value):
        where = f"{path}[{k}]"
        if not isinstance(raw, Mapping):
            r.fail(where, "band_not_mapping")
            continue
        r.unknown_keys(raw, {"id", "min", "max", "label"}, where)
        band_id = r.ident(raw.get("id"), f"{where}.id")
        lo = r.number(raw.get("min"), f"{where}.min")
        hi = r.number(raw.get("max"), f"{where}.max")
        labels = r.translations(raw.get("label"), f"{where}.label")
        if lo is None or hi is None:
            continue
        if lo > hi:
            r.fail(where, "min_above_max", min=lo, max=hi)
        if lo < scale_range[0] or hi > scale_range[1]:
            r.fail(
                where,
                "band_outside",
                lo=lo,
                hi=hi,
                scale_lo=scale_range[0],
                scale_hi=scale_range[1],
            )
        if bands and lo <= bands[-1].hi:
            r.fail(f"{where}.min", "band_overlap", end=bands[-1].hi)
        bands.append(Band(band_id, lo, hi, labels))
    return tuple(bands)
