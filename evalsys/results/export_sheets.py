"""The XLSX and SPSS .sav exports: a workbook with data, codebook (and change log) sheets, and
an SPSS file with labels, measurement levels, user-missing codes and dates.

The rows and columns are evalsys.results.exports'; only the writing is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from evalsys.i18n import _
from evalsys.results.export_names import (
    SPSS_VALUE_LABEL_BYTES,
    SPSS_VARIABLE_LABEL_BYTES,
    cut_bytes,
    renamed_label,
    spss_names,
)
from evalsys.results.exports import CHUNK, NOT_APPLICABLE, Column, translator
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


def _present(value):
    """A not-applicable cell is an empty cell in a workbook, as a missing answer is."""
    return None if value is NOT_APPLICABLE else value


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
        data.append([xlsx_cell(data, _present(row.get(name))) for name in names])
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


@dataclass(frozen=True)
class SpssVariable:
    """What SPSS is told of one column, the same in the .sav and in the .sps syntax."""

    column: str  # the export's (CSV) name
    name: str  # its SPSS name (export_names.spss_names)
    label: str  # cut to SPSS's 256 bytes, the full name first where the name was changed
    kind: str  # "string", "number" or "date"
    value_labels: dict[float, str]  # each cut to 120 bytes; the not-asked code's too
    missing: list  # user-missing codes as spss_missing gives them; [] for none
    measure: str
    format: str | None  # None: SPSS's default
    not_applicable: int | None  # the code of "not asked" (conditional columns only)


def spss_variables(columns: tuple[Column, ...]) -> list[SpssVariable]:
    """The SPSS dictionary of an export's columns: names within SPSS's rules, labels within
    its byte limits, value labels, user-missing codes, levels and formats."""
    short = spss_names(c.name for c in columns)
    found = []
    for c in columns:
        labels = {float(v): t for v, t in c.value_labels.items()}
        codes_here = [float(v) for v in c.missing]
        code = not_applicable_code(c) if c.conditional else None
        if code is not None:
            labels[float(code)] = c.not_applicable_label
            codes_here.append(float(code))
        name = short[c.name]
        found.append(
            SpssVariable(
                column=c.name,
                name=name,
                label=cut_bytes(renamed_label(c.name, name, c.label), SPSS_VARIABLE_LABEL_BYTES),
                kind=c.kind,
                value_labels={v: cut_bytes(t, SPSS_VALUE_LABEL_BYTES) for v, t in labels.items()},
                missing=spss_missing(codes_here) if codes_here else [],
                measure=c.measure,
                format=c.spss_format,
                not_applicable=code,
            )
        )
    return found


def write_sav(rows: Iterable[dict], columns: tuple[Column, ...], path: str) -> int:
    """An SPSS file with variable and value labels, measurement levels, user-missing codes,
    dates as SPSS dates and whole-number answers without decimals (pyreadstat).

    Names follow SPSS's rules (export_names.spss_names: a shortened or changed name has the
    full one at the start of its label); labels are cut to SPSS's byte limits (256 bytes for a
    variable label, 120 for a value label) between characters, so accents never break one. The
    declared missing codes are user-missing; an item a response was not asked has
    :func:`not_applicable_code` (-9, or -99, ... where -9 is an answer), user-missing too.
    :func:`spss_variables` says all of it, for the .sav and the .sps syntax alike.

    pyreadstat writes from a pandas DataFrame, so the whole export is held in memory once: about
    8 bytes per numeric cell, e.g. 1,000,000 responses x 40 variables is roughly 320 MB.
    """
    import pyreadstat

    variables = spss_variables(columns)
    codes = {v.column: v.not_applicable for v in variables if v.not_applicable is not None}
    frame = data_frame(rows, columns, codes)
    frame.columns = [v.name for v in variables]
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={v.name: v.label for v in variables},
        variable_value_labels={v.name: v.value_labels for v in variables if v.value_labels},
        variable_measure={v.name: v.measure for v in variables},
        missing_ranges={v.name: v.missing for v in variables if v.missing},
        variable_format={v.name: v.format for v in variables if v.format},
    )
    return len(frame)


NOT_APPLICABLE_CODES = (-9, -99, -999, -9999, -99999)


def not_applicable_code(column: Column) -> int:
    """The number that stands for "not asked" in a numeric .sav column: the first of -9,
    -99, ... that is no answer of the column (an option, a missing code, within its range)."""
    lo, hi = column.bounds or (None, None)
    for code in NOT_APPLICABLE_CODES:
        inside = lo is not None and lo <= code <= hi
        if code not in column.value_labels and code not in column.missing and not inside:
            return code
    return NOT_APPLICABLE_CODES[-1] * 10 - 9


def spss_missing(codes: list[float]) -> list:
    """SPSS holds up to three discrete user-missing values, or a range and one value."""
    codes = sorted(set(codes))
    if len(codes) <= 3:
        return codes
    return [{"lo": codes[0], "hi": codes[-2]}, codes[-1]]


def data_frame(rows: Iterable[dict], columns: tuple[Column, ...], not_applicable: dict):
    """The rows as a DataFrame of the columns' kinds: numbers as floats, dates as dates
    (datetime.date: pyreadstat writes pandas 3's datetime64[s] as 1970-01-01), text as text
    (empty where missing); a not-applicable cell gets ``not_applicable[column]``, or stays
    empty where that has none."""
    import pandas as pd

    names = [c.name for c in columns]
    frame = pd.DataFrame.from_records(list(rows), columns=names)
    for column in columns:
        values = frame[column.name]
        hidden = values.map(lambda v: v is NOT_APPLICABLE)
        if column.kind == "number":
            numbers = pd.to_numeric(values.where(~hidden), errors="coerce").astype(float)
            if column.name in not_applicable:
                numbers = numbers.mask(hidden, float(not_applicable[column.name]))
            frame[column.name] = numbers
        elif column.kind == "date":
            frame[column.name] = values.map(_date).astype(object)
        else:
            frame[column.name] = values.where(~hidden).fillna("").astype(str)
    return frame


def _date(value):
    if value is None or value is NOT_APPLICABLE or value != value:  # None, NaN or NaT
        return None
    return value.date() if isinstance(value, dt.datetime) else value
