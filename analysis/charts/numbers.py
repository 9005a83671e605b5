"""How numbers print in charts and reports: decimal comma in Dutch, "< min_cell" when suppressed."""

from __future__ import annotations

import math

_DASH = "–"  # en dash for "not computed"


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' missing values."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def number(value: object, decimals: int = 2, language: str = "nl", *, empty: str = _DASH) -> str:
    """A number rounded for print, with the decimal separator of ``language``.

    Parameters
    ----------
    value : float or None
        The number; None or NaN print as ``empty``.
    decimals : int, default 2
        Digits after the separator.
    language : {"nl", "en"}, default "nl"
        Dutch uses a decimal comma, English a point.
    empty : str, default "–"
        What a missing number prints as.

    Returns
    -------
    str
        E.g. ``"0,45"`` in Dutch, ``"-0.12"`` in English (a true minus sign).

    Examples
    --------
    >>> number(0.4549, 2, "nl"), number(-0.1, 2, "en"), number(float("nan"))
    ('0,45', '−0.10', '–')
    """
    if is_missing(value):
        return empty
    text = f"{float(value):.{decimals}f}"  # type: ignore[arg-type]
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    text = text.replace("-", "−")
    return text.replace(".", ",") if language == "nl" else text


def count(value: object, *, empty: str = _DASH) -> str:
    """A whole number for print (``12``), or ``empty`` when missing."""
    if is_missing(value):
        return empty
    return f"{int(round(float(value))):d}"  # type: ignore[arg-type]


def p_value(value: object, language: str = "nl", *, empty: str = _DASH) -> str:
    """A p-value: three decimals, ``< 0,001`` below that (APA style)."""
    if is_missing(value):
        return empty
    if float(value) < 0.001:  # type: ignore[arg-type]
        return "< " + number(0.001, 3, language)
    return number(value, 3, language)


def interval(low: object, high: object, decimals: int = 2, language: str = "nl") -> str:
    """An interval ``[0,21; 0,68]`` (Dutch) or ``[0.21, 0.68]`` (English)."""
    if is_missing(low) or is_missing(high):
        return _DASH
    separator = "; " if language == "nl" else ", "
    return f"[{number(low, decimals, language)}{separator}{number(high, decimals, language)}]"


def percent(share: object, language: str = "nl", *, empty: str = _DASH) -> str:
    """A proportion as a whole percentage: ``0.456`` -> ``"46%"``."""
    if is_missing(share):
        return empty
    return f"{float(share) * 100:.0f}%"  # type: ignore[arg-type]


def suppressed(min_cell: int | None) -> str:
    """How a blanked cell prints: ``"< 10"`` for ``min_cell`` 10."""
    return f"< {min_cell or 10}"
