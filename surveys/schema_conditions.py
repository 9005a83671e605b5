"""Reading the conditional parts of an instrument file: conditions, groups and missing-data codes.

A condition is read into its canonical XLSForm text (``${q1} = 1``), so how it was spaced
does not change a fingerprint. Names are checked once every item is read: an item's condition
may name earlier items of its block, or items of earlier blocks (which only the questionnaire
knows, see :class:`surveys.Questionnaire`); the block's own condition names earlier blocks only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.conditions import ConditionError, parse_condition
from surveys.model import MISSING_CODE_TYPES, Group, Item, Option
from surveys.schema_reader import SchemaReader

_GROUP_KEYS = {"id", "title", "relevant", "parent"}


def read_condition(r: SchemaReader, value: Any, path: str, constraint: bool = False) -> str | None:
    """The canonical text of the condition at ``path``, or None (absent or unreadable)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        r.fail(path, f"must be a condition such as ${{q1}} = 1, got {value!r}")
        return None
    try:
        return parse_condition(value, allow_this=constraint).to_xlsform()
    except ConditionError as exc:
        r.fail(path, f"is not a valid condition: {exc}")
        return None


def read_groups(r: SchemaReader, value: Any) -> tuple[Group, ...]:
    """The groups in form order; a parent must be a group listed before."""
    if value is None:
        return ()
    if not isinstance(value, list):
        r.fail("groups", "must be a list of {id, title, relevant, parent}")
        return ()
    groups: list[Group] = []
    for i, raw in enumerate(value):
        path = f"groups[{i}]"
        if not isinstance(raw, Mapping):
            r.fail(path, "must be a mapping with id (and title, relevant, parent)")
            continue
        r.unknown_keys(raw, _GROUP_KEYS, path)
        group_id = r.ident(raw.get("id"), f"{path}.id")
        known = [g.id for g in groups]
        if group_id in known:
            r.fail(f"{path}.id", f"duplicate group id {group_id!r}")
        parent = raw.get("parent")
        if parent is not None and parent not in known:
            r.fail(f"{path}.parent", f"{parent!r} is no group listed before group {group_id!r}")
            parent = None
        groups.append(
            Group(
                id=group_id,
                title=r.translations(raw.get("title"), f"{path}.title", required=False),
                relevant=read_condition(r, raw.get("relevant"), f"{path}.relevant"),
                parent=parent,
            )
        )
    return tuple(groups)


def check_item_parts(r: SchemaReader, raw: Mapping, path: str, item: Item) -> None:
    """The checks of one item's conditional keys that need only the item itself."""
    if item.missing and item.type not in MISSING_CODE_TYPES:
        r.fail(f"{path}.missing", f"a {item.type} item has no missing-data codes")
    _check_codes(r, item, item.missing, f"{path}.missing")
    if "integer" in raw and item.type != "number":
        r.fail(f"{path}.integer", f"only a number item can be integer, not a {item.type} item")
    if item.constraint_message and item.constraint is None:
        r.fail(f"{path}.constraint_message", "needs a constraint")


def _check_codes(r: SchemaReader, item: Item, codes: tuple[Option, ...], path: str) -> None:
    """A missing code must not be an answer the item can also mean as an answer."""
    values = set(item.option_values)
    for code in codes:
        if code.value in values:
            r.fail(path, f"code {code.value} of item {item.id!r} is also one of its options")
        elif item.type in ("number", "year") and item.min is not None and item.max is not None:
            if item.min <= code.value <= item.max:
                r.fail(
                    path,
                    f"code {code.value} of item {item.id!r} lies within its range "
                    f"{item.min:g}..{item.max:g}, so it could be a real answer",
                )


def check_instrument_parts(
    r: SchemaReader,
    items: list[Item],
    groups: tuple[Group, ...],
    relevant: str | None,
    missing_codes: tuple[Option, ...],
) -> None:
    """The checks that need every item: groups named, condition names, shared codes."""
    index = {item.id: k for k, item in enumerate(items)}
    group_ids = {g.id for g in groups}
    for k, item in enumerate(items):
        path = f"items[{k}]"
        if item.group is not None and item.group not in group_ids:
            r.fail(f"{path}.group", f"item {item.id!r} names {item.group!r}, which groups lacks")
        for key, text in (("relevant", item.relevant), ("constraint", item.constraint)):
            if text is None:
                continue
            for name in sorted(parse_condition(text, key == "constraint").names):
                if name == item.id:
                    why = "in a constraint its own answer is '.'" if key == "constraint" else ""
                    problem = f"item {item.id!r} names itself" + (f"; {why}" if why else "")
                    r.fail(f"{path}.{key}", problem)
                elif name in index and index[name] > k:
                    r.fail(
                        f"{path}.{key}",
                        f"item {item.id!r} names {name!r}, which comes after it "
                        "(a condition can only read earlier answers)",
                    )
        if not item.missing and item.type in MISSING_CODE_TYPES:
            _check_codes(r, item, missing_codes, "missing_codes")
    if relevant is not None:
        for name in sorted(parse_condition(relevant).names & set(index)):
            r.fail(
                "relevant",
                f"the block's condition names its own item {name!r} "
                "(it may name items of earlier blocks only)",
            )
    _check_group_names(r, items, groups, index)


def _check_group_names(r: SchemaReader, items: list[Item], groups, index) -> None:
    parent = {g.id: g.parent for g in groups}

    def chain(group_id: str | None) -> set[str]:
        out: set[str] = set()
        while group_id is not None and group_id not in out:
            out.add(group_id)
            group_id = parent.get(group_id)
        return out

    first: dict[str, int] = {}
    for k, item in enumerate(items):
        for group_id in chain(item.group):
            first.setdefault(group_id, k)
    for i, group in enumerate(groups):
        if group.relevant is None:
            continue
        start = first.get(group.id, len(items))
        for name in sorted(parse_condition(group.relevant).names):
            if name in index and index[name] >= start:
                r.fail(
                    f"groups[{i}].relevant",
                    f"group {group.id!r} names {name!r}, which is in or after the group "
                    "(a condition can only read earlier answers)",
                )


def check_languages(r: SchemaReader, declared: set[str], items, groups, missing_codes) -> None:
    """Group titles, constraint messages and missing-code labels in every declared language."""

    def same(texts: dict, path: str) -> None:
        if texts and set(texts) != declared:
            r.fail(path, f"languages {sorted(texts)} differ from declared {sorted(declared)}")

    for i, group in enumerate(groups):
        same(group.title, f"groups[{i}].title")
    for j, code in enumerate(missing_codes):
        same(code.labels, f"missing_codes[{j}].label")
    for k, item in enumerate(items):
        same(item.constraint_message, f"items[{k}].constraint_message")
        for j, code in enumerate(item.missing):
            same(code.labels, f"items[{k}].missing[{j}].label")
