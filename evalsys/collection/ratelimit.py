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
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import cache

from pyramid.httpexceptions import HTTPTooManyRequests
from sqlalchemy import BigInteger, Column, Integer, String, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite

from evalsys.db.meta import metadata
from evalsys.db.statements import Prepared, dialect_name, execute

WINDOW_SECONDS = 60
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


def hit(db, key: tuple[str, str], allowed: int, now: float | None = None) -> int:
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

    Returns
    -------
    int
        0 when the request is allowed, else the whole seconds until the window ends (at least 1).
    """
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    dialect = dialect_name(db)
    hits = execute(db, _count(dialect), {"bucket": bucket(*key), "window_start": window}).scalar()
    if hits == 1:
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
        bucket=bindparam("bucket"), window_start=bindparam("window_start"), hits=1
    )
    return Prepared(
        insert.on_conflict_do_update(
            index_elements=[rate_limits.c.bucket, rate_limits.c.window_start],
            set_={"hits": rate_limits.c.hits + 1},
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
    address = request.client_addr or "unknown"
    wait = hit(db, (f"{scope}.address", address), limit(request, f"{scope}.per_address"))
    if not wait and link_token is not None:
        wait = hit(db, (f"{scope}.link", link_token), limit(request, f"{scope}.per_link"))
    if wait:
        raise RateLimited(wait)


def reset() -> None:
    """Nothing to clear: the counts are rows, which each test's rolled-back transaction undoes.

    Kept for the tests that call it between requests.
    """
