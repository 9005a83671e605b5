"""One autocommit connection per thread, kept from request to request (PostgreSQL).

The API's submissions and token look-ups run on a connection in autocommit
(:func:`evalsys.db.statements.direct_connection`). Checking one out of the pool and back in for
every request cost about 6% of a submission's instructions (the pool's queue, its lock, the
fairy and its events; bench/README.md). A thread serves one request at a time, so it keeps its
connection instead, and checks it as the pool's own checkout would before each request: a
connection made before the pool was invalidated (the database restarted: see
``statements._run_on_driver``), older than ``pool_recycle``, invalidated itself or from a pool
the engine has since replaced is closed and a new one taken from the pool. So a restart still
costs at most one failed attempt per thread, which pyramid_retry runs again.

Each statement in autocommit is its own transaction, so nothing carries over from one request
to the next; SQLAlchemy's own (autobegun) transaction of the last request is ended before the
next one gets the connection, so that an invalidated connection can always reconnect.
``engine.dispose()`` also closes the held connections (tests and shutdown). A worker holds at
most one connection per thread, as many as it used at once before.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine


class HeldConnections:
    """The connection of each thread on ``engine`` (a pool in autocommit)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._held: set[Connection] = set()
        event.listen(engine, "engine_disposed", self._disposed)

    def connection(self) -> Connection:
        """This thread's connection, checked as a checkout from the pool is."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            if not self._stale(connection):
                if connection.in_transaction():
                    connection.rollback()  # the last request's, autobegun: a no-op in autocommit
                return connection
            self._local.connection = None
            with self._lock:
                self._held.discard(connection)
            connection.close()  # back to its pool, whose checkout replaces a stale one
        connection = self.engine.connect()
        with self._lock:
            self._held.add(connection)
        self._local.connection = connection
        return connection

    def _stale(self, connection: Connection) -> bool:
        # The conditions of the pool's checkout (_ConnectionRecord.get_connection).
        fairy = connection._dbapi_connection
        if fairy is None or fairy._pool is not self.engine.pool:
            return True  # invalidated or closed, or its pool was disposed
        record = fairy._connection_record
        if record is None or record.dbapi_connection is None:
            return True
        pool = fairy._pool
        if pool._invalidate_time > record.starttime:
            return True
        return pool._recycle > -1 and time.time() - record.starttime > pool._recycle

    def _disposed(self, engine: Engine) -> None:
        with self._lock:
            held, self._held = self._held, set()
        for connection in held:
            connection.invalidate()  # closes the database connection at once
