"""Limits on an uploaded spreadsheet, checked before and while it is read, so a hostile file is
refused at once and reading never takes more memory than one row.

A CSV file is read a line at a time with a budget of characters per row (a 10 MB cell or a row
of a million empty cells is refused before it is parsed) and its lines are counted before the
first row is read. An XLSX file is a zip archive: the sizes its members declare (which
``zipfile`` holds them to: a member that inflates further fails its CRC) are added up and compared
with the file's size (a zip bomb inflates a thousandfold) before openpyxl opens it, and the
dimension its first sheet declares (``<dimension ref="A1:XFD1048576"/>``, openpyxl's
``max_row`` and ``max_column`` in read-only mode) is checked before any row is read; every row
read is checked again, since a dimension can lie, and the sheet's XML is read with a budget of
bytes per row (:class:`XmlRowBudget`). openpyxl keeps the shared-strings part in memory, so
that part has a limit of its own.

The limits are the ``evalsys.import.max_*`` settings of the .ini (docs/deploy.md); the file's
own size is ``evalsys.max_upload_mb``, checked by the upload view.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from evalsys.i18n import _
from evalsys.imports.problems import FileProblem

_END_OF_ARCHIVE = b"PK\x05\x06"  # the zip format's end of central directory record
_MB = 1024 * 1024


class LimitExceeded(FileProblem):
    """The file is over a limit; ``problem`` is a translatable sentence."""


@dataclass(frozen=True)
class ImportLimits:
    """What an import file may hold. The defaults take 200,000 rows of a long questionnaire."""

    max_rows: int = 200_000  # data rows, the header not counted
    max_columns: int = 1_000
    max_cell_chars: int = 32_767  # what one Excel cell holds at most
    max_row_kb: int = 1_024  # text of one CSV row
    max_unzipped_mb: int = 300  # all members of an XLSX archive together, inflated
    max_zip_ratio: int = 200  # inflated / compressed, for archives inflating beyond 10 MB
    max_shared_strings_mb: int = 10  # the part openpyxl holds in memory: ~7 times its size
    max_zip_members: int = 1_000

    @classmethod
    def from_settings(cls, settings: dict) -> ImportLimits:
        """The limits of ``evalsys.import.<name>`` settings; the defaults where none is set."""
        given = {}
        for spec in fields(cls):
            value = settings.get(f"evalsys.import.{spec.name}")
            if value not in (None, ""):
                given[spec.name] = int(value)
        return cls(**given)


def check_archive(path: Path, limits: ImportLimits) -> None:
    """Refuse an XLSX archive that would inflate too far, before anything in it is read."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 22 - 65_535))  # the record sits in the last 64 KB + 22 bytes
        tail = f.read()
    at = tail.rfind(_END_OF_ARCHIVE)
    if at < 0 or len(tail) < at + 22:
        raise LimitExceeded(_damaged())
    members = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if members > limits.max_zip_members:  # 0xFFFF, the zip64 mark, too: an XLSX has a dozen
        raise LimitExceeded(_unzipped_too_large(limits))
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise LimitExceeded(_damaged()) from None
    inflated = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    too_dense = inflated > 10 * _MB and inflated > limits.max_zip_ratio * max(compressed, 1)
    if inflated > limits.max_unzipped_mb * _MB or too_dense:
        raise LimitExceeded(_unzipped_too_large(limits))
    strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > limits.max_shared_strings_mb * _MB:
        raise LimitExceeded(
            _(
                "This .xlsx file holds more than ${mb} MB of text. Save the sheet as CSV (UTF-8), "
                "which is read a row at a time, or split it into smaller files.",
                mapping={"mb": limits.max_shared_strings_mb},
            )
        )


def check_dimension(max_row: int | None, max_column: int | None, limits: ImportLimits) -> None:
    """Refuse a sheet whose declared size is over the limits (openpyxl's read-only figures)."""
    if max_column is not None and max_column > limits.max_columns:
        raise LimitExceeded(too_many_columns(max_column, limits))
    if max_row is not None and max_row > limits.max_rows + 1:
        raise LimitExceeded(too_many_rows(limits))


def count_lines(path: Path, limits: ImportLimits) -> None:
    """Refuse a CSV file of more lines than rows allowed, before its first row is parsed."""
    lines = 0
    with path.open("rb") as f:
        while block := f.read(_MB):
            lines += block.count(b"\n")
            if lines > limits.max_rows + 1:
                raise LimitExceeded(too_many_rows(limits))


