"""The choices sheet of an XLSForm: lists of named choices numbered as evalsys stores them.

A list's values are, in this order of preference: an explicit ``evalsys_value`` column (or a
``value`` column beside ``name``) holding whole numbers; the names themselves when every name
is a whole number; 1 / 0 for a plain ``yes`` / ``no`` list; else the choice order 1..n. A name
that is not its value is kept as the option's ``name``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from surveys.xlsform_problems import Problems
from surveys.xlsform_sheets import Sheet, cell_text, texts

_WHOLE = re.compile(r"^-?\d+$")


@dataclass
class Choice:
    """One choice: its row, name, value and labels by language."""

    row: int
    name: str
    value: int
    labels: dict[str, str]


@dataclass
class ChoiceList:
    name: str
    choices: list[Choice] = field(default_factory=list)
    yes_no: bool = False

    def by_name(self) -> dict[str, str]:
        """Each choice name (and value) to the value's text, as conditions are rewritten."""
        out = {str(c.value): str(c.value) for c in self.choices}
        return out | {c.name: str(c.value) for c in self.choices}


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    return int(text) if _WHOLE.match(text) else None


def read_choice_lists(sheet: Sheet | None, problems: Problems) -> dict[str, ChoiceList]:
    """Every list of the choices sheet, its choices numbered (see the module docstring)."""
    if sheet is None:
        return {}
    value_column = "evalsys_value" if "evalsys_value" in sheet.headers else None
    if value_column is None and "value" in sheet.headers and "name" in sheet.headers:
        value_column = "value"
    name_column = "name" if "name" in sheet.headers else "value"
    raw: dict[str, list[tuple[int, dict]]] = {}
    for number, record in sheet.rows:
        list_name = cell_text(record.get("list_name"))
        if not list_name:
            problems.add(
                sheet.name,
                number,
                sheet.headers.get("list_name", "list_name"),
                "choice_without_list",
            )
            continue
        raw.setdefault(list_name, []).append((number, record))
    lists = {}
    for list_name, rows in raw.items():
        lists[list_name] = _numbered(sheet, list_name, rows, name_column, value_column, problems)
    return lists


def _numbered(sheet, list_name, rows, name_column, value_column, problems) -> ChoiceList:
    names = [cell_text(record.get(name_column)) for _number, record in rows]
    explicit = [_whole(record.get(value_column)) if value_column else None for _, record in rows]
    whole_names = [_whole(record.get(name_column)) for _, record in rows]
    yes_no = sorted(n.lower() for n in names) == ["no", "yes"]
    if value_column and any(v is not None for v in explicit):
        for (number, _record), value in zip(rows, explicit, strict=True):
            if value is None:
                problems.add(
                    sheet.name,
                    number,
                    sheet.headers[value_column],
                    "value_not_whole",
                    list=list_name,
                )
        values = explicit
    elif all(v is not None for v in whole_names):
        values = whole_names
    elif yes_no:
        values = [1 if n.lower() == "yes" else 0 for n in names]
    else:
        values = list(range(1, len(rows) + 1))
    out = ChoiceList(list_name, yes_no=yes_no)
    seen_names: set[str] = set()
    seen_values: set[int] = set()
    for (number, record), name, value in zip(rows, names, values, strict=True):
        column = sheet.headers.get(name_column, name_column)
        if not name:
            problems.add(sheet.name, number, column, "choice_without_name", list=list_name)
            continue
        if name in seen_names:
            problems.add(sheet.name, number, column, "duplicate_choice", list=list_name, name=name)
            continue
        if value is None:
            continue
        if value in seen_values:
            problems.add(sheet.name, number, column, "duplicate_value", list=list_name, value=value)
            continue
        seen_names.add(name)
        seen_values.add(value)
        out.choices.append(Choice(number, name, value, texts(record, "label")))
    return out


def option_of(choice: Choice) -> dict[str, Any]:
    """The option (as in an instrument file) of a choice; its name only when not its value."""
    option: dict[str, Any] = {"value": choice.value, "label": dict(choice.labels)}
    if choice.name != str(choice.value):
        option["name"] = choice.name
    return option


__all__ = ["Choice", "ChoiceList", "option_of", "read_choice_lists"]
