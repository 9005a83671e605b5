"""Telling a database outage apart from a bug, so users get 503 "try again" and not a 500."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException) -> bool:
    """True for errors that mean the database cannot be reached (down, restarting, locked)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


# Serialization failure and deadlock: PostgreSQL rolled the work back; the same work again will
# most likely go through. zope.sqlalchemy says so for a request's transaction; a submission
# stored in autocommit has no transaction manager to say it.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})


def worth_retrying(error: BaseException) -> bool:
    """A pooled connection that died (e.g. the server restarted: the next try gets a new one),
    or work the database refused for the moment (a deadlock, a serialization failure)."""
    if not isinstance(error, DBAPIError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    return bool(error.connection_invalidated) or sqlstate in TRANSIENT_SQLSTATES
