"""The words on the charts, and the reading of analysis's gettext catalogues (analysis/locale)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

#: ``<language>/LC_MESSAGES/<domain>.po``: one folder per language, one catalogue per domain
#: ("charts" here, "report" for :mod:`analysis.report.texts`); see docs/translating.md.
LOCALE = Path(__file__).resolve().parent.parent / "locale"

#: The language whose catalogue is complete; a key another language lacks is taken from it.
FALLBACK = "en"


def languages() -> tuple[str, ...]:
    """The languages with a catalogue folder, e.g. ``("en", "nl")``."""
    return _languages(LOCALE)


def _languages(locale: Path) -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in locale.glob("*/LC_MESSAGES") if p.is_dir()))


def catalogue(domain: str, language: str) -> Mapping[str, str]:
    """Key -> text of ``domain`` in ``language``, English where ``language`` has none.

    Raises
    ------
    ValueError
        If ``language`` has no folder under :data:`LOCALE`.
    """
    return _catalogue(LOCALE, domain, language)


@functools.cache
def _catalogue(locale: Path, domain: str, language: str) -> Mapping[str, str]:
    # Read once per process and language (~5 ms a file); keyed on the folder too, so a test
    # that points LOCALE elsewhere gets its own catalogues.
    known = _languages(locale)  # a listing, not a path test: the language may come from a URL
    if language not in known:
        raise ValueError(f"The language must be one of {', '.join(known)}; got {language!r}.")
    texts = _read(locale / FALLBACK / "LC_MESSAGES" / f"{domain}.po")
    if language != FALLBACK:
        texts |= _read(locale / language / "LC_MESSAGES" / f"{domain}.po")
    return MappingProxyType(texts)


def _read(path: Path) -> dict[str, str]:
    # The .po itself is read, not a compiled .mo: a fixed word shows without a build step, and
    # nothing compiled can fall behind its source.
    from babel.messages.pofile import read_po  # imported when a text is first needed

    if not path.exists():
        return {}
    with path.open("rb") as po:
        messages = read_po(po)
    # As gettext does, an empty or fuzzy translation counts as missing.
    return {m.id: m.string for m in messages if m.id and m.string and not m.fuzzy}


def chart_text(language: str, key: str, **values: object) -> str:
    """The text ``key`` in ``language`` (a folder under :data:`LOCALE`), ``values`` filled in."""
    return catalogue("charts", language)[key].format(**values)
