"""The R export: a zip with the CSV (international style) and an R script that reads it with
base R alone (no packages): choice items as factors with their levels and labels, declared
missing codes as NA (the code kept in an attribute), variable labels as ``attr(x, "label")``.

The script is ASCII: every other character is written as a ``\\uXXXX`` escape, so R reads it
the same on every system whatever its locale. Run it in the folder that holds both files:
``source("<slug>.R")`` makes a data frame ``data``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable

from evalsys.results.exports import Column

_HEADER = """\
# Reads {csv} (an evalsys export) into the data frame `data`, with base R only.
# Run in the folder that holds both files: source("{script}")
# - choice items are factors with their answer options as levels and labels;
# - declared missing codes ("rather not say", ...) are NA; which code a cell held is in
#   attr(data$x, "missing_code") (NA where the cell was not a missing code), the codes'
#   labels in attr(data$x, "missing_labels");
# - an empty cell is NA: not answered, or not asked (the question's condition did not hold);
# - every column has its label in attr(data$x, "label").
"""


def r_string(text: str) -> str:
    """``text`` as an R string literal in ASCII (``"..."`` with escapes)."""
    out = []
    for character in text:
        code = ord(character)
        if character in ('"', "\\"):
            out.append("\\" + character)
        elif character == "\n":
            out.append("\\n")
        elif character == "\r":
            out.append("\\r")
        elif character == "\t":
            out.append("\\t")
        elif 32 <= code < 127:
            out.append(character)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _vector(values: Iterable, *, text: bool = False) -> str:
    items = [r_string(str(v)) if text else _number(v) for v in values]
    return "c(" + ", ".join(items) + ")"


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_CLASSES = {"string": "character", "number": "numeric", "date": "character"}


def script(columns: tuple[Column, ...], csv_name: str, script_name: str) -> str:
    """The R script that reads ``csv_name`` (written with these columns)."""
    lines = [_HEADER.format(csv=csv_name, script=script_name)]
    classes = ", ".join(f"{r_string(c.name)} = {r_string(_CLASSES[c.kind])}" for c in columns)
    lines.append(
        f'data <- read.csv({r_string(csv_name)}, fileEncoding = "UTF-8-BOM", '
        'check.names = FALSE, na.strings = "", stringsAsFactors = FALSE,\n'
        f"  colClasses = c({classes}))"
    )
    lines.append(
        "# A text cell that a spreadsheet would run as a formula was written with a leading '\n"
        "for (v in names(data)[vapply(data, is.character, TRUE)]) {\n"
        '  data[[v]] <- sub("^\'([-=+@\\t\\r])", "\\\\1", data[[v]])\n'
        "}"
    )
    for column in columns:
        name = r_string(column.name)
        if column.kind == "date":
            lines.append(f"data[[{name}]] <- as.Date(data[[{name}]])")
        if column.missing:
            codes = _vector(column.missing)
            labels = [column.value_labels.get(code, str(code)) for code in column.missing]
            lines.append(
                f"local({{\n  x <- data[[{name}]]\n  codes <- {codes}\n"
                "  code <- ifelse(x %in% codes, x, NA)\n  x[x %in% codes] <- NA\n"
                f"  data[[{name}]] <<- x\n"
                f'  attr(data[[{name}]], "missing_code") <<- code\n'
                f'  attr(data[[{name}]], "missing_labels") <<- '
                f"setNames(codes, {_vector(labels, text=True)})\n}})"
            )
        if column.choice:
            options = {v: t for v, t in column.value_labels.items() if v not in column.missing}
            lines.append(
                f"data[[{name}]] <- local({{\n  kept <- attributes(data[[{name}]])\n"
                f"  x <- factor(data[[{name}]], levels = {_vector(options)}, "
                f"labels = {_vector(options.values(), text=True)})\n"
                '  attr(x, "missing_code") <- kept$missing_code\n'
                '  attr(x, "missing_labels") <- kept$missing_labels\n  x\n})'
            )
        lines.append(f'attr(data[[{name}]], "label") <- {r_string(column.label)}')
    return "\n".join(lines) + "\n"


def write_r(csv_chunks: Iterable[bytes], columns: tuple[Column, ...], path: str, stem: str) -> None:
    """A zip at ``path`` with ``<stem>.csv`` (from ``csv_chunks``) and ``<stem>.R``."""
    csv_name, script_name = f"{stem}.csv", f"{stem}.R"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(csv_name, "w", force_zip64=True) as out:
            for chunk in csv_chunks:
                out.write(chunk)
        archive.writestr(script_name, script(columns, csv_name, script_name))
