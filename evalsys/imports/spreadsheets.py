"""Reading uploaded CSV and XLSX files row by row, without loading the whole file.

Every file is held to :class:`~evalsys.imports.limits.ImportLimits` before and while it is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalsys.collection.cells import cell_text
from evalsys.i18n import _
from evalsys.imports import limits as checks
from evalsys.imports.limits import ImportLimits

KINDS = ("csv", "xlsx")
_SNIFF_BYTES = 64 * 1024


class SpreadsheetError(ValueError):
    """The file cannot be read as a table; ``problem`` is a translatable sentence."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Table:
    """A readable file: its header and a way to walk its data rows (numbered as in the file)."""

    path: Path
    kind: str
    header: list[str]
    limits: ImportLimits = field(default_factory=ImportLimits)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number counting the header as row 1, cells) for every non-empty data row."""
        if self.kind == "csv":
            reader = _csv_rows(self.path, self.limits)
            next(reader, None)  # the header
            for number, cells in enumerate(reader, start=2):
                if "".join(cells).strip():
                    yield number, cells
            return
        reader = _xlsx_rows(self.path, self.limits)
        next(reader, None)
        for number, cells in enumerate(reader, start=2):
            if any(not _blank(c) for c in cells):
                yield number, cells


def kind_of(filename: str, path: Path) -> str:
    """``csv`` or ``xlsx`` from the name and the first bytes; anything else is refused."""
    suffix = Path(filename or "").suffix.lower()
    with path.open("rb") as f:
        start = f.read(8)
    if suffix == ".xlsx" or (suffix not in (".csv", ".txt") and start.startswith(b"PK")):
        if not zipfile.is_zipfile(path):
            raise SpreadsheetError(
                _("This .xlsx file is damaged or is not an Excel file. Save it again as .xlsx.")
            )
        return "xlsx"
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xls", ".ods", ".numbers"):
        raise SpreadsheetError(
            _(
                "Files of type ${suffix} cannot be read. Save the sheet as Excel (.xlsx) "
                "or as CSV (UTF-8) and upload it again.",
                mapping={"suffix": suffix},
            )
        )
    raise SpreadsheetError(
        _("Upload a .csv or .xlsx file. Download the template on this page to start from.")
    )


def open_table(path: Path, kind: str, limits: ImportLimits | None = None) -> Table:
    """Read the header; an empty file or a broken workbook raises SpreadsheetError, a file
    over a limit :class:`~evalsys.imports.limits.LimitExceeded` (a FileProblem)."""
    limits = limits or ImportLimits()
    if kind == "csv":
        checks.count_lines(path, limits)
        reader = _csv_rows(path, limits)
    else:
        checks.check_archive(path, limits)
        reader = _xlsx_rows(path, limits)
    try:
        header = next(reader, None)
    finally:
        reader.close()
    if header is None or all(_blank(c) for c in header):
        raise SpreadsheetError(
            _("The file is empty. The first row must hold the column names of the template.")
        )
    names = [cell_text(c) for c in header]
    while names and names[-1] == "":
        names.pop()  # spreadsheets often carry empty trailing columns
    if "" in names:
        raise SpreadsheetError(
            _(
                "Column ${number} has no name. Every column needs a name in the first row; "
                "delete empty columns.",
                mapping={"number": names.index("") + 1},
            )
        )
    doubles = sorted(name for name, times in Counter(names).items() if times > 1)  # linear
    if doubles:
        raise SpreadsheetError(
            _(
                "These columns appear more than once: ${columns}. Keep one of each.",
                mapping={"columns": ", ".join(doubles)},
            )
        )
    return Table(path, kind, names, limits)


def _csv_rows(path: Path, limits: ImportLimits) -> Iterator[list[Any]]:
    with path.open("rb") as raw:
        sample = raw.read(_SNIFF_BYTES)
    delimiter = _delimiter(sample)
    if csv.field_size_limit() < limits.max_row_kb * 1024:
        csv.field_size_limit(limits.max_row_kb * 1024)  # the row budget (CsvLines) comes first
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            lines = checks.CsvLines(f, limits)
            for cells in checks.bounded(csv.reader(lines, delimiter=delimiter), limits):
                yield cells
                lines.next_row()
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _(
                "The file is not in UTF-8. In Excel choose Save as > 'CSV UTF-8 (comma "
                "delimited)', or upload the .xlsx file."
            )
        ) from None
    except csv.Error as error:
        raise SpreadsheetError(
            _("The CSV file cannot be read: ${problem}", mapping={"problem": str(error)})
        ) from None


def _delimiter(sample: bytes) -> str:
    """``;`` (Dutch Excel), ``,`` or tab, whichever the header line holds most of."""
    text = codecs.decode(sample, "utf-8", errors="ignore").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _xlsx_rows(path: Path, limits: ImportLimits) -> Iterator[list[Any]]:
    import openpyxl

    with path.open("rb") as f:  # a file object: openpyxl judges a path by its suffix
        try:
            workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise SpreadsheetError(
                _("This .xlsx file is damaged or is not an Excel file. Save it again as .xlsx.")
            ) from None
        try:
            # The template's answers sheet comes first; the codebook sheet is never read.
            sheet = workbook.worksheets[0]
            checks.check_dimension(sheet.max_row, sheet.max_column, limits)
            budget = checks.XmlRowBudget(limits)
            # openpyxl opens the sheet's XML through this method each time it reads the rows.
            opened = sheet._get_source
            sheet._get_source = lambda: budget.wrap(opened())
            for cells in checks.bounded(sheet.iter_rows(values_only=True), limits):
                yield cells
                budget.next_row()
        finally:
            workbook.close()


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def csv_bytes(header: list[str], rows: list[list[Any]], delimiter: str = ";") -> bytes:
    """A small CSV (UTF-8 with BOM, so Excel opens it with the right characters)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
