"""The request's session in the request's transaction (pyramid_tm + zope.sqlalchemy).

``zope.sqlalchemy.register(session)`` adds seven event listeners to each new session, which costs
more CPU than a whole submission's SQL statement. Here the listeners are registered once, on the
session class, and each session carries its own zope.sqlalchemy extension (with the request's
transaction manager) in ``session.info``: the same behaviour, without per-session set-up.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from zope.sqlalchemy.datamanager import ZopeTransactionEvents

_KEY = "zope.sqlalchemy"


class TransactionSession(Session):
    """A Session that joins the zope transaction of its ``info["zope.sqlalchemy"]``, if any."""


def _extension(session) -> ZopeTransactionEvents | None:
    return session.info.get(_KEY)


def _delegate(name: str, session_of):
    """A listener that hands the event to the session's own extension (if it has one)."""

    def listener(*args) -> None:
        if (extension := _extension(session_of(args[0]))) is not None:
            getattr(extension, name)(*args)

    return listener


# The events zope.sqlalchemy.register() listens to, with how each finds its session.
for _name in ("after_begin", "after_attach", "after_flush", "before_commit"):
    event.listen(TransactionSession, _name, _delegate(_name, lambda session: session))
for _name in ("after_bulk_update", "after_bulk_delete"):
    event.listen(TransactionSession, _name, _delegate(_name, lambda context: context.session))


@event.listens_for(TransactionSession, "do_orm_execute")
def _do_orm_execute(state) -> None:
    # zope.sqlalchemy notices ORM writes only; an INSERT on a Table (the submission path) would
    # otherwise be rolled back at the end of a request that changed no object.
    if state.is_insert or state.is_update or state.is_delete:
        mark_changed(state.session)


def mark_changed(session) -> None:
    """The session wrote (in Core): commit it with the transaction. No-op outside one."""
    if (extension := _extension(session)) is not None:
        extension.mark_changed(session)


def get_session_factory(engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False, class_=TransactionSession)


def get_tm_session(session_factory: sessionmaker, transaction_manager, request=None):
    """A session joined to the transaction manager: pyramid_tm commits or aborts it."""
    extension = ZopeTransactionEvents(transaction_manager=transaction_manager)
    return session_factory(info={"request": request, _KEY: extension})
