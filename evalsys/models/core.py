"""Core SQL on the submission path: run on the session's connection, insert-unless-conflict.

The submission path is written in SQL expressions, not ORM objects, and its statements are built
once per process (building a statement costs more CPU than running it). :func:`execute` runs
one on the session's own connection and transaction, without the ORM's execution layer, which
costs as much again as running the statement.

It inserts first and asks afterwards: a row that a unique constraint refuses is simply not
inserted (no exception, no savepoint), and ``RETURNING`` says whether it was.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy.dialects import postgresql, sqlite

from .transactions import mark_changed

_DIALECTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def execute(dbsession, statement, parameters=None):
    """Run a Core statement in the session's transaction; a write counts as a change to commit.

    Rows come back as plain named tuples; no ORM object is made or loaded. Pending ORM changes
    are flushed first, as the session's own ``execute`` would (on a clean session, a no-op).
    """
    if dbsession.autoflush:
        dbsession.flush()
    result = dbsession.connection().execute(statement, parameters)
    if statement.is_dml:
        mark_changed(dbsession)
    return result


def insert_unless_conflict(dbsession, table, returning: tuple):
    """INSERT on ``table`` (a Table) skipping rows a unique rule refuses; values as parameters."""
    return _statement(dbsession.get_bind().dialect.name, table, returning)


@cache
def _statement(dialect: str, table, returning: tuple):
    if dialect not in _DIALECTS:
        raise RuntimeError(f"evalsys runs on PostgreSQL or SQLite, not {dialect}")
    return _DIALECTS[dialect](table).on_conflict_do_nothing().returning(*returning)
