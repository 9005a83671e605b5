"""REDCap data dictionaries (the project's fields as CSV) read as questionnaires.

Mapping (``Field Type`` column; the reverse in :mod:`surveys.redcap_export`):

=========================  ===================================================================
REDCap                     evalsys
=========================  ===================================================================
form (``Form Name``)       one instrument (id = form name); a form ``demographics`` is the
                           demographics block
``Section Header``         a group (its title), from that field to the next header
``radio`` / ``dropdown``   single choice; whole-number codes are the values, text codes
                           (``a``, ``yes``) are numbered 1, 2, 3 ... keeping the code as name
``checkbox``               multiple choice (codes as for radio)
``yesno`` / ``truefalse``  yes/no (1 Yes / 0 No, 1 True / 0 False)
``text``                   text; validation ``integer`` / ``number*`` with Min and Max: number
                           (``integer``: whole numbers); ``alpha_only``: text; dates, times,
                           e-mail, phone, postcodes, record numbers: refused by name
``notes``                  text (5000 characters; ``@CHARLIMIT`` sets a limit)
``slider``                 number 0..100 (or Min..Max), whole numbers; labels become the hint
``descriptive``            the consent text when it is the first field (after the record id)
                           and is named ``consent`` or speaks of consent; the instructions
                           when it opens a form; else a group title (with its branching logic)
``calc``, ``file``, ``sql`` refused by name
=========================  ===================================================================

The first field, the record id (``record_id``, ``study_id`` ...), is skipped. Branching logic
becomes the item's ``relevant`` condition (:func:`surveys.conditions.parse_redcap_logic`);
``Required Field? = y`` makes it required; ``Identifier? = y`` is refused: evalsys stores no
direct identifiers. Action tags that change what a field does (``@CALCTEXT``, ``@DEFAULT``,
``@HIDDEN``, ``@READONLY`` ...) are refused; display tags are ignored. Every problem names the
line, the field and the column, all at once, in English and Dutch (:class:`RedcapError`).

A dictionary holds one language (``language``). What REDCap has no column for (other
languages, scales, likert and year types, reverse keys, missing-data codes, licence, groups
and block conditions) is carried in the Field Annotation as ``@EVALSYS={...}`` (per field) and
``@EVALSYS-INSTRUMENT={...}`` (first field of a form), which REDCap keeps as text: so an
exported questionnaire reads back with the same fingerprints. See docs/instruments.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

from surveys.conditions import ConditionError, parse_condition, parse_redcap_logic
from surveys.errors import InstrumentError, worded
from surveys.instrument import Instrument, parse_instrument
from surveys.questionnaire import Questionnaire
from surveys.redcap_dictionary import Problem, RedcapError, Row, problem, read_dictionary
from surveys.redcap_fields import (
    FORM_NAME,
    VARIABLE_NAME,
    annotation_tags,
    check_piping,
    column_item,
    flag,
    refused_tags,
)

_RECORD_ID = re.compile(r"(^|_)(record|study|participant|subject|patient)?_?id$")
_RECORD_LABEL = re.compile(r"\b(record|study|participant|subject|patient)\b.*\bid\b", re.I)
_CONSENT = re.compile(r"consent|toestemming|informed", re.I)
# REDCap compares a choice field with a quoted code: `[q] = 'a'`, `[q(a)]` for a checkbox.
_COMPARED_CODE = re.compile(r"\[([a-z][a-z0-9_]*)\]\s*(=|<>|!=)\s*(['\"])([^'\"]*)\3")
_CHECKED_CODE = re.compile(r"\[([a-z][a-z0-9_]*)\(([^)\s]+)\)\]")


def import_redcap(
    source: str | Path | bytes | IO[Any],
    name: str | None = None,
    version: str | None = None,
    language: str = "nl",
) -> Questionnaire:
    """Read a REDCap data dictionary (CSV) into a :class:`Questionnaire` of new instruments.

    Parameters
    ----------
    source : path, bytes or file
        The CSV as REDCap writes it (``,`` or ``;``, with or without byte order mark).
    name : str, optional
        Name for error messages (defaults to the file name).
    version : str, optional
        Version of the instruments; defaults to the one an evalsys export wrote, else ``"1"``.
    language : str
        The language of the labels (a dictionary holds one); an evalsys export says its own.

    Raises
    ------
    RedcapError
        Listing every problem, each naming line, field and column; ``.lines("nl")`` in Dutch.
    """
    label = name or (Path(source).name if isinstance(source, str | Path) else "<redcap>")
    rows = read_dictionary(source, label)
    return _Reader(label, version, language).read(rows)


def effective_logic(
    block: str | None, groups: dict[str, dict], group: str | None, own: str | None
) -> str | None:
    """The REDCap branching logic that shows a field exactly when evalsys shows the item: the
    block's, its groups' (outer first) and its own conditions joined by ``and``."""
    chain, seen = [], set()
    while group and group in groups and group not in seen:
        seen.add(group)
        chain.insert(0, groups[group].get("relevant"))
        group = groups[group].get("parent")
    texts = [t for t in (block, *chain, own) if t]
    if not texts:
        return None
    parts = [parse_condition(t).to_redcap() for t in texts]
    joined = parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)
    return parse_redcap_logic(joined).to_redcap()


def form_title(form: str) -> str:
    """A readable title for a form name: ``prescreening_survey`` -> ``Prescreening survey``."""
    words = form.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class _Form:
    """What has been read of one form so far."""

    def __init__(self, form: str, line: int, blob: dict | None):
        self.id, self.line, self.blob = form, line, blob
        self.items: list[dict] = []
        self.groups: list[dict] = []
        self.group: str | None = None
        self.instructions: str = ""
        self.fields = 0


class _Reader:
    """One reading of a dictionary: the rows in, the questionnaire (or every problem) out."""

    def __init__(self, label: str, version: str | None, language: str):
        self.label, self.version, self.language = label, version, language
        self.problems: list[Problem] = []
        self.forms: dict[str, _Form] = {}
        self.codes: dict[str, dict[str, int]] = {}  # item id -> choice code -> value
        self.items: list[str] = []  # item ids in order (the names a condition may use)
        self.consent: dict[str, str] = {}
        self.questionnaire: dict[str, Any] = {}

    def read(self, rows: list[Row]) -> Questionnaire:
        rows = self._checked_names(rows)
        names = {row["field"] for row in rows}
        if rows and self._is_record_id(rows[0]):
            rows = rows[1:]
        if rows:
            _item, blob = annotation_tags(rows[0], [])
            if blob:
                self.language = str(blob.get("label_language") or self.language)
                self.questionnaire = dict(blob.get("questionnaire") or {})
        previous = None
        for position, row in enumerate(rows):
            form = row["form"]
            if form != previous and form in self.forms:
                self.problems.append(problem("form_split", row, "form", form=form, line=row.line))
            previous = form
            self._field(row, position == 0, names)
        instruments = [inst for inst in map(self._instrument, self.forms.values()) if inst]
        if not self.problems and not any(inst.items for inst in instruments):
            self.problems.append(problem("no_fields"))
        if self.problems:
            raise RedcapError(self.label, self.problems)
        return self._questionnaire(instruments)

    def _checked_names(self, rows: list[Row]) -> list[Row]:
        """The rows whose names are usable; bad and doubled names are reported."""
        seen: dict[str, int] = {}
        good = []
        for row in rows:
            name, form = row["field"], row["form"]
            ok = True
            if not VARIABLE_NAME.match(name):
                self.problems.append(problem("bad_name", row, "field", name=repr(name)))
                ok = False
            elif name in seen:
                self.problems.append(
                    problem("duplicate_name", row, "field", name=name, first=seen[name])
                )
                ok = False
            if not FORM_NAME.match(form):
                self.problems.append(problem("bad_form_name", row, "form", name=repr(form)))
                ok = False
            seen.setdefault(name, row.line)
            if ok:
                good.append(row)
        return good

    @staticmethod
    def _is_record_id(row: Row) -> bool:
        # REDCap requires the record id as the first field; an instrument file from the shared
        # library has none, so the first field is skipped only when it looks like one.
        if row["type"].lower() != "text" or row["branching"]:
            return False
        return bool(_RECORD_ID.search(row["field"]) or _RECORD_LABEL.search(row["label"]))

    def _field(self, row: Row, first: bool, names: set[str]) -> None:
        extra, blob = annotation_tags(row, self.problems)
        form = self.forms.get(row["form"])
        if form is None:
            form = self.forms[row["form"]] = _Form(row["form"], row.line, blob)
        refused_tags(row, self.problems)
        check_piping(row, names, self.problems)
        if flag(row, "identifier", self.problems):
            self.problems.append(problem("identifier", row, "identifier"))
            return
        kind = row["type"].lower()
        if row["section"] and form.blob is None:
            self._group(form, f"{form.id}_section_{len(form.groups) + 1}", row["section"])
        if kind == "descriptive":
            self._descriptive(row, form, first, extra)
            return
        form.fields += 1
        read = column_item(row, self.language, self.problems)
        if read is None:
            return
        item, codes = read
        relevant = self._condition(row, row["branching"]) if row["branching"] else None
        if form.blob is not None:
            relevant = self._own_condition(row, form, extra, relevant)
        elif form.group:
            item["group"] = form.group
        if relevant:
            item["relevant"] = relevant
        merge(item, {k: v for k, v in extra.items() if k != "relevant"}, self.language)
        form.items.append(item)
        self.codes[item["id"]] = codes
        self.items.append(item["id"])

    def _group(self, form: _Form, group_id: str, title: str, relevant: str | None = None) -> None:
        group: dict[str, Any] = {"id": group_id, "title": {self.language: title}}
        if relevant:
            group["relevant"] = relevant
        form.groups.append(group)
        form.group = group_id

    def _descriptive(self, row: Row, form: _Form, first: bool, extra: dict) -> None:
        text = row["label"]
        if first and (row["field"] == "consent" or _CONSENT.search(text)):
            self.consent = {**extra.get("text", {}), self.language: text}
        elif form.blob is not None:
            return  # an evalsys export writes no other descriptive fields
        elif form.fields == 0 and not form.groups and not form.instructions:
            form.instructions = text
        else:
            relevant = self._condition(row, row["branching"]) if row["branching"] else None
            if row["section"] and form.groups:
                # The header opened a group on this very row: the text joins its title.
                form.groups[-1]["title"][self.language] += "\n\n" + text
                if relevant:
                    form.groups[-1]["relevant"] = relevant
            else:
                self._group(form, row["field"], text, relevant)

    def _own_condition(self, row: Row, form: _Form, extra: dict, column: str | None) -> Any:
        """Where an evalsys export folded the block's and groups' conditions into the field's
        branching logic, the item's own condition is in its annotation; an edited branching
        logic is taken as the item's own."""
        if "relevant" not in extra:
            return column
        groups = {g["id"]: g for g in form.blob.get("groups", [])}
        try:
            written = effective_logic(
                form.blob.get("relevant"), groups, extra.get("group"), extra["relevant"]
            )
            now = parse_redcap_logic(row["branching"]).to_redcap() if row["branching"] else None
        except ConditionError:
            return column
        return extra["relevant"] if written == now else column

    def _condition(self, row: Row, logic: str) -> str | None:
        """Branching logic as a condition on earlier items; choice codes become values."""
        bad = False

        def value(name: str, code: str) -> str | None:
            nonlocal bad
            codes = self.codes.get(name)
            if not codes:
                return None
            if code not in codes:
                self.problems.append(
                    problem("branching_code", row, "branching", name=name, code=repr(code))
                )
                bad = True
                return None
            return str(codes[code])

        def compared(match: re.Match) -> str:
            found = value(match.group(1), match.group(4))
            if found is None:
                return match.group(0)
            return f"[{match.group(1)}] {match.group(2)} '{found}'"

        def checked(match: re.Match) -> str:
            found = value(match.group(1), match.group(2))
            return match.group(0) if found is None else f"[{match.group(1)}({found})]"

        text = _CHECKED_CODE.sub(checked, _COMPARED_CODE.sub(compared, logic))
        try:
            condition = parse_redcap_logic(text)
        except ConditionError as exc:
            reason = exc.reason  # keyed: worded in the language of the lines
            self.problems.append(problem("branching", row, "branching", reason=reason))
            return None
        for name in sorted(condition.names - set(self.items)):
            self.problems.append(problem("branching_name", row, "branching", name=name))
            bad = True
        return None if bad else condition.to_xlsform()

    def _instrument(self, form: _Form) -> Instrument | None:
        if not form.items:
            return None
        if form.blob is not None:
            data = {k: v for k, v in form.blob.items() if k not in _BLOB_ONLY}
            data.setdefault("id", form.id)
            data["items"] = form.items
            if self.version:
                data["version"] = self.version
        else:
            data = {
                "id": form.id,
                "version": self.version or "1",
                "kind": "demographics" if form.id == "demographics" else "questionnaire",
                "title": {self.language: form_title(form.id)},
                "languages": {self.language: "original"},
                "items": form.items,
                "notes": f"Imported from the REDCap data dictionary {Path(self.label).name}.",
            }
            if form.instructions:
                data["instructions"] = {self.language: form.instructions}
            if form.groups:
                data["groups"] = form.groups
        try:
            return parse_instrument(data, source=f"{self.label} form {form.id}")
        except InstrumentError as exc:
            # The schema's problem stays keyed, so it is worded in the language of the lines.
            for path, text in exc.worded:
                detail = worded("schema", "at_path", path=path, problem=text) if path else text
                self.problems.append(
                    Problem(
                        "definition", form=form.id, params=(("form", form.id), ("problem", detail))
                    )
                )
            return None

    def _questionnaire(self, instruments: list[Instrument]) -> Questionnaire:
        demographics = next((i for i in instruments if i.kind == "demographics"), None)
        stem = re.sub(r"[^a-z0-9_]+", "_", Path(self.label).stem.lower()).strip("_")
        try:
            return Questionnaire(
                id=str(self.questionnaire.get("id") or stem or "redcap"),
                version=str(self.version or self.questionnaire.get("version") or "1"),
                title=dict(self.questionnaire.get("title") or {}),
                instruments=tuple(i for i in instruments if i is not demographics),
                demographics=demographics,
                consent=self.consent,
            )
        except InstrumentError as exc:
            found = [
                Problem(
                    "definition",
                    params=(
                        ("form", self.label),
                        ("problem", worded("schema", "at_path", path=p, problem=t)),
                    ),
                )
                for p, t in exc.worded
            ]
            raise RedcapError(self.label, found) from None


#: Keys of the instrument annotation that are not part of the instrument itself.
_BLOB_ONLY = ("label_language", "questionnaire")


def merge(item: dict[str, Any], extra: dict[str, Any], language: str) -> None:
    """Complete an item read from the columns with its evalsys annotation.

    The columns win where they hold the same thing (the label language's texts, the choices
    an editor may have changed in REDCap); ``null`` removes a key the columns gave.
    """
    for key, value in extra.items():
        if value is None:
            item.pop(key, None)
        elif key in ("text", "hint", "constraint_message") and isinstance(value, dict):
            item[key] = {**value, **item.get(key, {})}
        elif key == "option_labels" and isinstance(value, dict):
            for option in item.get("options", []):
                labels = value.get(str(option["value"]), {})
                option["label"] = {**labels, **option["label"]}
        elif key == "option_names" and isinstance(value, dict):
            for option in item.get("options", []):
                if str(option["value"]) in value:
                    option["name"] = value[str(option["value"])]
        else:
            item[key] = value


__all__ = ["RedcapError", "import_redcap"]
