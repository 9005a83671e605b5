"""A questionnaire as XLSForm rows: for ODK Collect (surveys.xform) and for the workbook export.

Both write one ``begin group`` per block (its ``relevant`` the block's condition), the block's
groups nested as the instrument nests them, each item's ``relevant``, its range and missing
codes as the ``constraint`` (``. >= 0 and . <= 10 or . = 99``) and the missing codes of a
choice item as choices of its list. For ODK (``odk=True``) choice names are the stored values,
so an instance's answers are the numbers evalsys stores, and every language has a text. The
export writes the choice names an imported form gave (``evalsys_value`` keeps the number),
conditions with those names, and the ``evalsys_*`` columns and lists the import reads back
(see :mod:`surveys.xlsform`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from surveys.model import Group, Item, Option
from surveys.questionnaire import Questionnaire
from surveys.xlsform_expressions import rewrite_choices
from surveys.xlsform_sheets import language_header

#: Item type -> XLSForm question type (a choice type is followed by its list name).
XLSFORM_TYPES = {
    "likert": "select_one",
    "single_choice": "select_one",
    "yes_no": "select_one",
    "multiple_choice": "select_multiple",
    "number": "decimal",
    "year": "integer",
    "text": "text",
}


def texts(mapping: dict[str, str], languages: Sequence[str], kind: str = "label") -> dict:
    """``{"label::Dutch (nl)": ...}`` for each language; a missing one gets another's text
    (pyxform needs every language, and an empty label shows nothing in Collect)."""
    fallback = next((mapping[lang] for lang in languages if mapping.get(lang)), "")
    fallback = fallback or next(iter(mapping.values()), "")
    return {language_header(kind, lang): mapping.get(lang) or fallback for lang in languages}


def exact_texts(mapping: dict[str, str], languages: Sequence[str], kind: str = "label") -> dict:
    """``{"label::Dutch (nl)": ...}`` for the languages the mapping has (an export keeps gaps)."""
    return {language_header(kind, lang): mapping[lang] for lang in languages if mapping.get(lang)}


class RowWriter:
    """Collects the survey and choices rows of one questionnaire."""

    def __init__(self, questionnaire: Questionnaire, languages: Sequence[str], odk: bool):
        self.questionnaire, self.languages, self.odk = questionnaire, list(languages), odk
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        # item id -> stored value text -> the choice name as XLSForm text (export only)
        self.names: dict[str, dict[str, str]] = {}
        if not odk:
            for block in questionnaire.blocks:
                for item in block.items:
                    if any(o.name is not None for o in item.options):
                        self.names[item.id] = {
                            str(o.value): _quoted(_choice_name(o)) for o in item.options
                        }

    def texts(self, mapping: dict[str, str], kind: str = "label") -> dict:
        return (texts if self.odk else exact_texts)(mapping, self.languages, kind)

    def condition(self, text: str | None) -> dict[str, str]:
        if text is None:
            return {}
        return {"relevant": rewrite_choices(text, self.names)[0] if self.names else text}

    def write(self) -> None:
        for block in self.questionnaire.blocks:
            self.block(block)

    def block(self, block) -> None:
        row: dict[str, Any] = {
            "type": "begin_group",
            "name": block.id,
            **self.texts(block.section_title or block.title if self.odk else block.title),
            **self.condition(block.relevant),
        }
        if self.odk:
            row["appearance"] = "field-list"
        else:
            row["evalsys_type"] = "demographics" if block.kind == "demographics" else "instrument"
            if block.missing_codes:
                row["evalsys_missing"] = self.code_list(f"{block.id}_missing", block.missing_codes)
        self.survey.append(row)
        if block.instructions:
            self.survey.append(
                {
                    "type": "note",
                    "name": f"{block.id}_instructions",
                    **self.texts(block.instructions),
                }
            )
        groups = {g.id: g for g in block.groups}
        open_groups: list[str] = []
        closed: set[str] = set()
        for item in block.items:
            chain = _chain(item.group, groups)
            while open_groups and open_groups[-1] not in chain:
                closed.add(open_groups[-1])
                self.survey.append({"type": "end_group", "name": open_groups.pop()})
            for group_id in chain[len(open_groups) :]:
                if group_id in closed:
                    raise ValueError(
                        f"the items of group {group_id!r} of {block.id!r} are not together; "
                        "XLSForm cannot write a group twice"
                    )
                self.survey.append(self.group_row(groups[group_id]))
                open_groups.append(group_id)
            self.survey.append(self.item_row(block, item))
        for group_id in reversed(open_groups):
            self.survey.append({"type": "end_group", "name": group_id})
        self.survey.append({"type": "end_group", "name": block.id})

    def group_row(self, group: Group) -> dict[str, Any]:
        return {
            "type": "begin_group",
            "name": group.id,
            **self.texts(group.title),
            **self.condition(group.relevant),
        }

    def code_list(self, list_name: str, codes: Sequence[Option]) -> str:
        for code in codes:
            self.choices.append(
                {"list_name": list_name, "name": _choice_name(code), **self.texts(code.labels)}
            )
        return list_name

    def item_row(self, block, item: Item) -> dict[str, Any]:
        kind = XLSFORM_TYPES[item.type]
        row: dict[str, Any] = {"name": item.id, **self.texts(item.text)}
        if item.hint:
            row.update(self.texts(item.hint, "hint"))
        row["required"] = "yes" if item.required else ("" if self.odk else "no")
        row.update(self.condition(item.relevant))
        codes = block.missing_for(item)
        if item.options:
            list_name = f"{item.id}_options"
            kind = f"{kind} {list_name}"
            named = any(o.name is not None for o in item.options) and not self.odk
            for option in (*item.options, *codes):
                choice = {"list_name": list_name, "name": str(option.value)}
                if named:
                    choice = {**choice, "name": _choice_name(option), "evalsys_value": option.value}
                self.choices.append({**choice, **self.texts(option.labels)})
            if item.type == "likert":
                row["appearance"] = "likert"
        elif item.type in ("number", "year"):
            if item.type == "number" and item.integer:
                kind = "integer"
            constraint = _number_constraint(item, codes)
            if constraint:  # a number without a range has none
                row["constraint"] = constraint
            if item.constraint_message:
                row.update(self.texts(item.constraint_message, "constraint_message"))
        elif item.max_length:
            row["constraint"] = f"string-length(.) <= {item.max_length}"
        if not self.odk:
            if item.type in ("likert", "yes_no", "year"):
                row["evalsys_type"] = item.type
            if item.missing:
                row["evalsys_missing"] = self.code_list(f"{item.id}_missing", item.missing)
        row["type"] = kind
        return row


def _chain(group_id: str | None, groups: dict[str, Group]) -> list[str]:
    """The groups from the outermost to ``group_id``."""
    chain: list[str] = []
    while group_id is not None:
        chain.insert(0, group_id)
        group_id = groups[group_id].parent
    return chain


def _number_constraint(item: Item, codes: Sequence[Option]) -> str:
    """The range (or the item's constraint) with ``or . = code`` for each missing code."""
    base = item.constraint
    if base is None:
        # One-sided where the item has one bound only, none where it has neither.
        sides = [f". >= {item.min:g}"] if item.min is not None else []
        sides += [f". <= {item.max:g}"] if item.max is not None else []
        base = " and ".join(sides) or None
    alternatives = [base] if base else []
    alternatives += [f". = {code.value}" for code in codes]
    return " or ".join(alternatives)


def _choice_name(option: Option) -> str:
    return option.name if option.name is not None else str(option.value)


def _quoted(name: str) -> str:
    return f'"{name}"' if "'" in name else f"'{name}'"


def questionnaire_rows(
    questionnaire: Questionnaire, languages: Sequence[str], odk: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``survey`` and ``choices`` rows of the questionnaire's blocks (see module doc)."""
    writer = RowWriter(questionnaire, languages, odk)
    writer.write()
    return writer.survey, writer.choices


__all__ = ["XLSFORM_TYPES", "exact_texts", "questionnaire_rows", "texts"]
