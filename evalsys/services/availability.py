"""Telling a database outage apart from a bug, so users get 503 "try again" and not a 500."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException) -> bool:
    """True for errors that mean the database cannot be reached (down, restarting, locked)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def worth_retrying(error: BaseException) -> bool:
    """A pooled connection that died (e.g. the server restarted): the next try gets a new one."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
