"""Walking an XLSForm's survey sheet: groups, blocks, questions, conditions and refusals.

The rules are tabled in :mod:`surveys.xlsform`. :class:`SurveyReader` reads the rows in order
into blocks (``{id, kind, title, items, groups, relevant, ...}`` as in an instrument file) and
the consent text; everything it cannot map is a problem with sheet, row and column.
"""

from __future__ import annotations

from typing import Any

from surveys.schema_reader import IDENTIFIER
from surveys.xlsform_choices import ChoiceList
from surveys.xlsform_expressions import references, rewrite_choices
from surveys.xlsform_items import RowContext, item_from_row
from surveys.xlsform_problems import Problems
from surveys.xlsform_sheets import Sheet, cell_text, texts

#: Metadata rows the device fills in; not questions, skipped.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "imei",
    "uri:deviceid",
}
QUESTION_TYPES = {
    "select_one": "select_one",
    "select one": "select_one",
    "select1": "select_one",
    "select_multiple": "select_multiple",
    "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "text": "text",
    "string": "text",
}
#: Types refused with their reason (catalogue key).
REFUSED_TYPES = {
    **dict.fromkeys(("geopoint", "geotrace", "geoshape", "location", "gps"), "type_location"),
    **dict.fromkeys(
        ("image", "audio", "video", "file", "photo", "background-audio", "signature"),
        "type_media",
    ),
    **dict.fromkeys(("date", "time", "datetime"), "type_date"),
}
_UNSUPPORTED_COLUMNS = {
    "default": "column_default",
    "choice_filter": "column_choice_filter",
    "calculation": "column_calculation",
    "trigger": "column_trigger",
    "jr:count": "column_repeat_count",
}
_SELECT_WORDS = {
    "select_one",
    "select_multiple",
    "select",
    "one",
    "multiple",
    "select1",
    "all",
    "that",
    "apply",
    "from",
}
_BLOCK_MARKS = ("instrument", "demographics")
_PIPED_COLUMNS = ("label", "hint", "constraint_message")
_MEDIA_COLUMNS = ("image", "big-image", "audio", "video")