class CsvLines:
    """A text file's lines for ``csv.reader``, with a budget of characters per row.

    ``csv.reader`` asks for a line at a time and returns a row once the row's last line is in;
    :meth:`next_row` (called after each row) renews the budget. A line is read no further than
    the budget, so an endless line never enters memory.
    """

    def __init__(self, f, limits: ImportLimits):
        self.f = f
        self.budget = limits.max_row_kb * 1024
        self.used = 0
        self.row = 1
        self.limits = limits

    def __iter__(self) -> CsvLines:
        return self

    def __next__(self) -> str:
        line = self.f.readline(self.budget - self.used + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > self.budget:
            raise LimitExceeded(_row_too_long(self.row, self.limits))
        return line

    def next_row(self) -> None:
        self.used = 0
        self.row += 1


class XmlRowBudget:
    """A budget of bytes of sheet XML per row, for openpyxl's read-only reader.

    openpyxl builds a whole row (every cell of it) before it hands the row over, so a hostile
    row of millions of cells would be in memory before any check of ours. The sheet's XML is
    therefore read through :meth:`wrap`, which counts the bytes read since the last row was
    handed over (:meth:`next_row`) and stops the parser once a row takes more than twice the
    text budget of a CSV row (markup included). Whatever names, prefixes or nesting the XML
    uses, what a row costs in memory follows the bytes it takes.
    """

    def __init__(self, limits: ImportLimits):
        self.limits = limits
        self.budget = 2 * limits.max_row_kb * 1024 + 64 * 1024  # the parser reads 16 KB ahead
        self.used = 0
        self.row = 1

    def wrap(self, source):
        return _CountedSource(source, self)

    def next_row(self) -> None:
        self.used = 0
        self.row += 1

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.budget:
            raise LimitExceeded(_row_too_long(self.row, self.limits))


class _CountedSource:
    """A sheet's XML stream whose reads are charged to an :class:`XmlRowBudget`."""

    def __init__(self, source, budget: XmlRowBudget):
        self.source = source
        self.budget = budget

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size if size is not None and size >= 0 else 16 * 1024)
        self.budget.spend(len(data))
        return data

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> _CountedSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bounded(rows: Iterator[list[Any]], limits: ImportLimits) -> Iterator[list[Any]]:
    """The rows (the header first), each checked: rows, columns and cell lengths within limits.

    Trailing empty cells are dropped first: spreadsheets carry them, and they hold nothing.
    """
    longest = limits.max_cell_chars
    for number, cells in enumerate(rows, start=1):
        if number > limits.max_rows + 1:
            raise LimitExceeded(too_many_rows(limits))
        cells = list(cells)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if len(cells) > limits.max_columns:
            raise LimitExceeded(too_many_columns(len(cells), limits))
        try:
            over = max(map(len, cells), default=0) > longest  # a CSV row: every cell is text
        except TypeError:
            over = True  # numbers or dates among them: look at the text cells one by one
        for column, cell in enumerate(cells if over else (), start=1):
            if type(cell) is str and len(cell) > longest:
                raise LimitExceeded(
                    _(
                        "Row ${row}, column ${column} holds more than ${chars} characters. "
                        "Shorten it; a cell holds an answer, not a document.",
                        mapping={"row": number, "column": column, "chars": longest},
                    )
                )
        yield cells


def _row_too_long(row: int, limits: ImportLimits):
    return _(
        "Row ${row} holds more than ${kb} KB of text. Check that it is a table of answers as in "
        "the template.",
        mapping={"row": row, "kb": limits.max_row_kb},
    )


def too_many_columns(count: int, limits: ImportLimits):
    return _(
        "The file has ${count} columns; at most ${limit} are read. Use the columns of the "
        "template and delete the others.",
        mapping={"count": count, "limit": limits.max_columns},
    )


def too_many_rows(limits: ImportLimits):
    return _(
        "The file has more than ${limit} rows. Split it into smaller files and upload them one "
        "by one.",
        mapping={"limit": limits.max_rows},
    )


def _unzipped_too_large(limits: ImportLimits):
    return _(
        "This .xlsx file unpacks to far more data than a table of answers holds (at most "
        "${mb} MB). Save the sheet again as .xlsx or as CSV (UTF-8), without pictures or other "
        "sheets, and upload it again.",
        mapping={"mb": limits.max_unzipped_mb},
    )


def _damaged():
    return _("This .xlsx file is damaged or is not an Excel file. Save it again as .xlsx.")
