"""Notes about an analysis: English sentences that carry a key and values to translate them by.

A :class:`Note` is a ``str``, so the result's ``notes`` read, compare and serialise (JSON, the
API) as the English sentences they always were. The report and the web page do not print that
sentence: they look ``key`` up in their own catalogue (``note_<key>`` in analysis/locale) and
fill in ``values`` with the names of scales, sites and groups in their language, so no scale id
and no English reaches a Dutch reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class Note(str):
    """An English sentence with ``key`` and ``values`` for its translations.

    Values name things by their ids (``scale``, ``site``, ``group``: "intervention" or
    "comparison"; ``wave_from``/``wave_to`` labels); a reader replaces them with names.

    Examples
    --------
    >>> note = Note("single_site", "Scale brs, T0-T1: only one site is pooled.", scale="brs")
    >>> note == "Scale brs, T0-T1: only one site is pooled.", note.key, dict(note.values)
    (True, 'single_site', {'scale': 'brs'})
    """

    key: str
    values: Mapping[str, object]

    def __new__(cls, key: str, text: str, **values: object) -> Note:
        note = super().__new__(cls, text)
        note.key = key
        note.values = MappingProxyType(dict(values))
        return note

    def __reduce__(self):  # an evaluate job pickles the result with its notes
        return (_rebuild, (self.key, str(self), dict(self.values)))


def _rebuild(key: str, text: str, values: dict) -> Note:
    return Note(key, text, **values)
