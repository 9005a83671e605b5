"""Login throttling: too many recent failures lock an account name or a client address for a while.

Every failed login is already in the audit log (action ``login_failed``, the user name as
``target_id``); the throttle counts those rows, so it holds across workers and machines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func

from evalsys.accounts.models import User
from evalsys.audit.models import AuditEvent
from evalsys.db.meta import utcnow

FAILED = "login_failed"


@dataclass(frozen=True)
class ThrottleRules:
    per_account: int = 5  # failures on one user name (password or second step) ...
    per_address: int = 20  # ... or from one client address ...
    window: dt.timedelta = dt.timedelta(minutes=15)  # ... within this window

    @classmethod
    def from_settings(cls, settings: dict) -> ThrottleRules:
        return cls(
            per_account=int(settings.get("evalsys.login_failures_per_account", cls.per_account)),
            per_address=int(settings.get("evalsys.login_failures_per_address", cls.per_address)),
            window=dt.timedelta(
                seconds=int(settings.get("evalsys.login_throttle_seconds", 15 * 60))
            ),
        )


def _failures(dbsession, since: dt.datetime, **where) -> int:
    query = dbsession.query(func.count(AuditEvent.id)).filter(
        AuditEvent.action == FAILED, AuditEvent.occurred_at > since
    )
    for column, value in where.items():
        query = query.filter(getattr(AuditEvent, column) == value)
    return query.scalar()


def is_throttled(
    dbsession,
    rules: ThrottleRules,
    username: str,
    client_addr: str,
    now: dt.datetime | None = None,
) -> bool:
    """True when this user name or this address has failed too often in the window.

    A successful login clears the account's count (failures before it no longer count), but
    never the address's: one valid account must not unlock guessing at all the others.
    """
    now = now or utcnow()
    since = now - rules.window
    user = dbsession.query(User).filter_by(username=username).one_or_none()
    account_since = since
    if user is not None and user.last_login_at is not None:
        account_since = max(since, user.last_login_at)
    if _failures(dbsession, account_since, target_id=username[:64]) >= rules.per_account:
        return True
    if client_addr and _failures(dbsession, since, client_addr=client_addr) >= rules.per_address:
        return True
    return False
