"""The first row of each key in a file (a participant's wave, a submission id), in bounded memory.

An import checks a file a chunk at a time, and a key may come back in any later chunk. A Python
dict of every key costs some 150 bytes a row (the key's string and tuple, the row number and the
dict's slot) and, kept while the chunks' own objects come and go, it scatters the heap: tens of
megabytes at 100,000 rows. :class:`FirstRows` keeps the current chunk's keys in a dict and every
earlier key as its 64-bit hash in a sorted numpy array beside its row number: 12 bytes a row.

Two different keys of one file share a hash with a chance of about n² / 2⁶⁵ (at 200,000 rows,
one file in a billion): the later row would then be reported as a repeat of the earlier one,
and the importer would store nothing; never the other way round, a repeat let through.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np


class FirstRows:
    """``get(key)``: the row where ``key`` was first set, or None; ``rows[key] = number``."""

    def __init__(self):
        self._hashes = np.empty(0, dtype=np.int64)  # sorted
        self._rows = np.empty(0, dtype=np.int32)
        self._chunk: dict[Hashable, int] = {}

    def get(self, key: Hashable) -> int | None:
        row = self._chunk.get(key)
        if row is not None or not len(self._hashes):
            return row
        wanted = hash(key)
        at = int(np.searchsorted(self._hashes, wanted))
        if at < len(self._hashes) and self._hashes[at] == wanted:
            return int(self._rows[at])
        return None

    def __setitem__(self, key: Hashable, row: int) -> None:
        self._chunk[key] = row

    def end_chunk(self) -> None:
        """Move the chunk's keys into the sorted arrays (call it once a chunk is checked)."""
        if not self._chunk:
            return
        hashes = np.fromiter((hash(k) for k in self._chunk), dtype=np.int64, count=len(self._chunk))
        rows = np.fromiter(self._chunk.values(), dtype=np.int32, count=len(self._chunk))
        hashes, rows = np.concatenate([self._hashes, hashes]), np.concatenate([self._rows, rows])
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._rows = hashes[order], rows[order]
        self._chunk = {}

    def __len__(self) -> int:
        return len(self._hashes) + len(self._chunk)
