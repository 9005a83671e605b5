"""The XLSX and SPSS .sav exports: a workbook with data, codebook (and change log) sheets, and
an SPSS file with labels, measurement levels, user-missing codes and dates.

The rows and columns are evalsys.results.exports'; only the writing is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from evalsys.i18n import _
from evalsys.results.exports import CHUNK, Column, translator
from evalsys.spreadsheet_cells import xlsx_cell

KIND_WORDS = {"string": _("text"), "number": _("number"), "date": _("date")}
CODEBOOK_HEADER = (
    _("variable"),
    _("label"),
    _("type"),
    _("value labels"),
    _("missing codes"),
)


def codebook_rows(
    columns: tuple[Column, ...], language: str = "nl"
) -> Iterator[tuple[str, str, str, str, str]]:
    """(variable, label, type, value labels, missing codes) per column, in ``language``;
    value labels as ``1 = ...; 2 = ...``, missing codes as ``9``."""
    words = translator(language)
    for column in columns:
        labels = "; ".join(f"{value} = {text}" for value, text in column.value_labels.items())
        missing = "; ".join(str(value) for value in column.missing)
        yield column.name, column.label, words(KIND_WORDS[column.kind]), labels, missing


def write_xlsx(
    rows: Iterable[dict],
    columns: tuple[Column, ...],
    path: str,
    *,
    language: str = "nl",
    progress: Callable[[int], None] | None = None,
    changes: Iterable[dict] | None = None,
) -> int:
    """A workbook with a "data" and a "codebook" sheet (in ``language``), written in openpyxl's
    streaming mode; with ``changes`` (evalsys.collection.change_log) a "changes" sheet as well.
    Dates are date cells; text that looks like a formula is a string cell, unchanged."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    names = [c.name for c in columns]
    data.append(names)
    count = 0
    for count, row in enumerate(rows, 1):
        data.append([xlsx_cell(data, row.get(name)) for name in names])
        if progress is not None and count % CHUNK == 0:
            progress(count)
    codebook = book.create_sheet("codebook")
    words = translator(language)
    codebook.append([words(title) for title in CODEBOOK_HEADER])
    for entry in codebook_rows(columns, language):
        codebook.append([xlsx_cell(codebook, cell) for cell in entry])
    if changes is not None:
        from evalsys.collection.change_log import CHANGE_LOG_COLUMNS

        log = book.create_sheet("changes")
        log.append(list(CHANGE_LOG_COLUMNS))
        for change in changes:
            log.append([xlsx_cell(log, change[name]) for name in CHANGE_LOG_COLUMNS])
    book.save(path)
    return count


def write_sav(rows: Iterable[dict], columns: tuple[Column, ...], path: str) -> int:
    """An SPSS file with variable and value labels, measurement levels, user-missing codes,
    dates as SPSS dates and whole-number answers without decimals (pyreadstat).

    pyreadstat writes from a pandas DataFrame, so the whole export is held in memory once: about
    8 bytes per numeric cell, e.g. 1,000,000 responses x 40 variables is roughly 320 MB.
    """
    import pandas as pd
    import pyreadstat

    names = [c.name for c in columns]
    frame = pd.DataFrame.from_records(list(rows), columns=names)
    for column in columns:
        if column.kind == "number":
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").astype(float)
        elif column.kind == "date":
            frame[column.name] = pd.to_datetime(frame[column.name])  # SPSS: seconds since 1582
        else:
            frame[column.name] = frame[column.name].fillna("").astype(str)
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={c.name: c.label[:256] for c in columns},
        variable_value_labels={
            c.name: {float(v): t for v, t in c.value_labels.items()}
            for c in columns
            if c.value_labels
        },
        variable_measure={c.name: c.measure for c in columns},
        missing_ranges={c.name: [float(v) for v in c.missing] for c in columns if c.missing},
        variable_format={c.name: c.spss_format for c in columns if c.spss_format},
    )
    return len(frame)
