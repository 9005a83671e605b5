"""Reading a REDCap data dictionary CSV into rows of named columns, and the problems found in it.

REDCap writes the dictionary with long headers (``Variable / Field Name``, ``Choices,
Calculations, OR Slider Labels`` ...), older versions with shorter ones and the API with snake
case names (``field_name``, ``select_choices_or_calculations``); any case, a byte order mark,
``,`` or ``;`` as separator and UTF-8 or Windows-1252 text are all read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from surveys.errors import InstrumentError, catalogue_message

#: The columns of a data dictionary in REDCap's order: key -> (header REDCap writes, other names).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "field": ("Variable / Field Name", ("variable name", "field name", "field_name")),
    "form": ("Form Name", ("form_name",)),
    "section": ("Section Header", ("section_header",)),
    "type": ("Field Type", ("field_type",)),
    "label": ("Field Label", ("field_label",)),
    "choices": (
        "Choices, Calculations, OR Slider Labels",
        ("choices or calculations", "select_choices_or_calculations", "choices"),
    ),
    "note": ("Field Note", ("field_note",)),
    "validation": (
        "Text Validation Type OR Show Slider Number",
        ("text validation type", "text_validation_type_or_show_slider_number"),
    ),
    "min": ("Text Validation Min", ("text_validation_min",)),
    "max": ("Text Validation Max", ("text_validation_max",)),
    "identifier": ("Identifier?", ("identifier",)),
    "branching": (
        "Branching Logic (Show field only if...)",
        ("branching logic", "branching_logic"),
    ),
    "required": ("Required Field?", ("required field", "required_field")),
    "alignment": ("Custom Alignment", ("custom_alignment",)),
    "question_number": ("Question Number (surveys only)", ("question number", "question_number")),
    "matrix_group": ("Matrix Group Name", ("matrix_group_name",)),
    "matrix_ranking": ("Matrix Ranking?", ("matrix ranking", "matrix_ranking")),
    "annotation": ("Field Annotation", ("field_annotation",)),
}
REQUIRED_COLUMNS = ("field", "form", "type", "label")
#: Columns older REDCap versions wrote that hold nothing an instrument needs.
_IGNORED_HEADERS = {"field units", "field_units"}
_SEPARATORS = ",;\t"


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().lower())


_HEADER_KEYS = {
    _normal(name): key for key, (header, others) in COLUMNS.items() for name in (header, *others)
}


class RedcapError(InstrumentError):
    """A data dictionary that cannot be read or written: every problem at once, each once.

    ``problems`` holds ``(where, problem)`` pairs in English (as every InstrumentError);
    :meth:`lines` gives the same lines in another language (``en`` or ``nl``).
    """

    def __init__(self, source: str, found: list[Problem]):
        # In file order (problems of the whole file first), each once.
        self.found = sorted(dict.fromkeys(found), key=lambda p: p.line or 0)
        super().__init__(source, [(p.where("en"), p.text("en")) for p in self.found])

    def lines(self, lang: str = "en") -> list[str]:
        """One line per problem in ``lang``: ``source: line 4, field dob, column ...: text``."""
        return [f"{self.source}: {p.where(lang)}: {p.text(lang)}" for p in self.found]


@dataclass(frozen=True)
class Problem:
    """One problem: where (line, field, column or form) and a keyed message of the catalogue."""

    key: str
    line: int | None = None
    field: str = ""
    column: str = ""
    form: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str) -> str:
        """The problem in ``lang`` (from the ``redcap`` catalogue)."""
        return catalogue_message("redcap", self.key, lang, **dict(self.params))

    def where(self, lang: str) -> str:
        """Where the problem is, in ``lang``."""
        column = f"'{self.column}'"
        if self.line is not None and self.column:
            return message("where", lang, line=self.line, field=self.field, column=column)
        if self.line is not None:
            return message("where_field", lang, line=self.line, field=self.field)
        if self.column:
            return message("where_column", lang, column=column)
        if self.field:
            return message("where_item", lang, item=self.field)
        if self.form:
            return message("where_form", lang, form=self.form)
        return message("where_file", lang)


def message(key: str, lang: str = "en", **params: Any) -> str:
    """A text of the ``redcap`` catalogue in ``lang``."""
    return catalogue_message("redcap", key, lang, **params)


def problem(key: str, row: Row | None = None, column: str = "", **params: Any) -> Problem:
    """A problem of ``row`` (and of one of its columns, given by key), or of the file."""
    header = COLUMNS[column][0] if column in COLUMNS else column
    if row is None:
        return Problem(key, column=header, params=tuple(params.items()))
    return Problem(key, row.line, row["field"], header, params=tuple(params.items()))


@dataclass(frozen=True)
class Row:
    """One field of the dictionary: its line in the file and its cells by column key."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.cells.get(key, "")


def read_dictionary(source: str | Path | bytes | IO[Any], label: str) -> list[Row]:
    """The fields of a data dictionary, in file order (empty rows left out).

    Raises
    ------
    RedcapError
        When the file is not a data dictionary (required columns missing, not text) or has a
        column that is not a dictionary column but holds values.
    """
    text = _text(source, label)
    first = text.splitlines()[0] if text.strip() else ""
    separator = max(_SEPARATORS, key=lambda s: _outside_quotes(first).count(s))
    records = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = [_normal(h) for h in records[0]] if records else []
    keys = [_HEADER_KEYS.get(h) for h in header]
    missing = [COLUMNS[k][0] for k in REQUIRED_COLUMNS if k not in keys]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise RedcapError(label, [problem("not_a_dictionary", columns=names)])
    rows, found = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells: dict[str, str] = {}
        for position, cell in enumerate(record):
            key = keys[position] if position < len(keys) else None
            if key is not None:
                cells[key] = cell.strip()
            elif cell.strip():
                name = records[0][position] if position < len(header) else f"#{position + 1}"
                if position >= len(header) or header[position] not in _IGNORED_HEADERS:
                    found.append(problem("unknown_column", column=name.strip()))
        rows.append(Row(number, cells))
    if found:
        raise RedcapError(label, found)
    return rows


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def _text(source: str | Path | bytes | IO[Any], label: str) -> str:
    if isinstance(source, str | Path):
        data: Any = Path(source).read_bytes()
    elif isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        data = source.read()
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # REDCap before version 9 wrote Windows-1252 where Excel had saved the file.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise RedcapError(label, [problem("unreadable", reason=str(exc))]) from None


def write_dictionary(rows: list[dict[str, str]], target: str | Path | IO[Any]) -> None:
    """Write rows (column key -> text) with REDCap's headers, as UTF-8 with a byte order mark
    (as REDCap writes it, so that spreadsheet programs read the diacritics)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header for header, _others in COLUMNS.values()])
    for row in rows:
        writer.writerow([row.get(key, "") for key in COLUMNS])
    text = buffer.getvalue()
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8-sig")
    elif isinstance(target, io.TextIOBase):
        target.write(text)
    else:
        target.write(("\ufeff" + text).encode("utf-8"))
