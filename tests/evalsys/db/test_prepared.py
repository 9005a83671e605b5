"""Prepared statements (models.core.Prepared): the same rows and errors as SQLAlchemy's execute.

On PostgreSQL a Prepared statement runs on psycopg's cursor; on SQLite it runs through
SQLAlchemy. Either way the caller sees the same thing, which these tests compare.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, bindparam, exc, func, insert, select

from evalsys.audit.models import AuditEvent
from evalsys.db.meta import utcnow
from evalsys.db.statements import Prepared, execute

from ..world import tm_session

_AUDIT = AuditEvent.__table__
_BY_ACTION = select(_AUDIT.c.action, _AUDIT.c.details.label("what")).where(
    _AUDIT.c.action == bindparam("action")
)


def test_a_prepared_insert_and_select_give_what_sqlalchemy_gives(app, connection):
    manager, session = tm_session(app)
    row = {"occurred_at": utcnow(), "action": "prepared", "details": {"n": 1, "x": [1, "a"]}}
    returned = execute(session, Prepared(insert(_AUDIT).returning(_AUDIT.c.id)), row).scalar()
    assert isinstance(returned, int)
    prepared = execute(session, Prepared(_BY_ACTION), {"action": "prepared"}).first()
    plain = execute(session, _BY_ACTION, {"action": "prepared"}).first()
    assert (prepared.action, prepared.what) == (plain.action, plain.what)
    assert prepared.what == {"n": 1, "x": [1, "a"]}  # JSON in and out, by name
    assert execute(session, Prepared(_BY_ACTION), {"action": "none"}).first() is None
    manager.commit()
    count = select(func.count()).select_from(_AUDIT).where(_AUDIT.c.action == "prepared")
    assert connection.execute(count).scalar() == 1  # a prepared write is committed


def test_an_insert_sets_only_the_columns_it_is_given_each_time(app, connection):
    manager, session = tm_session(app)
    statement = Prepared(insert(_AUDIT).returning(_AUDIT.c.details))
    with_details = {"occurred_at": utcnow(), "action": "cols", "details": {"a": 1}}
    assert execute(session, statement, with_details).scalar() == {"a": 1}
    # Compiled again for this set of names: details falls back to its default, not to NULL.
    without = execute(session, statement, {"occurred_at": utcnow(), "action": "cols"}).scalar()
    assert without == {}
    manager.abort()


def test_a_refused_row_raises_sqlalchemys_integrity_error_and_writes_nothing(app, connection):
    manager, session = tm_session(app)
    with pytest.raises(exc.IntegrityError):
        execute(session, Prepared(insert(_AUDIT)), {"occurred_at": None, "action": "bad"})
    manager.abort()
    count = select(func.count()).select_from(_AUDIT).where(_AUDIT.c.action == "bad")
    assert connection.execute(count).scalar() == 0


def test_a_statement_keeps_its_cursor_per_connection_and_recovers_after_an_error(app, connection):
    by_action = Prepared(_BY_ACTION)
    ratio = Prepared(select(bindparam("a", type_=Integer) / bindparam("b", type_=Integer)))
    manager, session = tm_session(app)
    dialect = session.get_bind().dialect
    execute(session, Prepared(insert(_AUDIT)), {"occurred_at": utcnow(), "action": "kept"})
    assert len(execute(session, by_action, {"action": "kept"}).all()) == 1
    assert execute(session, ratio, {"a": 6, "b": 3}).scalar() == 2
    assert len(execute(session, by_action, {"action": "kept"}).all()) == 1
    # A statement the database refuses leaves its cursor fit for the next transaction.
    if dialect.name == "postgresql":
        with pytest.raises(exc.DataError):
            execute(session, ratio, {"a": 1, "b": 0})  # division by zero
    else:
        assert execute(session, ratio, {"a": 1, "b": 0}).scalar() is None  # SQLite: NULL
    manager.abort()
    manager, session = tm_session(app)
    assert execute(session, ratio, {"a": 9, "b": 3}).scalar() == 3
    assert execute(session, by_action, {"action": "kept"}).all() == []  # rolled back
    kept = session.connection().connection.info.get("evalsys.cursors", {})
    if dialect.name == "postgresql":
        # One cursor per statement on this connection, not one per execution.
        plans = [by_action.plan(dialect, {"action": ""}), ratio.plan(dialect, {"a": 0, "b": 0})]
        cursors = [kept[plan] for plan in plans]
        execute(session, by_action, {"action": "kept"})
        execute(session, ratio, {"a": 1, "b": 1})
        assert [kept[plan] for plan in plans] == cursors
        assert cursors[0] is not cursors[1]
    else:
        assert kept == {}  # SQLite runs Prepared statements through SQLAlchemy
    manager.abort()
