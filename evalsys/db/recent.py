"""What the database said a moment ago: an API token's grant and a survey link, per worker.

Every API submission needs its token's grant and its link's site, wave and questionnaire. Read
from the database each time, they are two of a submission's three statements. A worker keeps
each answer for ``evalsys.api.cache_seconds`` (default 1; 0 reads every time), so a revoked
token, a closed link or a new questionnaire version is seen by every worker within that time.
A token's expiry time is checked on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_SECONDS = 1.0
SIZE = 4096  # keys kept before starting afresh: far more tokens and links than a worker sees


class Recent:
    """Answers kept for ``seconds`` per key (thread-safe enough: a race reads twice, no harm)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._items: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The answer kept for ``key``, or ``load()``'s (then kept) when there is none."""
        if self.seconds <= 0:
            return load()
        kept = self._items.get(key)
        now = self._clock()
        if kept is not None and kept[0] > now:
            return kept[1]
        value = load()
        self.put(key, value, now)
        return value

    def put(self, key: Hashable, value: Any, now: float | None = None) -> None:
        if self.seconds <= 0:
            return
        if len(self._items) >= SIZE:
            self._items = {}
        self._items[key] = ((self._clock() if now is None else now) + self.seconds, value)


READ_EVERY_TIME = Recent(0)


def recent(request, name: str) -> Recent:
    """The app's cache called ``name`` ("tokens" or "links"), made on first use."""
    registry = request.registry
    key = f"evalsys.recent.{name}"
    cache = registry.get(key)
    if cache is None:
        seconds = float(registry.settings.get("evalsys.api.cache_seconds", DEFAULT_SECONDS))
        cache = registry[key] = Recent(seconds)
    return cache
