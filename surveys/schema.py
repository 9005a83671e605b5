"""Reading an instrument file: checks every key and reports file, key path and problem."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import yaml

from surveys.errors import InstrumentError
from surveys.model import (
    CHOICE_TYPES,
    ITEM_TYPES,
    KINDS,
    METHODS,
    SCORABLE_TYPES,
    TRANSLATION_STATUSES,
    Band,
    Item,
    Option,
    Scale,
)

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_TOP_KEYS = {
    "id",
    "version",
    "kind",
    "title",
    "instructions",
    "languages",
    "translation_sources",
    "licence",
    "citation",
    "notes",
    "items",
    "scales",
    "option_sets",
    "levels",
    "domains",
}
_ITEM_KEYS = {
    "id",
    "type",
    "text",
    "options",
    "required",
    "reverse",
    "min",
    "max",
    "max_length",
    "scores",
    "hint",
}
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
    "conversion",
}
_YES_NO_DEFAULT = [
    {"value": 1, "label": {"en": "Yes", "nl": "Ja"}},
    {"value": 0, "label": {"en": "No", "nl": "Nee"}},
]


class _Reader:
    """Collects problems with their key paths, so one run reports every broken key."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, problem: str) -> None:
        self.problems.append((path, problem))

    def unknown_keys(self, data: Mapping, allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.fail(where, f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def ident(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(path, f"must be an identifier (letters, digits, _), got {value!r}")
            return str(value)
        return value

    def text(self, value: Any, path: str, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(path, f"must be a non-empty text, got {value!r}")
            return ""
        return value

    def translations(self, value: Any, path: str, required: bool = True) -> dict[str, str]:
        if value is None and not required:
            return {}
        if not isinstance(value, Mapping) or (required and not value):
            self.fail(path, "must be a mapping of language code to text, e.g. {nl: ..., en: ...}")
            return {}
        out = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not _LANG.match(lang):
                self.fail(f"{path}.{lang}", "is not a language code like 'nl' or 'en'")
            elif not isinstance(text, str) or not text.strip():
                self.fail(f"{path}.{lang}", f"must be a non-empty text, got {text!r}")
            else:
                out[lang] = text
        return out

    def number(self, value: Any, path: str, allow_none: bool = False) -> float | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a number, got {value!r}")
            return None
        if not math.isfinite(value):
            self.fail(path, f"must be a number, got {value!r}")
            return None
        return float(value)

    def integer(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be a whole number, got {value!r}")
            return None
        return value

    def flag(self, value: Any, path: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {value!r}")
            return default
        return value


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes an InstrumentError naming the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(source, [(where, f"not valid YAML: {problem}")]) from None


def instrument_fields(data: str | Mapping[str, Any], source: str) -> dict[str, Any]:
    """The fields of an instrument from YAML text or a mapping, every key checked.

    :func:`surveys.parse_instrument` builds the :class:`surveys.Instrument` from them.

    Raises
    ------
    InstrumentError
        With one line per problem: ``source: key.path: problem``.
    """
    if isinstance(data, str):
        data = load_yaml_text(data, source)
    if not isinstance(data, Mapping):
        raise InstrumentError(source, [("", "the file must hold a mapping (id, version, ...)")])
    reader = _Reader(source)
    fields = _read_instrument(reader, data)
    if reader.problems:
        raise InstrumentError(source, reader.problems)
    return fields


def _read_instrument(r: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    r.unknown_keys(data, _TOP_KEYS, "")
    for key in ("id", "version", "title", "languages"):
        if key not in data:
            r.fail(key, "is required")
    inst_id = r.ident(data.get("id"), "id") if "id" in data else ""
    version = data.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        r.fail("version", f'must be quoted text, e.g. "{version}", so 1.10 stays 1.10')
    elif "version" in data:
        version = r.text(version, "version")
    kind = data.get("kind", "questionnaire")
    if kind not in KINDS:
        r.fail("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    title = r.translations(data.get("title"), "title") if "title" in data else {}
    instructions = r.translations(data.get("instructions"), "instructions", required=False)
    languages = _read_languages(r, data.get("languages"))
    sources = r.translations(data.get("translation_sources"), "translation_sources", False)

    option_sets = _read_option_sets(r, data.get("option_sets"))
    raw_items = data.get("items")
    if kind == "matrix" and raw_items is None:
        raw_items = _matrix_items(r, data)
    elif "domains" in data or "levels" in data:
        r.fail("domains", "'domains' and 'levels' are only for kind: matrix without items")
    if not isinstance(raw_items, list) or not raw_items:
        r.fail("items", "must be a non-empty list of items")
        raw_items = []
    items = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        item = _read_item(r, raw, f"items[{i}]", option_sets)
        if item is None:
            continue
        if item.id in seen:
            r.fail(f"items[{i}].id", f"duplicate item id {item.id!r}")
        seen.add(item.id)
        items.append(item)

    raw_scales = data.get("scales") or []
    if not isinstance(raw_scales, list):
        r.fail("scales", "must be a list of scales")
        raw_scales = []
    by_id = {item.id: item for item in items}
    scales = []
    scale_ids: set[str] = set()
    for i, raw in enumerate(raw_scales):
        scale = _read_scale(r, raw, f"scales[{i}]", by_id)
        if scale is None:
            continue
        if scale.id in scale_ids:
            r.fail(f"scales[{i}].id", f"duplicate scale id {scale.id!r}")
        scale_ids.add(scale.id)
        scales.append(scale)

    _check_languages_used(r, languages, title, items)
    return {
        "id": inst_id,
        "version": str(version),
        "title": title,
        "items": tuple(items),
        "scales": tuple(scales),
        "instructions": instructions,
        "languages": languages,
        "translation_sources": sources,
        "licence": r.text(data.get("licence"), "licence", required=False),
        "citation": r.text(data.get("citation"), "citation", required=False),
        "kind": kind,
        "notes": r.text(data.get("notes"), "notes", required=False),
    }


def _read_languages(r: _Reader, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not value:
        r.fail("languages", "must map language code to original, validated or working")
        return {}
    out = {}
    for lang, status in value.items():
        if not isinstance(lang, str) or not _LANG.match(lang):
            r.fail(f"languages.{lang}", "is not a language code like 'nl' or 'en'")
        elif status not in TRANSLATION_STATUSES:
            r.fail(
                f"languages.{lang}",
                f"must be one of {', '.join(TRANSLATION_STATUSES)}, got {status!r}",
            )
        else:
            out[lang] = status
    return out


def _check_languages_used(r: _Reader, languages: dict, title: dict, items: list[Item]) -> None:
    """Every text must be given in every declared language, and in no other."""
    if not languages:
        return
    declared = set(languages)
    if set(title) != declared:
        r.fail("title", f"languages {sorted(title)} differ from declared {sorted(declared)}")
    for i, item in enumerate(items):
        if set(item.text) != declared:
            r.fail(
                f"items[{i}].text",
                f"languages {sorted(item.text)} differ from declared {sorted(declared)}",
            )
        for j, option in enumerate(item.options):
            if set(option.labels) != declared:
                r.fail(
                    f"items[{i}].options[{j}].label",
                    f"languages {sorted(option.labels)} differ from declared {sorted(declared)}",
                )


def _read_option_sets(r: _Reader, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        r.fail("option_sets", "must map a name to a list of options")
        return {}
    return dict(value)


def _read_options(r: _Reader, value: Any, path: str, option_sets: dict) -> tuple[Option, ...]:
    if isinstance(value, str):
        if value not in option_sets:
            r.fail(path, f"names option set {value!r}, which option_sets does not define")
            return ()
        path, value = f"option_sets.{value}", option_sets[value]
    if not isinstance(value, list) or not value:
        r.fail(path, "must be a non-empty list of {value, label} options or an option set name")
        return ()
    options = []
    values: set[int] = set()
    for j, raw in enumerate(value):
        where = f"{path}[{j}]"
        if not isinstance(raw, Mapping):
            r.fail(where, "must be a mapping with value and label")
            continue
        r.unknown_keys(raw, {"value", "label"}, where)
        number = r.integer(raw.get("value"), f"{where}.value")
        labels = r.translations(raw.get("label"), f"{where}.label")
        if number is None:
            continue
        if number in values:
            r.fail(f"{where}.value", f"duplicate option value {number}")
        values.add(number)
        options.append(Option(number, labels))
    return tuple(options)


def _read_item(r: _Reader, raw: Any, path: str, option_sets: dict) -> Item | None:
    if not isinstance(raw, Mapping):
        r.fail(path, "must be a mapping with id, type and text")
        return None
    r.unknown_keys(raw, _ITEM_KEYS, path)
    item_id = r.ident(raw.get("id"), f"{path}.id")
    kind = raw.get("type")
    if kind not in ITEM_TYPES:
        r.fail(f"{path}.type", f"must be one of {', '.join(ITEM_TYPES)}, got {kind!r}")
        return None
    text = r.translations(raw.get("text"), f"{path}.text")
    hint = r.translations(raw.get("hint"), f"{path}.hint", required=False)
    options: tuple[Option, ...] = ()
    raw_options = raw.get("options")
    if kind == "yes_no" and raw_options is None:
        raw_options = _YES_NO_DEFAULT
    if kind in (*CHOICE_TYPES, "multiple_choice"):
        options = _read_options(r, raw_options, f"{path}.options", option_sets)
    elif raw_options is not None:
        r.fail(f"{path}.options", f"a {kind} item has no options")
    lo = r.number(raw.get("min"), f"{path}.min", allow_none=True)
    hi = r.number(raw.get("max"), f"{path}.max", allow_none=True)
    if kind == "year":
        lo = 1900.0 if lo is None else lo
        hi = 2100.0 if hi is None else hi
    if kind in ("number", "year"):
        if kind == "number" and (lo is None or hi is None):
            r.fail(path, "a number item needs min and max")
        elif lo is not None and hi is not None and lo > hi:
            r.fail(f"{path}.min", f"min {lo:g} is above max {hi:g}")
    elif lo is not None or hi is not None:
        r.fail(f"{path}.min", f"a {kind} item has no min or max")
    max_length = None
    if kind == "text":
        max_length = r.integer(raw.get("max_length"), f"{path}.max_length")
        if max_length is not None and max_length < 1:
            r.fail(f"{path}.max_length", "must be at least 1")
    elif "max_length" in raw:
        r.fail(f"{path}.max_length", f"a {kind} item has no max_length")
    scores = _read_scores(r, raw.get("scores"), f"{path}.scores", kind, options)
    reverse = r.flag(raw.get("reverse"), f"{path}.reverse", False)
    if reverse and kind not in SCORABLE_TYPES:
        r.fail(f"{path}.reverse", f"a {kind} item cannot be reverse-keyed")
    return Item(
        id=item_id,
        type=kind,
        text=text,
        options=options,
        required=r.flag(raw.get("required"), f"{path}.required", True),
        reverse=reverse,
        min=lo,
        max=hi,
        max_length=max_length,
        scores=scores,
        hint=hint,
    )


def _read_scores(r: _Reader, value: Any, path: str, kind: str, options) -> dict | None:
    if value is None:
        return None
    if kind not in CHOICE_TYPES:
        r.fail(path, f"a {kind} item has no option scores")
        return None
    if not isinstance(value, Mapping):
        r.fail(path, "must map each option value to its points, e.g. {1: 1, 2: 1, 3: 0}")
        return None
    out: dict[int, float] = {}
    for key, points in value.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            r.fail(f"{path}.{key}", "is not an option value")
            continue
        score = r.number(points, f"{path}.{key}")
        if score is not None:
            out[number] = score
    wanted = {o.value for o in options}
    if options and set(out) != wanted:
        r.fail(path, f"must give points for exactly the option values {sorted(wanted)}")
    return out


def _read_scale(r: _Reader, raw: Any, path: str, items: dict[str, Item]) -> Scale | None:
    if not isinstance(raw, Mapping):
        r.fail(path, "must be a mapping with id, items and method")
        return None
    r.unknown_keys(raw, _SCALE_KEYS, path)
    scale_id = r.ident(raw.get("id"), f"{path}.id")
    members = raw.get("items")
    if not isinstance(members, list) or not members:
        r.fail(f"{path}.items", "must be a non-empty list of item ids")
        members = []
    for j, item_id in enumerate(members):
        if item_id not in items:
            r.fail(f"{path}.items[{j}]", f"unknown item {item_id!r}")
        elif items[item_id].type not in SCORABLE_TYPES:
            r.fail(f"{path}.items[{j}]", f"a {items[item_id].type} item cannot be scored")
    if len(set(members)) != len(members):
        r.fail(f"{path}.items", "lists an item twice")
    method = raw.get("method")
    if method not in METHODS:
        r.fail(f"{path}.method", f"must be sum or mean, got {method!r}")
    min_items = raw.get("min_items", len(members))
    if r.integer(min_items, f"{path}.min_items") is not None and not (
        1 <= min_items <= max(len(members), 1)
    ):
        r.fail(f"{path}.min_items", f"must be from 1 to {len(members)}, got {min_items}")
    declared = raw.get("range")
    if not isinstance(declared, list) or len(declared) != 2:
        r.fail(f"{path}.range", "must be [lowest, highest]")
        declared = [None, None]
    lo = r.number(declared[0], f"{path}.range[0]")
    hi = r.number(declared[1], f"{path}.range[1]")
    title = r.translations(raw.get("title"), f"{path}.title", required=False)
    reliability = r.number(raw.get("reliability"), f"{path}.reliability", allow_none=True)
    if reliability is not None and not 0 < reliability < 1:
        r.fail(f"{path}.reliability", f"must be between 0 and 1, got {reliability:g}")
    sd = r.number(raw.get("reference_sd"), f"{path}.reference_sd", allow_none=True)
    if sd is not None and sd <= 0:
        r.fail(f"{path}.reference_sd", "must be above 0")
    ref = r.text(raw.get("reference_source"), f"{path}.reference_source", required=False)
    if (reliability is not None or sd is not None) and not ref:
        r.fail(f"{path}.reference_source", "is required when reliability or reference_sd is set")
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
            f"declared [{lo:g}, {hi:g}] but the items give [{computed[0]:g}, {computed[1]:g}]",
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
        conversion=conversion,
    )


def _read_conversion(r: _Reader, raw: Mapping, path: str, members: list[Item], raw_range):
    """A table raw sum -> converted score, covering every possible raw sum."""
    where = f"{path}.conversion"
    table = raw["conversion"]
    if raw.get("method") != "sum" or raw.get("min_items", len(members)) != len(members):
        r.fail(where, "needs method: sum and every item answered (min_items = number of items)")
        return None
    if not isinstance(table, Mapping) or not table:
        r.fail(where, "must map each raw sum to its converted score, e.g. {7: 7.0, 8: 9.51}")
        return None
    out: dict[float, float] = {}
    for key, value in table.items():
        try:
            number = float(key)
        except (TypeError, ValueError):
            r.fail(f"{where}.{key}", "is not a raw sum")
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
            problem = f"must cover every raw sum from {raw_range[0]:g} to {raw_range[1]:g}"
            problem += f"; missing {missing}" if missing else ""
            problem += f"; impossible {extra}" if extra else ""
            r.fail(where, problem)
            return None
    return out


def _computed_range(method: str, members: list[Item]) -> tuple[float, float]:
    bounds = [item.score_bounds() for item in members]
    lo, hi = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    if method == "mean":
        return lo / len(bounds), hi / len(bounds)
    return lo, hi


def _read_bands(r: _Reader, value: Any, path: str, scale_range) -> tuple[Band, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.fail(path, "must be a list of {id, min, max, label}")
        return ()
    bands = []
    for k, raw in enumerate(value):
        where = f"{path}[{k}]"
        if not isinstance(raw, Mapping):
            r.fail(where, "must be a mapping with id, min, max and label")
            continue
        r.unknown_keys(raw, {"id", "min", "max", "label"}, where)
        band_id = r.ident(raw.get("id"), f"{where}.id")
        lo = r.number(raw.get("min"), f"{where}.min")
        hi = r.number(raw.get("max"), f"{where}.max")
        labels = r.translations(raw.get("label"), f"{where}.label")
        if lo is None or hi is None:
            continue
        if lo > hi:
            r.fail(where, f"min {lo:g} is above max {hi:g}")
        if lo < scale_range[0] or hi > scale_range[1]:
            r.fail(
                where,
                f"[{lo:g}, {hi:g}] lies outside the scale range "
                f"[{scale_range[0]:g}, {scale_range[1]:g}]",
            )
        if bands and lo <= bands[-1].hi:
            r.fail(f"{where}.min", f"overlaps the band before it (which ends at {bands[-1].hi:g})")
        bands.append(Band(band_id, lo, hi, labels))
    return tuple(bands)


def _matrix_items(r: _Reader, data: Mapping[str, Any]) -> list[dict]:
    """Expand the matrix shorthand: every domain is an item rated on the shared levels."""
    domains, levels = data.get("domains"), data.get("levels")
    if not isinstance(domains, list) or not domains:
        r.fail("domains", "a matrix needs a non-empty list of domains (or a list of items)")
        return []
    if levels is None:
        r.fail("levels", "a matrix needs levels: the options every domain is rated on")
        return []
    items = []
    for i, domain in enumerate(domains):
        if not isinstance(domain, Mapping):
            r.fail(f"domains[{i}]", "must be a mapping with id and text")
            continue
        r.unknown_keys(domain, {"id", "text", "required", "hint"}, f"domains[{i}]")
        items.append({**domain, "type": "likert", "options": levels})
    return items
