"""Spreadsheet import: reading uploaded files, checking every row, storing all rows or none,
the blank forms to fill in and the row-by-row error reports."""
