"""The database: the engine, the request's session in the request's transaction (pyramid_tm +
zope.sqlalchemy) and a connection in autocommit for the submission path.

The tables are each capability's own (``evalsys/*/models.py``); :mod:`evalsys.models` imports
them all.
"""

from __future__ import annotations

from sqlalchemy import engine_from_config, event
from sqlalchemy.engine import Engine

from evalsys.db.held_connections import HeldConnections
from evalsys.db.statements import direct_connection
from evalsys.db.transactions import get_session_factory, get_tm_session
from evalsys.json_text import dumps

# An execution option: this connection's transactions only read. On SQLite they begin DEFERRED
# and so never wait for (or hold) the write lock; PostgreSQL needs nothing.
READ_ONLY = "evalsys_read_only"


def get_engine(settings: dict, prefix: str = "sqlalchemy.", autocommit: bool = False) -> Engine:
    """The engine of the settings; ``autocommit``: each statement its own transaction (its pool
    has no transactions to end when a connection comes back)."""
    options = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None} if autocommit else {}
    engine = engine_from_config(settings, prefix, json_serializer=dumps, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        # A read beside a writer: WAL gives it the last committed state at once (a job's page
        # while the job stores 100,000 rows).
        connection.exec_driver_sql("BEGIN DEFERRED")
        return
    # pysqlite's own transaction handling breaks SAVEPOINT; we begin ourselves (SQLAlchemy docs,
    # "Serializable isolation / Savepoints / Transactional DDL" for pysqlite). IMMEDIATE takes
    # the write lock up front: a deferred transaction that starts writing while another writer
    # is active fails at once with "database is locked", whatever busy_timeout says; this way
    # concurrent requests wait their turn instead. (SQLite is the single-machine default;
    # production runs on PostgreSQL.)
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless told; WAL lets the web server read while a writer writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def includeme(config) -> None:
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would look up the user before the view runs, outside the exception views: a
    # database outage then became a bare 500 instead of our 503. The audit log records users.
    settings["tm.annotate_user"] = False

    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = get_engine(settings)
    session_factory = get_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory
    config.registry["db_engine"] = engine

    # Routes whose views write nothing on SQLite (capabilities add theirs): there they read
    # beside a running job instead of waiting for its write lock.
    read_only_routes = config.registry.setdefault("evalsys.read_only_routes", set())

    def dbsession(request):
        # Tests hand in a session bound to a rolled-back transaction.
        session = request.environ.get("app.dbsession")
        if session is None:
            session = get_tm_session(session_factory, request.tm, request=request)
            route = getattr(request, "matched_route", None)
            if route is not None and route.name in read_only_routes:
                session.connection(execution_options={READ_ONLY: True})
        return session

    config.add_request_method(dbsession, reify=True)

    # On PostgreSQL a second pool, whose connections stay in autocommit (see direct_connection).
    direct_engine = held = None
    if engine.dialect.name == "postgresql":
        direct_engine = get_engine(settings, autocommit=True)
        held = HeldConnections(direct_engine)  # one per thread, kept between requests
    config.registry["db_direct_engine"] = direct_engine

    def dbconnection(request):
        return direct_connection(request, held, session_factory)

    config.add_request_method(dbconnection, reify=True)
