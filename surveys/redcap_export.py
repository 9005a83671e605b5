"""Writing a questionnaire as a REDCap data dictionary (the mapping: :mod:`surveys.redcap`).

Each block becomes a form, each item a field; the labels are in one language. What the columns
cannot hold goes into the Field Annotation as ``@EVALSYS={...}`` / ``@EVALSYS-INSTRUMENT={...}``
(JSON), only where it differs from what the columns give, so :func:`surveys.import_redcap`
reads the same questionnaire back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from surveys.conditions import parse_redcap_logic
from surveys.instrument import Instrument
from surveys.questionnaire import Questionnaire
from surveys.redcap import effective_logic
from surveys.redcap_dictionary import Problem, RedcapError, Row, write_dictionary
from surveys.redcap_fields import (
    FORM_NAME,
    INSTRUMENT_TAG,
    ITEM_TAG,
    VARIABLE_NAME,
    column_item,
)

RECORD_ID = "record_id"
_TYPES = {
    "single_choice": "radio",
    "likert": "radio",
    "yes_no": "radio",
    "multiple_choice": "checkbox",
    "number": "text",
    "year": "text",
    "text": "text",
}
#: Keys whose value is a text per language (filtered to the languages asked for).
_LANGUAGE_KEYS = {
    "title",
    "instructions",
    "text",
    "hint",
    "label",
    "constraint_message",
    "section_title",
    "languages",
    "translation_sources",
    "licence_translations",
    "reference_source_translations",
}
_SHORT_TEXT = 255


def export_redcap(
    source: Questionnaire | Instrument,
    target: str | Path | IO[Any],
    language: str | None = None,
    languages: Iterable[str] | None = None,
) -> None:
    """Write a questionnaire (or one instrument) as a REDCap data dictionary CSV.

    Parameters
    ----------
    source : Questionnaire or Instrument
    target : path or file (text or binary)
    language : str, optional
        The language of the Field Labels (REDCap holds one); by default the original language
        of the first block.
    languages : iterable of str, optional
        The languages kept (in the annotation) besides ``language``; all by default, so the
        questionnaire reads back unchanged. Texts in other languages are left out.

    Raises
    ------
    RedcapError
        When an item id cannot be a REDCap variable name (evalsys renames nothing) or an item
        has no text in ``language``; every such item is named.
    """
    questionnaire = _as_questionnaire(source)
    blocks = questionnaire.blocks
    if language is None:
        originals = [lang for lang, s in blocks[0].languages.items() if s == "original"]
        language = (originals or list(blocks[0].languages) or ["nl"])[0]
    kept = None if languages is None else {*languages, language}
    writer = _Writer(language, kept)
    rows = writer.rows(questionnaire)
    if writer.problems:
        raise RedcapError(f"<redcap export {questionnaire.id}>", writer.problems)
    write_dictionary(rows, target)


def _as_questionnaire(source: Questionnaire | Instrument) -> Questionnaire:
    if isinstance(source, Questionnaire):
        return source
    demographics = source.kind == "demographics"
    return Questionnaire(
        id=source.id,
        version=source.version,
        title=dict(source.title),
        instruments=() if demographics else (source,),
        demographics=source if demographics else None,
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Writer:
    def __init__(self, language: str, kept: set[str] | None):
        self.language, self.kept = language, kept
        self.problems: list[Problem] = []

    def only_kept(self, value: Any, key: str = "") -> Any:
        """``value`` with the texts in languages not asked for left out."""
        if isinstance(value, dict):
            if key in _LANGUAGE_KEYS and self.kept is not None:
                return {k: v for k, v in value.items() if k in self.kept}
            return {k: self.only_kept(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.only_kept(v, key) for v in value]
        return value

    def fail(self, key: str, where: str, **params: Any) -> None:
        self.problems.append(Problem(key, field=where, params=tuple(params.items())))

    def rows(self, questionnaire: Questionnaire) -> list[dict[str, str]]:
        blocks = questionnaire.blocks
        first_form = _form_name(blocks[0].id)
        rows = [{"field": RECORD_ID, "form": first_form, "type": "text", "label": "Record ID"}]
        forms: set[str] = set()
        for position, block in enumerate(blocks):
            form = _form_name(block.id)
            while form in forms:
                form += "_2"
            forms.add(form)
            data = self.only_kept(block.to_dict())
            blob = {k: v for k, v in data.items() if k != "items"}
            if blob["id"] == form:
                del blob["id"]
            blob["label_language"] = self.language
            if position == 0:
                blob["questionnaire"] = self.only_kept(
                    {
                        "id": questionnaire.id,
                        "version": questionnaire.version,
                        "title": dict(questionnaire.title),
                    }
                )
            written = self._block(block, form, data)
            if position == 0 and questionnaire.consent:
                written.insert(0, self._consent(questionnaire.consent, form))
            if written:
                _tag(written[0], INSTRUMENT_TAG, blob)
            rows.extend(written)
        return rows

    def _consent(self, consent: dict[str, str], form: str) -> dict[str, str]:
        text = self.only_kept(dict(consent), "text")
        if self.language not in text:
            self.fail("export_language", "consent", language=self.language)
        row = {"field": "consent", "form": form, "type": "descriptive"}
        row["label"] = text.get(self.language, "")
        others = {k: v for k, v in text.items() if k != self.language}
        if others:
            _tag(row, ITEM_TAG, {"text": others})
        return row

    def _block(self, block: Instrument, form: str, data: dict) -> list[dict[str, str]]:
        groups = {g["id"]: g for g in data.get("groups", [])}
        rows, group = [], None
        for item, full in zip(block.items, data["items"], strict=True):
            where = f"{block.id}.{item.id}"
            if not VARIABLE_NAME.match(item.id):
                self.fail("export_name", where, name=item.id)
                continue
            if item.id in (RECORD_ID, "consent"):
                self.fail("export_reserved", where, name=item.id)
                continue
            row = self._row(full, form, where)
            if item.group and item.group != group:
                title = groups.get(item.group, {}).get("title", {})
                row["section"] = title.get(self.language) or next(iter(title.values()), item.group)
            group = item.group
            own = full.get("relevant")
            logic = effective_logic(data.get("relevant"), groups, item.group, own)
            row["branching"] = logic or ""
            extra = self._extra(full, row)
            if item.group:
                extra["group"] = item.group
            back = parse_redcap_logic(logic).to_xlsform() if logic else None
            if back != own:
                extra["relevant"] = own
            if extra:
                _tag(row, ITEM_TAG, extra)
            rows.append(row)
        return rows

    def _row(self, full: dict, form: str, where: str) -> dict[str, str]:
        kind, lang = full["type"], self.language
        if lang not in full["text"]:
            self.fail("export_language", where, language=lang)
        row = {"field": full["id"], "form": form, "type": _TYPES[kind]}
        row["label"] = full["text"].get(lang, "")
        row["note"] = full.get("hint", {}).get(lang, "")
        row["required"] = "y" if full["required"] else ""
        if "options" in full:
            labels = []
            for option in full["options"]:
                if lang not in option["label"]:
                    self.fail("export_language", f"{where} option {option['value']}", language=lang)
                labels.append(f"{option['value']}, {option['label'].get(lang, '')}")
            row["choices"] = " | ".join(labels)
        elif kind in ("number", "year"):
            row["validation"] = "integer" if kind == "year" or full.get("integer") else "number"
            # A number without a bound leaves Text Validation Min or Max empty.
            row["min"] = _number(full["min"]) if full.get("min") is not None else ""
            row["max"] = _number(full["max"]) if full.get("max") is not None else ""
        elif kind == "text":
            if full.get("max_length", 0) > _SHORT_TEXT:
                row["type"] = "notes"
            row["annotation"] = f"@CHARLIMIT={full['max_length']}"
        return row

    def _extra(self, full: dict, row: dict[str, str]) -> dict[str, Any]:
        """What the item holds beyond what its row gives back: the annotation's JSON."""
        cells = {k: v for k, v in row.items() if k != "branching"}
        read = column_item(Row(0, cells), self.language, [])
        columns = read[0] if read else {}
        extra: dict[str, Any] = {}
        lang = self.language
        for key in ("text", "hint"):
            others = {k: v for k, v in full.get(key, {}).items() if k != lang}
            if others:
                extra[key] = others
        if "options" in full:
            labels = {
                str(o["value"]): {k: v for k, v in o["label"].items() if k != lang}
                for o in full["options"]
            }
            if any(labels.values()):
                extra["option_labels"] = {k: v for k, v in labels.items() if v}
            names = {str(o["value"]): o["name"] for o in full["options"] if "name" in o}
            if names:
                extra["option_names"] = names
        handled = {"text", "hint", "options", "relevant", "group"}
        for key in (full.keys() | columns.keys()) - handled:
            if full.get(key) != columns.get(key):
                extra[key] = full.get(key)
        return extra


def _form_name(block_id: str) -> str:
    """The REDCap form name of a block: its id where REDCap allows it (the id itself is kept
    in the annotation otherwise)."""
    if FORM_NAME.match(block_id):
        return block_id
    name = re.sub(r"[^a-z0-9_]+", "_", block_id.lower()).strip("_")
    return name if FORM_NAME.match(name) else f"form_{name}"


def _tag(row: dict[str, str], tag: str, value: dict) -> None:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    row["annotation"] = " ".join(p for p in (row.get("annotation", ""), f"{tag}={text}") if p)


__all__ = ["export_redcap"]
