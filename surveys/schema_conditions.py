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
        r.fail(path, "condition_not_text", value=repr(value))
        return None
    try:
        return parse_condition(value, allow_this=constraint).to_xlsform()
    except ConditionError as exc:
        r.fail(path, "condition_invalid", reason=exc.wording)
        return None


def read_groups(r: SchemaReader, value: Any) -> tuple[Group, ...]:
    """The groups in form order; a parent must be a group listed before."""
    if value is None:
        return ()
    if not isinstance(value, list):
        r.fail("groups", "groups_not_list")
        return ()
    groups: list[Group] = []
    for i, raw in enumerate(value):
        path = f"groups[{i}]"
        if not isinstance(raw, Mapping):
            r.fail(path, "group_not_mapping")
            continue
        r.unknown_keys(raw, _GROUP_KEYS, path)
        group_id = r.ident(raw.get("id"), f"{path}.id")
        known = [g.id for g in groups]
        if group_id in known:
            r.fail(f"{path}.id", "duplicate_group", id=group_id)
        parent = raw.get("parent")
        if parent is not None and parent not in known:
            r.fail(f"{path}.parent", "group_parent", parent=repr(parent), group=group_id)
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
        r.fail(f"{path}.missing", "no_missing_codes", type=item.type)
    _check_codes(r, item, item.missing, f"{path}.missing")
    if "integer" in raw and item.type != "number":
        r.fail(f"{path}.integer", "integer_not_number", type=item.type)
    if item.constraint_message and item.constraint is None:
        r.fail(f"{path}.constraint_message", "message_needs_constraint")


def _check_codes(r: SchemaReader, item: Item, codes: tuple[Option, ...], path: str) -> None:
    """A missing code must not be an answer the item can also mean as an answer.

    On a number item that is: the code lies below its ``min`` or above its ``max``. A number
    without the bound that would keep the code out (``min: 0`` and code 99, or no range at
    all) is refused, since the code could be a real answer.
    """
    values = set(item.option_values)
    for code in codes:
        if code.value in values:
            r.fail(path, "code_is_option", code=code.value, item=item.id)
        elif item.type in ("number", "year") and item.min is not None and item.max is not None:
            if item.min <= code.value <= item.max:
                r.fail(
                    path, "code_in_range", code=code.value, item=item.id, min=item.min, max=item.max
                )
        elif item.type == "number":
            below = item.min is not None and code.value < item.min
            above = item.max is not None and code.value > item.max
            if not (below or above):
                r.fail(path, "code_needs_bound", code=code.value, item=item.id)


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
            r.fail(f"{path}.group", "group_unknown", item=item.id, group=item.group)
        for key, text in (("relevant", item.relevant), ("constraint", item.constraint)):
            if text is None:
                continue
            for name in sorted(parse_condition(text, key == "constraint").names):
                if name == item.id:
                    itself = "names_itself_constraint" if key == "constraint" else "names_itself"
                    r.fail(f"{path}.{key}", itself, item=item.id)
                elif name in index and index[name] > k:
                    r.fail(f"{path}.{key}", "names_later", item=item.id, name=name)
        if not item.missing and item.type in MISSING_CODE_TYPES:
            _check_codes(r, item, missing_codes, "missing_codes")
    if relevant is not None:
        for name in sorted(parse_condition(relevant).names & set(index)):
            r.fail("relevant", "block_names_own", name=name)
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
                r.fail(f"groups[{i}].relevant", "group_names_inside", group=group.id, name=name)


def check_languages(r: SchemaReader, declared: set[str], items, groups, missing_codes) -> None:
    """Group titles, constraint messages and missing-code labels in every declared language."""

    def same(texts: dict, path: str) -> None:
        if texts and set(texts) != declared:
            r.fail(path, "languages_differ", given=sorted(texts), declared=sorted(declared))

    for i, group in enumerate(groups):
        same(group.title, f"groups[{i}].title")
    for j, code in enumerate(missing_codes):
        same(code.labels, f"missing_codes[{j}].label")
    for k, item in enumerate(items):
        same(item.constraint_message, f"items[{k}].constraint_message")
        for j, code in enumerate(item.missing):
            same(code.labels, f"items[{k}].missing[{j}].label")
