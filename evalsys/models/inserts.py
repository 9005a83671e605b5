"""INSERT ... ON CONFLICT DO NOTHING for both databases evalsys runs on.

The submission path inserts first and asks afterwards: a row that a unique constraint refuses is
simply not inserted (no exception, no savepoint), and ``RETURNING`` says whether it was. The
statements are built once per table and dialect: building a statement costs more CPU than
running it.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy.dialects import postgresql, sqlite

_DIALECTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_conflict(dbsession, table, returning: tuple):
    """INSERT on ``table`` (a Table) skipping rows a unique rule refuses; values as parameters."""
    return _statement(dbsession.get_bind().dialect.name, table, returning)


@cache
def _statement(dialect: str, table, returning: tuple):
    if dialect not in _DIALECTS:
        raise RuntimeError(f"evalsys runs on PostgreSQL or SQLite, not {dialect}")
    return _DIALECTS[dialect](table).on_conflict_do_nothing().returning(*returning)
