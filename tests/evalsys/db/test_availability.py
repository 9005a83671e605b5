"""Which database errors are worth running the request again for, and which mean 503."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError

from evalsys.db.availability import database_unavailable, worth_retrying


def _wrapped(orig: Exception, invalidated: bool = False) -> DBAPIError:
    return DBAPIError.instance(
        "SELECT 1", {}, orig, psycopg.Error, connection_invalidated=invalidated
    )


def test_a_deadlock_or_serialization_failure_is_retried():
    # After the last attempt it is a 503 "try again": both are OperationalErrors in psycopg.
    for error in (psycopg.errors.DeadlockDetected(), psycopg.errors.SerializationFailure()):
        assert worth_retrying(_wrapped(error))


def test_a_dead_pooled_connection_is_retried_and_counts_as_unavailable():
    wrapped = _wrapped(psycopg.OperationalError("server closed the connection"), invalidated=True)
    assert worth_retrying(wrapped) and database_unavailable(wrapped)


def test_a_refused_row_is_neither():
    wrapped = _wrapped(psycopg.errors.UniqueViolation())
    assert not worth_retrying(wrapped) and not database_unavailable(wrapped)
    assert not worth_retrying(ValueError("not a database error"))