class SurveyReader:
    """Reads the survey rows into blocks; ``problems`` collects what cannot be mapped."""

    def __init__(
        self,
        sheet: Sheet,
        lists: dict[str, ChoiceList],
        languages: list[str],
        form_id: str,
        problems: Problems,
    ):
        self.sheet, self.lists, self.languages = sheet, lists, languages
        self.form_id, self.problems = form_id, problems
        self.blocks: list[dict[str, Any]] = []
        self.consent: dict[str, str] = {}
        self.items: dict[str, dict[str, Any]] = {}  # every item so far, by id
        self.choice_names: dict[str, dict[str, str]] = {}  # item id -> name -> value text
        self.calculates: dict[str, int] = {}
        self.rows_of: dict[str, int] = {}  # item id -> row number
        self.marked = any(
            _base(record) in ("begin_group",)
            and cell_text(record.get("evalsys_type")).lower() in _BLOCK_MARKS
            for _n, record in sheet.rows
        )
        self._stack: list[dict[str, Any]] = []  # open groups: {id, row, block, group}
        self._later_names = {cell_text(r.get("name")) for _n, r in sheet.rows}

    def ctx(self, number: int) -> RowContext:
        return RowContext(self.sheet, number, self.languages, self.lists, self.problems)

    def read(self) -> None:
        skipping: int | None = None  # depth of a refused repeat whose rows are skipped
        depth = 0
        for number, record in self.sheet.rows:
            base = _base(record)
            if skipping is not None:
                depth += base in ("begin_group", "begin_repeat", "begin_loop")
                depth -= base in ("end_group", "end_repeat", "end_loop")
                if depth < skipping:
                    skipping = None
                continue
            if base in ("begin_repeat", "begin_loop"):
                self.ctx(number).fail("type", "type_repeat", name=cell_text(record.get("name")))
                skipping, depth = 1, 1
                continue
            self._row(number, record, base)
        for group in self._stack:
            self.problems.add(
                self.sheet.name,
                group["row"],
                self.sheet.headers.get("type", "type"),
                "group_not_closed",
                name=group["id"],
            )

    def _row(self, number: int, record: dict[str, Any], base: str) -> None:
        ctx = self.ctx(number)
        name = cell_text(record.get("name"))
        if base == "begin_group":
            self._begin_group(number, record, name)
        elif base == "end_group":
            if not self._stack:
                ctx.fail("type", "end_without_begin")
            else:
                self._stack.pop()
        elif base in ("end_repeat", "end_loop"):
            ctx.fail("type", "end_without_begin")
        elif base in METADATA_TYPES:
            pass
        elif base in ("calculate", "hidden"):
            self.calculates[name] = number
        elif base == "note":
            self._note(record, name, ctx)
        elif base in QUESTION_TYPES:
            self._question(number, record, QUESTION_TYPES[base], ctx)
        elif base in REFUSED_TYPES:
            ctx.fail("type", REFUSED_TYPES[base], type=cell_text(record.get("type")))
        elif not base:
            ctx.fail("type", "no_type")
        else:
            ctx.fail("type", "type_unsupported", type=cell_text(record.get("type")))

    def _begin_group(self, number: int, record: dict[str, Any], name: str) -> None:
        ctx = self.ctx(number)
        if not IDENTIFIER.match(name):
            ctx.fail("name", "bad_name", name=name)
        self._check_columns(record, ctx, question=False)
        relevant = self._condition(record, ctx)
        title = texts(record, "label")
        top = not self._stack
        mark = cell_text(record.get("evalsys_type")).lower()
        if top and (name == "demographics" or mark in _BLOCK_MARKS):
            demographics = mark == "demographics" or (name == "demographics" and not mark)
            block = self._new_block(name, "demographics" if demographics else "questionnaire")
            block["title"] = title
            if relevant:
                block["relevant"] = relevant
            missing = self._missing_list(record, ctx)
            if missing:
                block["missing_codes"] = missing
            self._stack.append({"id": name, "row": number, "block": block, "group": None})
            return
        block = self._stack[0]["block"] if self._stack else self._main_block()
        if block is None:
            return
        group: dict[str, Any] = {"id": name, "title": title}
        if relevant:
            group["relevant"] = relevant
        parent = self._stack[-1]["group"] if self._stack else None
        if parent:
            group["parent"] = parent
        block.setdefault("groups", []).append(group)
        self._stack.append({"id": name, "row": number, "block": block, "group": name})

    def _new_block(self, block_id: str, kind: str) -> dict[str, Any]:
        block = {"id": block_id, "kind": kind, "items": [], "rows": {}, "notes_seen": False}
        self.blocks.append(block)
        return block

    def _main_block(self) -> dict[str, Any] | None:
        """The block a row outside the marked instruments belongs to: the form's own."""
        if self.marked:
            return None
        for block in self.blocks:
            if block["id"] == self.form_id:
                return block
        return self._new_block(self.form_id, "questionnaire")

    def _note(self, record: dict[str, Any], name: str, ctx: RowContext) -> None:
        self._check_columns(record, ctx, question=False)
        if name == "consent":
            self.consent = texts(record, "label")
            return
        block = self._stack[0]["block"] if self._stack else self._main_block()
        in_group = any(open_["group"] for open_ in self._stack)
        # A note before the block's first question, outside groups, is its instructions.
        if block is not None and not block["items"] and not in_group:
            joined = block.setdefault("instructions", {})
            for lang, value in texts(record, "label").items():
                joined[lang] = f"{joined[lang]}\n\n{value}" if lang in joined else value

    def _question(self, number: int, record: dict[str, Any], base: str, ctx: RowContext) -> None:
        name = cell_text(record.get("name"))
        parts = cell_text(record.get("type")).split()
        list_name, or_other = "", False
        if base in ("select_one", "select_multiple"):
            words = [p for p in parts if p.lower() not in _SELECT_WORDS]
            list_name, rest = (words[0], words[1:]) if words else ("", [])
            or_other = rest in (["or_other"], ["or", "specify", "other"])
            if rest and not or_other:
                ctx.fail("type", "type_unsupported", type=cell_text(record.get("type")))
                return
        ok = self._check_name(name, ctx)
        self._check_columns(record, ctx, question=True)
        block = self._stack[0]["block"] if self._stack else self._main_block()
        if block is None:
            ctx.fail("name", "outside_instrument", name=name)
            return
        item, other = item_from_row(record, base, list_name, or_other, ctx)
        relevant = self._condition(record, ctx)
        if item is None or not ok:
            self.items[name] = {}
            return
        for option in item.get("options", ()):
            # The form's languages are its questions'; a choice's text in another is not read.
            option["label"] = {k: v for k, v in option["label"].items() if k in self.languages}
        self._check_texts(item, ctx)
        if relevant:
            item["relevant"] = relevant
        item["missing"] = self._missing_of(item, record, block, ctx)
        group = self._stack[-1]["group"] if self._stack else None
        for each in (item, other):
            if each is None:
                continue
            if group:
                each["group"] = group
            block["items"].append(each)
            block["rows"][each["id"]] = number
            self.items[each["id"]] = each
        if "options" in item:
            self.choice_names[name] = {
                **{str(o["value"]): str(o["value"]) for o in item["options"]},
                **{o["name"]: str(o["value"]) for o in item["options"] if "name" in o},
            }

    def _check_name(self, name: str, ctx: RowContext) -> bool:
        if not IDENTIFIER.match(name):
            ctx.fail("name", "bad_name", name=name)
            return False
        if name in self.items:
            ctx.fail("name", "duplicate_name", name=name)
            return False
        return True

    def _check_columns(self, record: dict[str, Any], ctx: RowContext, question: bool) -> None:
        for key, problem in _UNSUPPORTED_COLUMNS.items():
            if cell_text(record.get(key)):
                ctx.fail(key, problem, value=cell_text(record.get(key)))
        for key in list(record):
            kind = key.split("::")[0]
            if kind in _PIPED_COLUMNS and "${" in cell_text(record[key]):
                ctx.fail(key, "piped_text")
            if kind in _MEDIA_COLUMNS and cell_text(record[key]):
                ctx.fail(key, "column_media")
        if question and cell_text(record.get("read_only")).lower() in ("yes", "true", "true()"):
            ctx.fail("read_only", "column_read_only")

    def _check_texts(self, item: dict[str, Any], ctx: RowContext) -> None:
        for lang in self.languages:
            if lang not in item["text"]:
                ctx.fail(f"label::{lang}", "no_label", language=lang)
        for option in item.get("options", ()):
            for lang in self.languages:
                if lang not in option["label"] and option.get("name") != "other":
                    self._choice_problem(
                        item, option, f"label::{lang}", "no_choice_label", language=lang
                    )

    def _choice_problem(self, item, option, key, problem, **params) -> None:
        for listed in self.lists.values():
            for choice in listed.choices:
                if choice.value == option["value"] and choice.labels == option["label"]:
                    self.problems.add("choices", choice.row, key, problem, **params)
                    return

    def _condition(self, record: dict[str, Any], ctx: RowContext) -> str | None:
        """``relevant`` with choice names as stored values; refused names are problems."""
        text = cell_text(record.get("relevant"))
        if not text:
            return None
        ok = True
        for name in references(text):
            if name in self.items:
                continue
            ok = False
            if name in self.calculates:
                ctx.fail("relevant", "calculate_used", name=name)
            elif name in self._later_names:
                ctx.fail("relevant", "forward_reference", name=name)
            else:
                ctx.fail("relevant", "unknown_name", name=name)
        rewritten, unknown = rewrite_choices(text, self.choice_names)
        for item_id, literal in unknown:
            ok = False
            ctx.fail("relevant", "unknown_choice", name=item_id, choice=literal)
        if not ok:
            return None
        return canonical_condition(rewritten, ctx)

    def _missing_list(self, record: dict[str, Any], ctx: RowContext) -> list[dict[str, Any]]:
        """The missing codes of the choices list named in ``evalsys_missing``."""
        list_name = cell_text(record.get("evalsys_missing"))
        if not list_name:
            return []
        listed = self.lists.get(list_name)
        if listed is None:
            ctx.fail("evalsys_missing", "list_not_found", list=list_name)
            return []
        return [{"value": c.value, "label": dict(c.labels)} for c in listed.choices]

    def _missing_of(self, item: dict, record: dict, block: dict, ctx) -> list[dict]:
        """The item's own missing codes: its ``evalsys_missing`` list, and for a number the
        values a constraint allows outside its range (labelled with the value itself)."""
        own = self._missing_list(record, ctx)
        shared = block.get("missing_codes", [])
        declared = {m["value"] for m in own} | {m["value"] for m in shared}
        if "options" in item:
            item["options"] = [o for o in item["options"] if o["value"] not in declared]
        for value in item.pop("missing_values", []):
            if value not in declared:
                own.append({"value": value, "label": dict.fromkeys(self.languages, str(value))})
        return own


def canonical_condition(text: str, ctx: RowContext, column: str = "relevant") -> str | None:
    """The condition as :mod:`surveys.conditions` writes it, or None (a problem) if refused."""
    try:
        from surveys.conditions import ConditionError, parse_condition
    except ImportError:  # the conditions module arrives with the core model
        return text
    try:
        return parse_condition(text).to_xlsform()
    except ConditionError as error:
        ctx.fail(column, "condition_unsupported", condition=text, reason=error.wording)
        return None


def _base(record: dict[str, Any]) -> str:
    """The row's type without its list name, lower case, ``begin group`` as ``begin_group``."""
    words = cell_text(record.get("type")).lower().split()
    if not words:
        return ""
    if words[0] in ("begin", "end") and len(words) > 1:
        return f"{words[0]}_{words[1]}"
    joined = " ".join(words)
    for alias in ("select all that apply", "select one", "select multiple"):
        if joined.startswith(alias):
            return alias
    return words[0]
