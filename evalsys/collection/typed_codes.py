"""Codes people type from paper: an alphabet without look-alikes, groups, a check character.

The alphabet is Crockford's base32 (which already leaves out I, L, O and U) without 0 and 1, so
no two characters look alike in print or handwriting: 0/O and 1/l/I cannot be confused, because
none of them is ever printed. Reading is case-insensitive and ignores spaces and dashes, so
``abc def``, ``ABC-DEF`` and ``abcdef`` are one code.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {character: value for value, character in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-‐-―]+")  # spaces, hyphens and dashes typed or pasted


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def read(text: str | None) -> str:
    """The characters of a typed code: capitals, without spaces and dashes (maybe not valid)."""
    return _SEPARATORS.sub("", text or "").upper()


def is_well_formed(characters: str, length: int) -> bool:
    return len(characters) == length and all(c in _VALUE for c in characters)


def grouped(characters: str, first: int) -> str:
    """``ABCDEFG`` as ``ABCD-EFG`` (a dash after ``first`` characters), easier to read out."""
    return f"{characters[:first]}-{characters[first:]}"


def check_character(payload: str) -> str:
    """The Luhn mod N check character of ``payload`` (N = 30, the alphabet's size).

    It catches every single mistyped character and nearly every swap of two neighbours.

    Notes
    -----
    From the right, every second value is doubled and its two base-N digits are added; the
    check value makes the total a multiple of N (Luhn mod N algorithm, as in
    https://en.wikipedia.org/wiki/Luhn_mod_N_algorithm).

    Examples
    --------
    >>> check_character("ABCDEF")
    'T'
    >>> has_valid_check("ABCDEFT")
    True
    """
    return ALPHABET[(-_luhn_total(payload, double_first=True)) % len(ALPHABET)]


def has_valid_check(characters: str) -> bool:
    """Whether the last character is the check character of the ones before it."""
    if not characters or any(c not in _VALUE for c in characters):
        return False
    return _luhn_total(characters, double_first=False) % len(ALPHABET) == 0


def _luhn_total(characters: str, *, double_first: bool) -> int:
    n = len(ALPHABET)
    total = 0
    double = double_first
    for character in reversed(characters):
        addend = _VALUE[character] * (2 if double else 1)
        total += addend // n + addend % n
        double = not double
    return total
