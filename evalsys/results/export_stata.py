"""The Stata .dta export: variable and value labels, missing codes as Stata's extended missing
values, names within Stata's rules (pyreadstat's default dta version: Stata 15 and later read it).

An instrument's declared missing codes become ``.a``, ``.b``, ... in the order the instrument
declares them (the letter ``n`` skipped), each labelled with the code's label and its number,
e.g. ``.a`` = "Zeg ik liever niet (99)"; an item a response was not asked is ``.n``, "not
applicable". Stata counts both as missing (``. < .a < .n``); ``tab x, missing`` shows them.
Names: :func:`evalsys.results.export_names.stata_names` (32 characters, letters, digits and
``_``; a shortened or changed name has the full one at the start of its label); variable
labels are cut to 80 characters.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from evalsys.results.export_names import (
    STATA_VARIABLE_LABEL_CHARACTERS,
    cut_characters,
    renamed_label,
    stata_names,
)
from evalsys.results.export_sheets import data_frame
from evalsys.results.exports import NOT_APPLICABLE, Column

NOT_APPLICABLE_LETTER = "n"
MISSING_LETTERS = tuple(c for c in string.ascii_lowercase if c != NOT_APPLICABLE_LETTER)


def missing_letters(column: Column) -> dict[int, str]:
    """A column's missing codes -> their Stata letters (``.a``, ``.b``, ...; 25 at most)."""
    return dict(zip(column.missing, MISSING_LETTERS, strict=False))


def write_dta(
    rows: Iterable[dict], columns: tuple[Column, ...], path: str, *, title: str = ""
) -> int:
    """Write the rows as a Stata file; ``title`` becomes the data label (80 characters).

    The whole export is held in memory once, as for .sav (export_sheets.write_sav).
    """
    import pyreadstat

    rows = list(rows)
    short = stata_names(c.name for c in columns)
    frame = data_frame(rows, columns, {})
    value_labels, user_missing = {}, {}
    for column in columns:
        letters = missing_letters(column)
        labels: dict = {v: t for v, t in column.value_labels.items() if v not in letters}
        for code, letter in letters.items():
            text = column.value_labels.get(code, "")
            labels[letter] = f"{text} ({code})" if text else str(code)
        if column.conditional:
            labels[NOT_APPLICABLE_LETTER] = column.not_applicable_label
            letters = {**letters, NOT_APPLICABLE: NOT_APPLICABLE_LETTER}
        if letters:
            frame[column.name] = _lettered(frame[column.name], rows, column, letters)
            user_missing[short[column.name]] = sorted(set(letters.values()))
        if labels:
            value_labels[short[column.name]] = labels
    frame.columns = [short[c.name] for c in columns]
    pyreadstat.write_dta(
        frame,
        path,
        file_label=cut_characters(title, 80),
        column_labels={
            short[c.name]: cut_characters(
                renamed_label(c.name, short[c.name], c.label), STATA_VARIABLE_LABEL_CHARACTERS
            )
            for c in columns
        },
        variable_value_labels=value_labels,
        missing_user_values=user_missing,
        variable_format={short[c.name]: "%td" for c in columns if c.kind == "date"},
    )
    return len(frame)


def _lettered(numbers, rows: list[dict], column: Column, letters: dict):
    """The column with its missing codes (and not-applicable cells) as Stata's letters."""
    cells = numbers.astype(object)
    for position, row in enumerate(rows):
        value = row.get(column.name)
        key = value if value is NOT_APPLICABLE else _code(value)
        if key in letters:
            cells.iat[position] = letters[key]
    return cells


def _code(value):
    """A stored answer as the whole number a missing code is, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None
