"""Core SQL on the submission path: prepared statements, run in the session's transaction.

The submission path is written in SQL expressions, not ORM objects, and its statements are built
once per process (building a statement costs more CPU than running it). :func:`execute` runs
one on the session's own connection and transaction, without the ORM's execution layer, which
costs as much again as running the statement.

A statement wrapped in :class:`Prepared` goes one step further on PostgreSQL: it is compiled
once per dialect and run straight on the driver's cursor, which costs less than half of what
SQLAlchemy's execution path costs per statement (bench/README.md). Driver errors still come out
as SQLAlchemy's exceptions, and a lost connection is invalidated as SQLAlchemy would. On SQLite
(development and tests) a Prepared statement runs through SQLAlchemy like any other.

It inserts first and asks afterwards: a row that a unique constraint refuses is simply not
inserted (no exception, no savepoint), and ``RETURNING`` says whether it was.
"""

from __future__ import annotations

from functools import cache

from psycopg.rows import namedtuple_row
from sqlalchemy import exc
from sqlalchemy.dialects import postgresql, sqlite

from .transactions import mark_changed

_DIALECTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class Prepared:
    """A statement compiled once per dialect and run on the driver's own cursor (PostgreSQL).

    An INSERT without its own ``values()`` sets the columns it is given, as with SQLAlchemy's
    ``execute``: it is compiled once per set of parameter names.
    """

    def __init__(self, statement):
        self.statement = statement
        self.is_dml = statement.is_dml
        self._plans: dict = {}

    def plan(self, dialect, parameters) -> _Plan | None:
        """How to run it with these parameters on the driver; None when SQLAlchemy must run it:
        on SQLite, for many rows at once, or for a column default worked out in Python (which
        SQLAlchemy's execution fills in)."""
        if dialect.name != "postgresql" or isinstance(parameters, list):
            return None
        key = (dialect, frozenset(parameters)) if self.statement.is_insert else dialect
        if key not in self._plans:
            plan = _Plan(self.statement, dialect, list(parameters))
            self._plans[key] = None if plan.needs_python_defaults else plan
        return self._plans[key]


class _Plan:
    """The SQL text for one dialect, and how each parameter becomes the driver's value."""

    def __init__(self, statement, dialect, names: list[str]):
        compiled = statement.compile(dialect=dialect, column_keys=names)
        if dialect.paramstyle != "pyformat" or any(b.expanding for b in compiled.binds.values()):
            raise RuntimeError("a Prepared statement needs named parameters and no IN lists")
        self.needs_python_defaults = bool(compiled.insert_prefetch or compiled.update_prefetch)
        self.sql = compiled.string
        self.compiled = compiled
        self.processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def parameters(self, given: dict) -> dict:
        values = self.compiled.construct_params(given)
        for name, processor in self.processors.items():
            values[name] = processor(values[name])
        return values


class _Rows:
    """What the submission path reads of a result: first(), scalar(), all() and iteration."""

    def __init__(self, cursor):
        self._cursor = cursor

    def first(self):
        return self._cursor.fetchone() if self._cursor.description else None

    def scalar(self):
        row = self.first()
        return None if row is None else row[0]

    def all(self):
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self):
        return iter(self.all())


def execute(dbsession, statement, parameters=None):
    """Run a Core statement in the session's transaction; a write counts as a change to commit.

    Rows come back as plain named tuples; no ORM object is made or loaded. Pending ORM changes
    are flushed first, as the session's own ``execute`` would (on a clean session, a no-op).
    """
    if dbsession.autoflush:
        dbsession.flush()
    connection = dbsession.connection()
    if not isinstance(statement, Prepared):
        result = connection.execute(statement, parameters)
    elif plan := statement.plan(connection.dialect, parameters or {}):
        result = _run_on_driver(connection, plan, parameters or {})
    else:
        result = connection.execute(statement.statement, parameters)
    if statement.is_dml:
        mark_changed(dbsession)
    return result


def _run_on_driver(connection, plan: _Plan, parameters) -> _Rows:
    driver = connection.connection.driver_connection
    values = plan.parameters(parameters)
    cursor = driver.cursor(row_factory=namedtuple_row)
    try:
        cursor.execute(plan.sql, values)
    except connection.dialect.loaded_dbapi.Error as error:
        lost = connection.dialect.is_disconnect(error, driver, cursor)
        if lost:
            connection.invalidate(error)
        raise exc.DBAPIError.instance(
            plan.sql,
            values,
            error,
            connection.dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=connection.dialect,
        ) from error
    return _Rows(cursor)


def insert_unless_conflict(dbsession, table, returning: tuple):
    """INSERT on ``table`` (a Table) skipping rows a unique rule refuses; values as parameters."""
    return _statement(dbsession.get_bind().dialect.name, table, returning)


@cache
def _statement(dialect: str, table, returning: tuple):
    if dialect not in _DIALECTS:
        raise RuntimeError(f"evalsys runs on PostgreSQL or SQLite, not {dialect}")
    return Prepared(_DIALECTS[dialect](table).on_conflict_do_nothing().returning(*returning))
