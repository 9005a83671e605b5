"""Text cells made safe to open in a spreadsheet: the exports' and the import error report's rule.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula, which can run commands or send the sheet's
data away (OWASP, "CSV Injection"). Such a cell gets a leading apostrophe, which every one of
them shows as text; the XLSX exports write it as a string cell instead, its value unchanged
(:func:`xlsx_cell`). Numbers stay numbers. It sits at the ground so that ``results`` (the
exports) and ``imports`` (the error report) share one rule without importing each other.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that starts like a formula gets a leading apostrophe; others stay as they are.

    Parameters
    ----------
    value
        A cell about to be written to a CSV or XLSX file.

    Returns
    -------
    Any
        ``value`` itself, or ``"'" + value`` for text that a spreadsheet would run.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("noord"), neutralise(-1.5)
    ("'=HYPERLINK(1)", 'noord', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet, value: Any) -> Any:
    """A cell for openpyxl's streaming writer that holds ``value`` unchanged and cannot run.

    Text that starts like a formula becomes a string cell (``t="s"``: Excel, LibreOffice and
    Google Sheets never evaluate it) with Excel's quote prefix, so it stays text when someone
    edits it; no apostrophe is added to the value. Other values are returned as they are.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> cell = xlsx_cell(Workbook(write_only=True).create_sheet(), "=1+1")
    >>> cell.value, cell.data_type, cell.quotePrefix
    ('=1+1', 's', True)
    """
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl makes text starting with "=" a formula otherwise
    cell.quotePrefix = True
    return cell
