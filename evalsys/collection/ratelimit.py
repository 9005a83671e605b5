"""Rate limits on public endpoints: a sliding window per client address and per survey link.

Counts live in the worker process. With several workers each enforces its own share, which is
what a limit against scripted abuse needs; a proxy in front (docs/deploy.md) can add a global one.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from pyramid.httpexceptions import HTTPTooManyRequests

WINDOW_SECONDS = 60
DEFAULTS = {"survey.per_address": 120, "survey.per_link": 3000}

_lock = threading.Lock()
_hits: dict[tuple[str, str], deque] = defaultdict(deque)


class RateLimited(HTTPTooManyRequests):
    def __init__(self, retry_after: int):
        super().__init__(headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def limit(request, name: str) -> int:
    settings = request.registry.settings
    return int(settings.get(f"evalsys.rate_limit.{name}", DEFAULTS[name]))


def hit(key: tuple[str, str], allowed: int, now: float | None = None) -> int:
    """Record one request; return 0 when allowed, else the seconds to wait."""
    now = time.monotonic() if now is None else now
    with _lock:
        window = _hits[key]
        while window and window[0] <= now - WINDOW_SECONDS:
            window.popleft()
        if len(window) >= allowed:
            return max(1, int(window[0] + WINDOW_SECONDS - now) + 1)
        window.append(now)
        return 0


def check(request, scope: str, link_token: str | None = None) -> None:
    """Raise RateLimited when the client address or the link has sent too much."""
    address = request.client_addr or "unknown"
    wait = hit((f"{scope}.address", address), limit(request, f"{scope}.per_address"))
    if not wait and link_token is not None:
        wait = hit((f"{scope}.link", link_token), limit(request, f"{scope}.per_link"))
    if wait:
        raise RateLimited(wait)


def reset() -> None:
    with _lock:
        _hits.clear()
