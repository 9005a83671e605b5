"""A thread keeps its autocommit connection between requests, and gives it up as the pool would.

PostgreSQL only (on SQLite the submission path uses the request's session).
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from evalsys.db import get_engine
from evalsys.db.held_connections import HeldConnections
from evalsys.settings import apply_environment


@pytest.fixture
def held(scratch_database):
    settings = apply_environment(dict(scratch_database))
    if not settings["sqlalchemy.url"].startswith("postgresql"):
        pytest.skip("the held connections are PostgreSQL's (autocommit engine)")
    engine = get_engine(settings, autocommit=True)
    yield HeldConnections(engine)
    engine.dispose()


def _backend(connection) -> int:
    return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_a_thread_gets_the_same_connection_and_another_thread_its_own(held):
    first = held.connection()
    pid = _backend(first)
    assert held.connection() is first
    assert _backend(held.connection()) == pid
    assert first.in_transaction()  # SQLAlchemy autobegan one for the statement
    held.connection()  # the next request
    assert not first.in_transaction()
    other = []
    thread = threading.Thread(target=lambda: other.append(_backend(held.connection())))
    thread.start()
    thread.join()
    assert other and other[0] != pid


def test_a_connection_made_before_the_pool_was_invalidated_is_replaced(held):
    first = held.connection()
    pid = _backend(first)
    # What statements._run_on_driver does when another connection turned out dead.
    held.engine.pool._invalidate(first.connection)
    second = held.connection()
    assert second is not first
    assert _backend(second) != pid


def test_an_invalidated_connection_is_replaced(held):
    first = held.connection()
    pid = _backend(first)
    first.invalidate()
    assert _backend(held.connection()) != pid


def test_dispose_closes_the_held_connections(held, scratch_database):
    connection = held.connection()
    pid = _backend(connection)
    held.engine.dispose()
    admin = sa.create_engine(
        apply_environment(dict(scratch_database))["sqlalchemy.url"], poolclass=sa.pool.NullPool
    )
    with admin.connect() as check:
        alive = check.execute(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar()
    admin.dispose()
    assert alive == 0
    assert _backend(held.connection()) != pid  # the next request gets a new one
