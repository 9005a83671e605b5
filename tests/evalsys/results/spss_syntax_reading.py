"""Reading an SPSS syntax export back without SPSS: the syntax parsed into what each command
tells SPSS, and the zip's CSV read as its GET DATA says (SPSS is not on this machine).

The parser knows the commands export_spss_syntax writes (GET DATA, VARIABLE LABELS, VALUE
LABELS, MISSING VALUES, VARIABLE LEVEL, FORMATS, DO REPEAT) and SPSS's own rules for them:
a command ends with a period at the end of a line, ``*`` starts a comment, strings are in
quotes with a doubled quote inside and may be joined with ``+``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

_TOKEN = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|[/(),=+]|[^\s/(),=+"\']+')


@dataclass
class Syntax:
    """What an SPSS syntax file tells SPSS, command by command."""

    file: str = ""
    encoding: str = ""
    first_case: int = 1
    delimiters: str = ""
    variables: list[tuple[str, str]] = field(default_factory=list)  # (name, input format)
    labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    missing: dict[str, list[dict]] = field(default_factory=dict)  # pyreadstat's shape
    levels: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    repeated: list[str] = field(default_factory=list)  # DO REPEAT's variables
    commands: list[str] = field(default_factory=list)  # each command's first word(s)


def commands(text: str) -> list[list[str]]:
    """The syntax's commands as token lists, comments left out, the final period dropped."""
    found, current = [], []
    in_comment = False
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if not current and not in_comment and stripped.startswith("*"):
            in_comment = True
        ends = stripped.endswith(".") and stripped.count('"') % 2 == 0
        if in_comment:
            in_comment = not ends
            continue
        if not stripped:
            continue
        current.extend(_TOKEN.findall(stripped[:-1] if ends else stripped))
        if ends:
            found.append(current)
            current = []
    assert not current, f"a command without its period: {current[:5]}"
    return found


def _string(tokens: list[str], at: int) -> tuple[str, int]:
    """A string (pieces joined by +) starting at ``tokens[at]``; the text and the next index."""
    parts = []
    while True:
        token = tokens[at]
        assert token[0] in "\"'", f"expected a string, got {token!r}"
        parts.append(token[1:-1].replace(token[0] * 2, token[0]))
        at += 1
        if at < len(tokens) and tokens[at] == "+":
            at += 1
            continue
        return "".join(parts), at


def _parts(tokens: list[str]) -> list[list[str]]:
    """The tokens split at the top-level slashes (each variable's part of a command)."""
    found, current = [], []
    for token in tokens:
        if token == "/":
            if current:
                found.append(current)
            current = []
        else:
            current.append(token)
    if current:
        found.append(current)
    return found


def parse(text: str) -> Syntax:
    """The syntax ``text`` as a :class:`Syntax`."""
    syntax = Syntax()
    for tokens in commands(text):
        head = " ".join(t.upper() for t in tokens[:2])
        syntax.commands.append(head)
        if head == "GET DATA":
            for part in _parts(tokens[2:]):
                key, _equals, *rest = part
                if key.upper() == "FILE":
                    syntax.file = _string(rest, 0)[0]
                elif key.upper() == "ENCODING":
                    syntax.encoding = _string(rest, 0)[0]
                elif key.upper() == "FIRSTCASE":
                    syntax.first_case = int(rest[0])
                elif key.upper() == "DELIMITERS":
                    syntax.delimiters = _string(rest, 0)[0]
                elif key.upper() == "VARIABLES":
                    syntax.variables = list(zip(rest[::2], rest[1::2], strict=True))
        elif head == "VARIABLE LABELS":
            for part in _parts(tokens[2:]):
                label, end = _string(part, 1)
                assert end == len(part), part
                syntax.labels[part[0]] = label
        elif head == "VALUE LABELS":
            for part in _parts(tokens[2:]):
                labels, at = {}, 1
                while at < len(part):
                    value = float(part[at])
                    labels[value], at = _string(part, at + 1)
                syntax.value_labels[part[0]] = labels
        elif head == "MISSING VALUES":
            for part in _parts(tokens[2:]):
                name, inside = part[0], part[part.index("(") + 1 : part.index(")")]
                ranges = []
                for piece in " ".join(inside).split(","):
                    low, _thru, high = (piece.split() + [None, None])[:3]
                    high = low if high is None else high
                    ranges.append({"lo": float(low), "hi": float(high)})
                syntax.missing[name] = ranges
        elif head == "VARIABLE LEVEL":
            for part in _parts(tokens[2:]):
                level = part[part.index("(") + 1].lower()
                for name in part[: part.index("(")]:
                    syntax.levels[name] = level
        elif tokens[0].upper() == "FORMATS":
            for part in _parts(tokens[1:]):
                syntax.formats[part[0]] = part[part.index("(") + 1]
        elif head.startswith("DO REPEAT"):
            syntax.repeated = tokens[tokens.index("=") + 1 :]
    return syntax


def unzip(path: Path) -> tuple[str, str, str, str]:
    """(CSV name, CSV text, syntax name, syntax text) of the zip at ``path``."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        csv_name = next(n for n in names if n.endswith(".csv"))
        script = next(n for n in names if n.endswith(".sps"))
        return (
            csv_name,
            archive.read(csv_name).decode("utf-8-sig"),
            script,
            archive.read(script).decode("utf-8"),
        )


def cases(syntax: Syntax, csv_text: str) -> list[dict]:
    """The CSV's rows as the syntax reads them: keyed by the SPSS names, numbers as floats
    (None for an empty cell: system-missing), text with the formula apostrophe undone."""
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=syntax.delimiters))
    found = []
    for row in rows[syntax.first_case - 1 :]:
        assert len(row) == len(syntax.variables)
        case = {}
        for (name, fmt), cell in zip(syntax.variables, row, strict=True):
            if fmt.startswith("A"):
                assert len(cell.encode("utf-8")) <= int(fmt[1:]), (name, fmt, cell)
                if name in syntax.repeated and cell[:1] == "'" and cell[1:2] in "=+-@":
                    cell = cell[1:]
                case[name] = cell
            else:
                case[name] = float(cell) if cell != "" and fmt.startswith("F") else cell or None
        found.append(case)
    return found


def read_sps(path: Path, names: list[str]) -> list[dict]:
    """The export's rows keyed by its CSV names ``names`` (export_reading.read's shape)."""
    _csv_name, csv_text, _script, text = unzip(path)
    syntax = parse(text)
    header = next(csv.reader(io.StringIO(csv_text)))
    assert header == names and len(names) == len(syntax.variables)
    back = {short: name for name, (short, _fmt) in zip(names, syntax.variables, strict=True)}
    return [
        {back[k]: (v if v != "" else None) for k, v in case.items()}
        for case in cases(syntax, csv_text)
    ]
