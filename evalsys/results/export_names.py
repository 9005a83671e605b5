"""The names and labels of exported variables: unique across fixed columns, items, dummies and
scores, and within the name and label limits of SPSS and Stata.

An export refuses no item name. The rule (docs/results.md, "Column names"):

- the fixed columns (``participant_code``, ``site``, ...) keep their names; an item with the
  same id is exported as ``item_<id>``;
- items keep their ids; a multiple-choice option is ``<item>__<value>`` (two underscores), a
  score ``score_<instrument>[_<scale>]``; a derived name that is taken by an item (or by an
  earlier derived name) gets ``_2``, ``_3``, ... until it is free;
- in the wide layout each name gets ``_<round>``, made unique the same way.

SPSS (.sav) and Stata (.dta) have stricter rules than CSV: :func:`spss_names` and
:func:`stata_names` shorten a name that is too long or change a character the format does not
allow, uniquely, and the variable's label then starts with the full name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# SPSS: 64 bytes, case-insensitive, a letter first; these words are not allowed as names
# (IBM SPSS Statistics, "Variable names").
SPSS_NAME_BYTES = 64
SPSS_RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)
SPSS_VARIABLE_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120

# Stata: 32 characters, letters, digits and _, not a digit first; the reserved names of
# Stata's manual [U] 11.3 "Naming conventions". Names here are ASCII so any Stata reads them.
STATA_NAME_CHARACTERS = 32
STATA_RESERVED = frozenset(
    {
        "_all",
        "_b",
        "byte",
        "_coef",
        "_cons",
        "double",
        "float",
        "if",
        "in",
        "int",
        "long",
        "_n",
        "_N",
        "_pi",
        "_pred",
        "_rc",
        "_skip",
        "strL",
        "using",
        "with",
    }
)
STATA_VARIABLE_LABEL_CHARACTERS = 80  # dta 118 and later: 80 characters (UTF-8)
STATA_VALUE_LABEL_CHARACTERS = 32000
ELLIPSIS = "…"


class Names:
    """Hands out names that are unique: a taken name gets ``_2``, ``_3``, ... appended.

    ``fold`` makes names equal that a format treats as equal (SPSS ignores case).
    """

    def __init__(self, taken: Iterable[str] = (), *, fold=lambda name: name):
        self.fold = fold
        self.taken = {fold(name) for name in taken}

    def take(self, wanted: str) -> str:
        """``wanted`` when it is free, else the first free ``wanted_<n>``; marked taken."""
        name, number = wanted, 1
        while self.fold(name) in self.taken:
            number += 1
            name = f"{wanted}_{number}"
        self.taken.add(self.fold(name))
        return name


def unique_names(names: Iterable[str]) -> list[str]:
    """``names`` in order, a repeated one made unique with ``_2``, ``_3``, ... (never a name
    that occurs later in the list either)."""
    names = list(names)
    given = Names(set(names))
    seen: set[str] = set()
    unique = []
    for name in names:
        if name in seen:
            name = given.take(name)
        seen.add(name)
        unique.append(name)
    return unique


def _ascii(name: str) -> str:
    """Accents dropped (é -> e), every other character outside [A-Za-z0-9_] made ``_``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_]", "_", plain)


def _shortened(name: str, limit: int, taken) -> str:
    """``name`` cut to ``limit`` characters; when that is taken, cut further and numbered."""
    if len(name) <= limit and name not in taken:
        return name
    number = 1
    while True:
        suffix = "" if number == 1 else f"_{number}"
        candidate = name[: limit - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def spss_names(names: Iterable[str]) -> dict[str, str]:
    """Export name -> a valid, unique SPSS name (the same name where it is valid already)."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        plain = _ascii(name)
        if not plain[:1].isalpha():
            plain = f"v{plain}"
        if plain.upper() in SPSS_RESERVED:
            plain = f"{plain}_"
        folded = _CaseFolded(taken)
        chosen = _shortened(plain, SPSS_NAME_BYTES, folded)
        taken.add(chosen.upper())
        found[name] = chosen
    return found


class _CaseFolded:
    """A set of upper-cased names that answers ``in`` for a name in any case (SPSS's rule)."""

    def __init__(self, upper: set[str]):
        self.upper = upper

    def __contains__(self, name: str) -> bool:
        return name.upper() in self.upper


def stata_names(names: Iterable[str]) -> dict[str, str]:
    """Export name -> a valid, unique Stata name (the same name where it is valid already)."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        plain = _ascii(name)
        if not plain or plain[0].isdigit():
            plain = f"v{plain}"
        if plain in STATA_RESERVED or re.fullmatch(r"str\d+", plain):
            plain = f"{plain}_"
        chosen = _shortened(plain, STATA_NAME_CHARACTERS, taken)
        taken.add(chosen)
        found[name] = chosen
    return found


def cut_bytes(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` bytes of UTF-8, cut between characters, never inside
    one; a cut text ends in an ellipsis."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    return encoded[:room].decode("utf-8", "ignore") + ELLIPSIS


def cut_characters(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters; a cut text ends in an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def renamed_label(name: str, short: str, label: str) -> str:
    """A label that starts with the export's full name when the format's name differs."""
    return label if name == short else f"{name}: {label}"
