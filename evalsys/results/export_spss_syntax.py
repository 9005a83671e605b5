"""The SPSS syntax export: a zip with the CSV (international style) and an SPSS syntax file
that reads it with GET DATA and tells SPSS what the .sav export tells it: names within SPSS's
rules, variable and value labels, user-missing codes, measurement levels and formats (the one
dictionary of export_sheets.spss_variables).

In SPSS: ``INSERT FILE="<folder>/<stem>.sps" CD=YES.`` (CD=YES: the CSV is read from the
syntax file's own folder), or open the .sps and run it all with that folder as SPSS's working
folder. A cell the CSV leaves empty is system-missing in SPSS: not answered, or not asked (the
question's condition did not hold). Only the .sav has the not-asked code in its cells; the
syntax declares the code all the same, so that the two files' dictionaries are equal and the
.sav's cases can be added to these.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterable, Iterator

from evalsys.results.export_sheets import SpssVariable, spss_variables
from evalsys.results.exports import Column

SPSS_STRING_BYTES = 32767  # the widest string variable SPSS holds
LABEL_PIECE_BYTES = 60  # a long label is written as "..." + "..." on lines of its own
NUMBER_INPUT = "F40.0"  # read as written: a decimal point in the data wins over the .0
DEFAULT_FORMAT = "F8.2"  # SPSS's, and what pyreadstat gives a number without a format
_MEASURES = {"nominal": "NOMINAL", "ordinal": "ORDINAL", "scale": "SCALE"}

_HEADER = """\
* Encoding: UTF-8.
* Reads {csv} (an evalsys export) and labels it as the .sav export of evalsys is labelled.
* Run it with INSERT FILE="<folder>/{script}" CD=YES. so that {csv} is read from that folder.
* Choice items have their answer options as value labels; declared missing codes
* ("rather not say", ...) are user-missing with their labels. An empty cell is
* system-missing: not answered, or not asked (the question's condition did not hold). The
* .sav export writes the not-asked code (user-missing, labelled) where this file has an empty cell.
"""


def spss_string(text: str) -> str:
    """``text`` as an SPSS string literal: in double quotes, a quote doubled, line breaks as
    spaces; a long text in pieces joined by ``+`` (each line of syntax stays short)."""
    text = " ".join(str(text).splitlines())
    pieces, piece, size = [], "", 0
    for character in text:
        width = len(character.encode("utf-8"))
        if size + width > LABEL_PIECE_BYTES:
            pieces.append(piece)
            piece, size = "", 0
        piece += character
        size += width
    pieces.append(piece)
    quoted = ['"' + p.replace('"', '""') + '"' for p in pieces]
    return "\n    + ".join(quoted)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _missing(codes: list) -> str:
    parts = []
    for code in codes:
        if isinstance(code, dict):
            parts.append(f"{_number(code['lo'])} THRU {_number(code['hi'])}")
        else:
            parts.append(_number(code))
    return ", ".join(parts)


def _input_format(variable: SpssVariable, widths: dict[str, int]) -> str:
    if variable.kind == "string":
        return f"A{min(max(widths.get(variable.column, 1), 1), SPSS_STRING_BYTES)}"
    if variable.kind == "date":
        return "SDATE10"  # 2026-09-01 as the CSV writes it
    return NUMBER_INPUT


def syntax(
    columns: tuple[Column, ...],
    csv_name: str,
    script_name: str,
    widths: dict[str, int] | None = None,
) -> str:
    """The SPSS syntax that reads ``csv_name`` (written with these columns).

    Parameters
    ----------
    columns : the export's columns, in the CSV's order
    csv_name, script_name : the file names inside the zip
    widths : the widest cell of each text column in UTF-8 bytes (its string width in SPSS);
        a column not named gets 1
    """
    widths = widths or {}
    variables = spss_variables(columns)
    lines = [_HEADER.format(csv=csv_name, script=script_name)]
    lines.append(
        "GET DATA\n  /TYPE=TXT\n"
        f"  /FILE={spss_string(csv_name)}\n"
        "  /ENCODING='UTF8'\n  /ARRANGEMENT=DELIMITED\n  /DELCASE=LINE\n  /FIRSTCASE=2\n"
        '  /DELIMITERS=","\n  /QUALIFIER=\'"\'\n  /VARIABLES='
    )
    lines.extend(f"    {v.name} {_input_format(v, widths)}" for v in variables)
    lines.append(".\nDATASET NAME evalsys WINDOW=FRONT.\n")
    lines.append("VARIABLE LABELS")
    lines.extend(
        f"  {'/' if i else ''}{v.name} {spss_string(v.label)}" for i, v in enumerate(variables)
    )
    lines.append(".\n")
    labelled = [v for v in variables if v.value_labels]
    if labelled:
        lines.append("VALUE LABELS")
        for i, v in enumerate(labelled):
            lines.append(f"  {'/' if i else ''}{v.name}")
            lines.extend(
                f"    {_number(value)} {spss_string(text)}"
                for value, text in v.value_labels.items()
            )
        lines.append(".\n")
    missing = [v for v in variables if v.missing]
    if missing:
        lines.append("MISSING VALUES")
        lines.extend(
            f"  {'/' if i else ''}{v.name} ({_missing(v.missing)})" for i, v in enumerate(missing)
        )
        lines.append(".\n")
    lines.append("VARIABLE LEVEL")
    lines.extend(
        f"  {'/' if i else ''}{v.name} ({_MEASURES[v.measure]})" for i, v in enumerate(variables)
    )
    lines.append(".\n")
    shown = [v for v in variables if v.kind != "string"]
    if shown:
        lines.append("FORMATS")
        lines.extend(
            f"  {'/' if i else ''}{v.name} ({v.format or DEFAULT_FORMAT})"
            for i, v in enumerate(shown)
        )
        lines.append(".\n")
    texts = [v.name for v in variables if v.kind == "string"]
    if texts:
        # The CSV gives text that a spreadsheet would run as a formula a leading ' (OWASP).
        cell = _stand_in({v.name.upper() for v in variables})
        lines.append(f"DO REPEAT {cell} =")
        lines.extend(f"    {name}" for name in texts)
        lines.append(
            f'.\n  IF (CHAR.SUBSTR({cell}, 1, 1) = "\'" AND ANY(CHAR.SUBSTR({cell}, 2, 1), '
            f'"=", "+", "-", "@")) {cell} = CHAR.SUBSTR({cell}, 2).\nEND REPEAT.'
        )
    lines.append("EXECUTE.")
    return "\n".join(lines) + "\n"


def _stand_in(taken: set[str]) -> str:
    """DO REPEAT's stand-in name: one that no variable has (SPSS names ignore case)."""
    name = "text_cell"
    while name.upper() in taken:
        name += "_"
    return name


class _Widths:
    """The widest cell of each text column, measured while the CSV passes on to the zip."""

    def __init__(self, columns: tuple[Column, ...]):
        self.names = [c.name for c in columns]
        self.texts = [i for i, c in enumerate(columns) if c.kind == "string"]
        self.widths: dict[str, int] = {}

    def passing(self, chunks: Iterable[bytes], out) -> None:
        rows = csv.reader(self._lines(chunks, out))
        next(rows, None)  # the header row
        for row in rows:
            for i in self.texts:
                if i < len(row):
                    size = len(row[i].encode("utf-8"))
                    if size > self.widths.get(self.names[i], 0):
                        self.widths[self.names[i]] = size

    @staticmethod
    def _lines(chunks: Iterable[bytes], out) -> Iterator[str]:
        """The CSV's lines, each with its line end (csv joins a quoted cell's lines again);
        split at "\\n" only, as the csv module reads a file opened with newline=""."""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        rest = ""
        for chunk in chunks:
            out.write(chunk)
            rest += decoder.decode(chunk)
            *whole, rest = rest.split("\n")
            for line in whole:
                yield line + "\n"
        rest += decoder.decode(b"", final=True)
        if rest:
            yield rest


def write_sps(
    csv_chunks: Iterable[bytes], columns: tuple[Column, ...], path: str, stem: str
) -> None:
    """A zip at ``path`` with ``<stem>.csv`` (from ``csv_chunks``) and ``<stem>.sps``."""
    csv_name, script_name = f"{stem}.csv", f"{stem}.sps"
    widths = _Widths(columns)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(csv_name, "w", force_zip64=True) as out:
            widths.passing(csv_chunks, out)
        text = syntax(columns, csv_name, script_name, widths.widths)
        archive.writestr(script_name, "\ufeff" + text)  # SPSS reads a syntax with a BOM as UTF-8
