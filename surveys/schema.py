"""Reading an instrument file: its top-level keys, languages, items and options, every key checked.

Reading and checking are one pass: each key is checked as it is read into the model's parts, so
one run reports every problem, with file, key path and problem. Scales are read in
:mod:`surveys.schema_scales`, once the items they score are known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml

from surveys.errors import InstrumentError, worded
from surveys.model import (
    CHOICE_TYPES,
    ITEM_TYPES,
    KINDS,
    SCORABLE_TYPES,
    TRANSLATION_STATUSES,
    Item,
    Option,
)
from surveys.schema_conditions import (
    check_instrument_parts,
    check_item_parts,
    check_languages,
    read_condition,
    read_groups,
)
from surveys.schema_reader import SchemaReader
from surveys.schema_scales import read_scale

_TOP_KEYS = {
    "id",
    "version",
    "kind",
    "title",
    "instructions",
    "languages",
    "translation_sources",
    "licence",
    "licence_translations",
    "section_title",
    "citation",
    "notes",
    "items",
    "scales",
    "option_sets",
    "levels",
    "domains",
    "relevant",
    "groups",
    "missing_codes",
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
    "relevant",
    "group",
    "missing",
    "integer",
    "constraint",
    "constraint_message",
}
_YES_NO_DEFAULT = [
    {"value": 1, "label": {"en": "Yes", "nl": "Ja"}},
    {"value": 0, "label": {"en": "No", "nl": "Nee"}},
]


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes an InstrumentError naming the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(
            source, [(where, worded("schema", "not_yaml", problem=problem))]
        ) from None


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
        raise InstrumentError(source, [("", worded("schema", "not_mapping"))])
    reader = SchemaReader(source)
    fields = _read_instrument(reader, data)
    if reader.problems:
        raise InstrumentError(source, reader.problems)
    return fields


def _read_instrument(r: SchemaReader, data: Mapping[str, Any]) -> dict[str, Any]:
    r.unknown_keys(data, _TOP_KEYS, "")
    for key in ("id", "version", "title", "languages"):
        if key not in data:
            r.fail(key, "required")
    inst_id = r.ident(data.get("id"), "id") if "id" in data else ""
    version = data.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        r.fail("version", "version_number", version=version)
    elif "version" in data:
        version = r.text(version, "version")
    kind = data.get("kind", "questionnaire")
    r.choice(kind, KINDS, "kind")
    title = r.translations(data.get("title"), "title") if "title" in data else {}
    instructions = r.translations(data.get("instructions"), "instructions", required=False)
    languages = _read_languages(r, data.get("languages"))
    sources = r.translations(data.get("translation_sources"), "translation_sources", False)

    option_sets = _read_option_sets(r, data.get("option_sets"))
    groups = read_groups(r, data.get("groups"))
    relevant = read_condition(r, data.get("relevant"), "relevant")
    missing_codes = ()
    if data.get("missing_codes") is not None:
        missing_codes = _read_options(r, data["missing_codes"], "missing_codes", option_sets)
    raw_items = data.get("items")
    if kind == "matrix" and raw_items is None:
        raw_items = _matrix_items(r, data)
    elif "domains" in data or "levels" in data:
        r.fail("domains", "matrix_only")
    if not isinstance(raw_items, list) or not raw_items:
        r.fail("items", "items_empty")
        raw_items = []
    items = _read_each(
        r, raw_items, "items", lambda raw, path: _read_item(r, raw, path, option_sets)
    )

    raw_scales = data.get("scales") or []
    if not isinstance(raw_scales, list):
        r.fail("scales", "scales_not_list")
        raw_scales = []
    by_id = {item.id: item for item in items}
    scales = _read_each(r, raw_scales, "scales", lambda raw, path: read_scale(r, raw, path, by_id))

    _check_languages_used(r, languages, title, items)
    check_instrument_parts(r, items, groups, relevant, missing_codes)
    if languages:
        check_languages(r, set(languages), items, groups, missing_codes)
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
        "licence_translations": r.translations(
            data.get("licence_translations"), "licence_translations", required=False
        ),
        "citation": r.text(data.get("citation"), "citation", required=False),
        "kind": kind,
        "notes": r.text(data.get("notes"), "notes", required=False),
        "section_title": r.translations(data.get("section_title"), "section_title", required=False),
        "relevant": relevant,
        "groups": groups,
        "missing_codes": missing_codes,
    }


def _read_each(r: SchemaReader, entries: list, key: str, read: Callable) -> list:
    """``read(entry, path)`` for each entry under ``key`` that reads; a repeated id is a problem."""
    out, seen = [], set()
    for i, entry in enumerate(entries):
        part = read(entry, f"{key}[{i}]")
        if part is None:
            continue
        if part.id in seen:
            r.fail(f"{key}[{i}].id", f"duplicate_{key.removesuffix('s')}", id=part.id)
        seen.add(part.id)
        out.append(part)
    return out


def _read_languages(r: SchemaReader, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not value:
        r.fail("languages", "languages_not_mapping")
        return {}
    out = {}
    for lang, status in value.items():
        path = f"languages.{lang}"
        if r.language(lang, path) and r.choice(status, TRANSLATION_STATUSES, path):
            out[lang] = status
    return out


def _check_languages_used(r: SchemaReader, languages: dict, title: dict, items: list[Item]) -> None:
    """Every text must be given in every declared language, and in no other."""
    if not languages:
        return
    declared = set(languages)
    if set(title) != declared:
        r.fail("title", "languages_differ", given=sorted(title), declared=sorted(declared))
    for i, item in enumerate(items):
        if set(item.text) != declared:
            r.fail(
                f"items[{i}].text",
                "languages_differ",
                given=sorted(item.text),
                declared=sorted(declared),
            )
        for j, option in enumerate(item.options):
            if set(option.labels) != declared:
                r.fail(
                    f"items[{i}].options[{j}].label",
                    "languages_differ",
                    given=sorted(option.labels),
                    declared=sorted(declared),
                )


def _read_option_sets(r: SchemaReader, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        r.fail("option_sets", "option_sets_not_mapping")
        return {}
    return dict(value)


def _read_options(r: SchemaReader, value: Any, path: str, option_sets: dict) -> tuple[Option, ...]:
    if isinstance(value, str):
        if value not in option_sets:
            r.fail(path, "option_set_unknown", name=value)
            return ()
        path, value = f"option_sets.{value}", option_sets[value]
    if not isinstance(value, list) or not value:
        r.fail(path, "options_not_list")
        return ()
    options = []
    values: set[int] = set()
    for j, raw in enumerate(value):
        where = f"{path}[{j}]"
        if not isinstance(raw, Mapping):
            r.fail(where, "option_not_mapping")
            continue
        r.unknown_keys(raw, {"value", "label", "name"}, where)
        number = r.integer(raw.get("value"), f"{where}.value")
        labels = r.translations(raw.get("label"), f"{where}.label")
        name = r.text(raw["name"], f"{where}.name") if raw.get("name") is not None else None
        if number is None:
            continue
        if number in values:
            r.fail(f"{where}.value", "duplicate_option", value=number)
        values.add(number)
        options.append(Option(number, labels, name))
    return tuple(options)


def _read_item(r: SchemaReader, raw: Any, path: str, option_sets: dict) -> Item | None:
    if not isinstance(raw, Mapping):
        r.fail(path, "item_not_mapping")
        return None
    r.unknown_keys(raw, _ITEM_KEYS, path)
    item_id = r.ident(raw.get("id"), f"{path}.id")
    kind = raw.get("type")
    if not r.choice(kind, ITEM_TYPES, f"{path}.type"):
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
        r.fail(f"{path}.options", "no_options", type=kind)
    lo = r.number(raw.get("min"), f"{path}.min", allow_none=True)
    hi = r.number(raw.get("max"), f"{path}.max", allow_none=True)
    if kind == "year":
        lo = 1900.0 if lo is None else lo
        hi = 2100.0 if hi is None else hi
    if kind in ("number", "year"):
        # A number may leave out min, max or both (validation checks the bounds given); a
        # scale over it needs both, which read_scale checks.
        if lo is not None and hi is not None and lo > hi:
            r.fail(f"{path}.min", "min_above_max", min=lo, max=hi)
    elif lo is not None or hi is not None:
        r.fail(f"{path}.min", "no_range", type=kind)
    max_length = None
    if kind == "text":
        max_length = r.integer(raw.get("max_length"), f"{path}.max_length")
        if max_length is not None and max_length < 1:
            r.fail(f"{path}.max_length", "max_length_low")
    elif "max_length" in raw:
        r.fail(f"{path}.max_length", "no_max_length", type=kind)
    scores = _read_scores(r, raw.get("scores"), f"{path}.scores", kind, options)
    reverse = r.flag(raw.get("reverse"), f"{path}.reverse", False)
    if reverse and kind not in SCORABLE_TYPES:
        r.fail(f"{path}.reverse", "no_reverse", type=kind)
    elif reverse and kind == "number" and (lo is None or hi is None):
        r.fail(f"{path}.reverse", "reverse_needs_range")
    missing: tuple[Option, ...] = ()
    if raw.get("missing") is not None:
        missing = _read_options(r, raw["missing"], f"{path}.missing", option_sets)
    group = raw.get("group")
    item = Item(
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
        relevant=read_condition(r, raw.get("relevant"), f"{path}.relevant"),
        group=None if group is None else r.ident(group, f"{path}.group"),
        missing=missing,
        integer=r.flag(raw.get("integer"), f"{path}.integer", False),
        constraint=read_condition(r, raw.get("constraint"), f"{path}.constraint", True),
        constraint_message=r.translations(
            raw.get("constraint_message"), f"{path}.constraint_message", required=False
        ),
    )
    check_item_parts(r, raw, path, item)
    return item


def _read_scores(r: SchemaReader, value: Any, path: str, kind: str, options) -> dict | None:
    if value is None:
        return None
    if kind not in CHOICE_TYPES:
        r.fail(path, "no_scores", type=kind)
        return None
    if not isinstance(value, Mapping):
        r.fail(path, "scores_not_mapping")
        return None
    out: dict[int, float] = {}
    for key, points in value.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            r.fail(f"{path}.{key}", "not_option_value")
            continue
        score = r.number(points, f"{path}.{key}")
        if score is not None:
            out[number] = score
    wanted = {o.value for o in options}
    if options and set(out) != wanted:
        r.fail(path, "scores_incomplete", values=sorted(wanted))
    return out


def _matrix_items(r: SchemaReader, data: Mapping[str, Any]) -> list[dict]:
    """Expand the matrix shorthand: every domain is an item rated on the shared levels."""
    domains, levels = data.get("domains"), data.get("levels")
    if not isinstance(domains, list) or not domains:
        r.fail("domains", "matrix_no_domains")
        return []
    if levels is None:
        r.fail("levels", "matrix_no_levels")
        return []
    items = []
    for i, domain in enumerate(domains):
        if not isinstance(domain, Mapping):
            r.fail(f"domains[{i}]", "domain_not_mapping")
            continue
        r.unknown_keys(domain, {"id", "text", "required", "hint"}, f"domains[{i}]")
        items.append({**domain, "type": "likert", "options": levels})
    return items
