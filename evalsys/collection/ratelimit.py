"""Rate limits on public endpoints: a fixed-window count per client address and per survey link.

The counts live in the database (table ``rate_limits``), so every worker on every machine
counts against one limit. One request costs one statement, an upsert that adds the hit and
returns the window's count (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, on PostgreSQL
and SQLite alike); the first hit of a key in a window also deletes every window before the
last one.

Windows are fixed (the minute since the epoch, by the server's clock), not sliding: a client
can send up to twice the limit across the edge of two windows, which a limit against scripted
abuse can live with, and a count stays one row instead of one row per request. Clients and
links are stored as a hash (an address is personal data; a link token is a key).

On PostgreSQL the count runs on the request's connection in autocommit
(:func:`evalsys.db.statements.direct_connection`), so a row is locked only for the moment of
its own statement, and the table is UNLOGGED (migration 0006): a count lost in a crash costs
nothing, and its commits wait for no disk. On SQLite (one machine) it runs in the request's
transaction, so a request that fails is not counted; a limit reached stays reached.

A generous limit is counted in batches (:class:`LocalCounts`): every request from one address
updating one row made that row a queue that all workers waited in (at 1,000 submissions/s from
one API client, the count took as long as storing the submission). Where ``allowed //
BATCH_SHARE`` is more than one, each process adds its hits to the row once per that many, and
counts every hit singly again once the window's count comes within one batch of the limit. All
processes together can then let at most one batch each past the limit (with 64 processes, twice
the limit; the window's edge allows as much already). Limits under ``2 * BATCH_SHARE`` hits a
window (the defaults for one address) are counted hit by hit, as before.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from functools import cache

from pyramid.httpexceptions import HTTPTooManyRequests
from sqlalchemy import BigInteger, Column, Integer, String, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite

from evalsys.db.meta import metadata
from evalsys.db.statements import Prepared, dialect_name, execute

WINDOW_SECONDS = 60
BATCH_SHARE = 64  # a limit of n hits a window is counted in batches of n // 64 (when over 1)
DEFAULTS = {"survey.per_address": 120, "survey.per_link": 3000, "api.per_address": 120}

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", String(64), primary_key=True),  # what is counted: scope and hashed key
    Column("window_start", BigInteger, primary_key=True),  # seconds since the epoch
    Column("hits", Integer, nullable=False),
)

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class RateLimited(HTTPTooManyRequests):
    def __init__(self, retry_after: int):
        super().__init__(headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def limit(request, name: str) -> int:
    """The hits per minute allowed for ``name`` (``evalsys.rate_limit.<name>`` in the .ini)."""
    settings = request.registry.settings
    return int(settings.get(f"evalsys.rate_limit.{name}", DEFAULTS[name]))


def bucket(scope: str, key: str) -> str:
    """The stored name of what is counted: the scope and a hash of the address or link."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"{scope}:{digest}"[:64]


class LocalCounts:
    """Hits this process counted but has not yet added to the database, per bucket and window.

    One per application (:func:`local_counts`): the tests' apps each have their own.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[str, list[int]] = {}  # bucket -> [window, pending, last known count]

    def take(self, name: str, window: int, allowed: int, batch: int) -> int:
        """Count one hit; the hits to add to the database now (0: the hit is allowed as is)."""
        with self._lock:
            state = self._buckets.get(name)
            if state is None or state[0] != window:
                if len(self._buckets) > 10_000:  # addresses of windows gone by
                    self._buckets = {k: v for k, v in self._buckets.items() if v[0] >= window}
                state = self._buckets[name] = [window, 0, 0]
            state[1] += 1
            if state[1] < batch and state[2] + state[1] + batch <= allowed:
                return 0
            pending, state[1] = state[1], 0
            return pending

    def known(self, name: str, window: int, count: int) -> None:
        """The window's count as the database gave it back."""
        with self._lock:
            state = self._buckets.get(name)
            if state is not None and state[0] == window:
                state[2] = max(state[2], count)


def local_counts(registry) -> LocalCounts:
    """The application's :class:`LocalCounts`, made on first use."""
    counts = registry.get("evalsys.rate_limit.local")
    if counts is None:
        counts = registry["evalsys.rate_limit.local"] = LocalCounts()
    return counts


def hit(
    db,
    key: tuple[str, str],
    allowed: int,
    now: float | None = None,
    local: LocalCounts | None = None,
) -> int:
    """Count one request of ``key`` (scope, address or link) on ``db``.

    Parameters
    ----------
    db
        The request's session or its connection in autocommit (``request.dbconnection``).
    key
        ``(scope, value)``, e.g. ``("api.address", "192.0.2.7")``.
    allowed
        Hits allowed in one window of :data:`WINDOW_SECONDS`.
    now
        Seconds since the epoch (tests); the server's clock otherwise.
    local
        This process's counts not yet stored (:func:`local_counts`): with them, a limit of more
        than :data:`BATCH_SHARE` hits is counted in batches. Without, every hit is stored.

    Returns
    -------
    int
        0 when the request is allowed, else the whole seconds until the window ends (at least 1).
    """
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    name = bucket(*key)
    added = 1
    batch = allowed // BATCH_SHARE
    if local is not None and batch > 1:
        added = local.take(name, window, allowed, batch)
        if not added:
            return 0
    dialect = dialect_name(db)
    values = {"bucket": name, "window_start": window, "hits": added}
    hits = execute(db, _count(dialect), values).scalar()
    if local is not None and batch > 1:
        local.known(name, window, hits)
    if hits == added:
        # Once per key and window, not per request. The window before stays: a server whose
        # clock is a little behind may still be counting in it.
        execute(db, _forget(), {"window_start": window - WINDOW_SECONDS})
    if hits > allowed:
        return max(1, math.ceil(window + WINDOW_SECONDS - now))
    return 0


@cache
def _count(dialect: str) -> Prepared:
    if dialect not in _INSERT:
        raise RuntimeError(f"evalsys runs on PostgreSQL or SQLite, not {dialect}")
    insert = _INSERT[dialect](rate_limits).values(
        bucket=bindparam("bucket"), window_start=bindparam("window_start"), hits=bindparam("hits")
    )
    return Prepared(
        insert.on_conflict_do_update(
            index_elements=[rate_limits.c.bucket, rate_limits.c.window_start],
            set_={"hits": rate_limits.c.hits + insert.excluded.hits},
        ).returning(rate_limits.c.hits)
    )


@cache
def _forget() -> Prepared:
    return Prepared(
        delete(rate_limits).where(rate_limits.c.window_start < bindparam("window_start"))
    )


def check(request, scope: str, link_token: str | None = None) -> None:
    """Raise RateLimited (429 with Retry-After) when the address or the link sent too much."""
    db = request.dbconnection
    local = local_counts(request.registry)
    address = request.client_addr or "unknown"
    allowed = limit(request, f"{scope}.per_address")
    wait = hit(db, (f"{scope}.address", address), allowed, None, local)
    if not wait and link_token is not None:
        allowed = limit(request, f"{scope}.per_link")
        wait = hit(db, (f"{scope}.link", link_token), allowed, None, local)
    if wait:
        raise RateLimited(wait)


def reset() -> None:
    """Nothing to clear: the counts are rows, which each test's rolled-back transaction undoes.

    Kept for the tests that call it between requests.
    """
