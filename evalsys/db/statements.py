"""Core SQL on the submission path: prepared statements, run in the session's transaction or
on a connection in autocommit.

The submission path is written in SQL expressions, not ORM objects, and its statements are built
once per process (building a statement costs more CPU than running it). :func:`execute` runs
one on the session's own connection and transaction, without the ORM's execution layer, which
costs as much again as running the statement; or, for an API submission on PostgreSQL, on a
connection in autocommit of the request's own (:func:`direct_connection`), where the one
statement that stores a submission is its own transaction.

A statement wrapped in :class:`Prepared` goes one step further on PostgreSQL: it is compiled
once per dialect and run straight on the driver's cursor, which costs less than half of what
SQLAlchemy's execution path costs per statement (bench/README.md). Driver errors still come out
as SQLAlchemy's exceptions, and a lost connection is invalidated as SQLAlchemy would. On SQLite
(development and tests) a Prepared statement runs through SQLAlchemy like any other.

It inserts first and asks afterwards: a row that a unique constraint refuses is simply not
inserted (no exception, no savepoint), and ``RETURNING`` says whether it was.
"""

from __future__ import annotations

from collections import namedtuple
from functools import cache

from sqlalchemy import exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import visitors

from evalsys.db.transactions import mark_changed

_DIALECTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class Prepared:
    """A statement compiled once per dialect and run on the driver's own cursor (PostgreSQL).

    An INSERT without its own ``values()`` sets the columns it is given, as with SQLAlchemy's
    ``execute``: it is compiled once per set of parameter names.
    """

    def __init__(self, statement):
        self.statement = statement
        # A SELECT whose CTEs insert writes too: the session must commit it (see execute).
        self.is_dml = any(getattr(e, "is_dml", False) for e in visitors.iterate(statement))
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
        self._make_row = None
        self.processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def row_factory(self, cursor):
        """psycopg's row factory: named tuples of a class made once, from the first result
        (psycopg's own ``namedtuple_row`` reads the result's description for every result)."""
        if self._make_row is None:
            if cursor.description is None:  # no rows to make (an UPDATE without RETURNING)
                return tuple
            self._make_row = namedtuple("Row", [c.name for c in cursor.description])._make
        return self._make_row

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
        return self._cursor.fetchone() if self._cursor.rownumber is not None else None

    def scalar(self):
        row = self.first()
        return None if row is None else row[0]

    def all(self):
        return self._cursor.fetchall() if self._cursor.rownumber is not None else []

    def __iter__(self):
        return iter(self.all())


def execute(db, statement, parameters=None):
    """Run a Core statement on ``db``: the request's session, or a Connection of its own.

    In a session it runs in the session's transaction, and a write counts as a change to commit;
    pending ORM changes are flushed first, as the session's own ``execute`` would. On a
    Connection in autocommit (:func:`direct_connection`) each statement is its own transaction.
    Rows come back as plain named tuples; no ORM object is made or loaded.
    """
    if isinstance(db, Connection):
        connection, session = db, None
    else:
        if db.autoflush:
            db.flush()
        connection, session = db.connection(), db
    if not isinstance(statement, Prepared):
        result = connection.execute(statement, parameters)
    elif plan := statement.plan(connection.dialect, parameters or {}):
        result = _run_on_driver(connection, plan, parameters or {})
    else:
        result = connection.execute(statement.statement, parameters)
    if statement.is_dml and session is not None:
        mark_changed(session)
    return result


def _run_on_driver(connection, plan: _Plan, parameters) -> _Rows:
    driver = connection.connection.driver_connection
    values = plan.parameters(parameters)
    cursor = _cursor(connection, driver, plan)
    try:
        cursor.execute(plan.sql, values)
    except connection.dialect.loaded_dbapi.Error as error:
        lost = connection.dialect.is_disconnect(error, driver, cursor)
        if lost:  # as SQLAlchemy does: this connection, and the others made before it
            connection.engine.pool._invalidate(connection.connection, error)
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


def _cursor(connection, driver, plan: _Plan):
    """The plan's cursor on this database connection, made on first use and kept with it.

    psycopg gives each cursor its own adapters, made as the cursor first meets each type; a new
    cursor per statement made them again every time (3% of a submission's instructions). The
    cursor is kept in the pool entry's ``info``, which lives as long as the database connection
    and is emptied when the pool replaces it. Prepared statements are built once per process, so
    a connection keeps a few. A connection serves one request at a time, and every caller reads
    its rows before the next statement, so sharing one cursor is safe.
    """
    cursors = connection.connection.info.setdefault("evalsys.cursors", {})
    cursor = cursors.get(plan)
    if cursor is None:
        cursor = cursors[plan] = driver.cursor(row_factory=plan.row_factory)
    return cursor


def direct_connection(request, held, session_factory):
    """A connection in autocommit for this request, or else the request's session.

    On the connection each statement is its own transaction: no BEGIN and COMMIT round trips
    and no transaction manager, for reads and for writes made in one statement (the submission
    path's). ``held`` is the app's :class:`~evalsys.db.held_connections.HeldConnections` on its
    autocommit engine (PostgreSQL): the thread's own connection, kept from request to request.
    Without it (SQLite), and under the tests, whose whole world is one rolled-back connection,
    the request's session is returned and :func:`execute` runs the statements in its
    transaction (on SQLite a response and its scores are two statements).
    """
    if held is None or isinstance(session_factory.kw["bind"], Connection):
        return request.dbsession
    return held.connection()


def insert_unless_conflict(db, table, returning: tuple):
    """INSERT on ``table`` (a Table) skipping rows a unique rule refuses; values as parameters."""
    return _statement(dialect_name(db), table, returning)


def dialect_name(db) -> str:
    """The name of the database behind a session or a connection: postgresql or sqlite."""
    return (db if isinstance(db, Connection) else db.get_bind()).dialect.name


@cache
def _statement(dialect: str, table, returning: tuple):
    if dialect not in _DIALECTS:
        raise RuntimeError(f"evalsys runs on PostgreSQL or SQLite, not {dialect}")
    return Prepared(_DIALECTS[dialect](table).on_conflict_do_nothing().returning(*returning))
