"""The request's session commits with the request's transaction (models.transactions).

zope.sqlalchemy's listeners are registered once on the session class; each session carries its
own transaction manager. These tests show that this behaves as ``zope.sqlalchemy.register`` per
session did: ORM and Core writes are committed with the transaction, an abort rolls them back,
and each session follows its own manager.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Response
from evalsys.collection.submissions import submit
from evalsys.db.meta import utcnow
from evalsys.db.statements import execute
from evalsys.programme.models import Intervention

from .. import builders
from ..collection.test_submissions import make
from ..world import tm_session

_AUDIT = AuditEvent.__table__


def _row(action: str) -> dict:
    return {"occurred_at": utcnow(), "action": action, "details": {}}


def _count(connection, action: str) -> int:
    query = select(func.count()).select_from(_AUDIT).where(_AUDIT.c.action == action)
    return connection.execute(query).scalar()


def test_a_core_insert_through_execute_is_committed_with_the_transaction(app, connection):
    manager, session = tm_session(app)
    execute(session, insert(_AUDIT), _row("core-write"))
    manager.commit()
    assert _count(connection, "core-write") == 1


def test_a_core_insert_the_session_was_not_told_of_is_rolled_back(app, connection):
    # Why execute() marks the session: zope.sqlalchemy sees ORM writes only, and a transaction
    # it thinks read-only ends in a rollback.
    manager, session = tm_session(app)
    session.connection().execute(insert(_AUDIT), _row("unmarked-write"))
    manager.commit()
    assert _count(connection, "unmarked-write") == 0


def test_an_orm_write_is_committed_and_an_abort_rolls_back(app, connection):
    manager, session = tm_session(app)
    session.add(AuditEvent(action="orm-write"))
    manager.commit()
    assert _count(connection, "orm-write") == 1

    manager, session = tm_session(app)
    execute(session, insert(_AUDIT), _row("aborted-write"))
    manager.abort()
    assert _count(connection, "aborted-write") == 0


def test_each_session_follows_its_own_transaction_manager(app, connection):
    committed, first = tm_session(app)
    aborted, second = tm_session(app)
    execute(first, insert(_AUDIT), _row("first"))
    execute(second, insert(_AUDIT), _row("second"))
    aborted.abort()
    committed.commit()
    assert (_count(connection, "first"), _count(connection, "second")) == (1, 0)


def test_an_orm_bulk_update_is_committed(app, connection):
    manager, session = tm_session(app)
    session.add(AuditEvent(action="bulk-before"))
    manager.commit()

    manager, session = tm_session(app)
    # Query.update(): an ORM statement that changes rows without loading them.
    session.query(AuditEvent).filter_by(action="bulk-before").update({"actor": "bulk"})
    manager.commit()
    query = select(_AUDIT.c.actor).where(_AUDIT.c.action == "bulk-before")
    assert connection.execute(query).scalar() == "bulk"


def test_a_response_stored_for_a_known_participant_is_committed(app, connection):
    # The response and its scores go in with a SELECT whose CTEs insert: a write too. Before
    # execute() saw that, a later wave of a self-generated code (found, so no participant was
    # inserted) was rolled back on PostgreSQL after the participant had been thanked.
    manager, session = tm_session(app)
    intervention_id = builders.intervention(session).id
    manager.commit()
    for wave in (0, 1):
        manager, session = tm_session(app)
        iv = session.get(Intervention, intervention_id)
        assert submit(session, make(iv, code="M-J-17-2", wave=wave, code_elements=True)).created
        manager.commit()
    stored = select(func.count()).select_from(Response.__table__)
    assert connection.execute(stored).scalar() == 2
