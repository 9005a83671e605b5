"""Login throttling: a growing wait for one account from one address, a looser limit per address.

Every failed login is already in the audit log (action ``login_failed``, the user name as
``target_id``, the client address); the throttle counts those rows, so it holds across workers
and machines. There is no lock on an account as such: an attacker guessing a password from one
address slows down only that (account, address) pair, and the rightful user, from their own
address, still logs in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func

from evalsys.audit.models import AuditEvent
from evalsys.db.meta import utcnow

FAILED = "login_failed"
SUCCEEDED = "login"


@dataclass(frozen=True)
class ThrottleRules:
    """When a login attempt has to wait.

    One (account, address) pair has ``free_attempts`` failures; after that each further failure
    doubles the wait before the next attempt, from ``first_delay`` up to ``longest_delay``
    (failures older than ``pair_window`` are forgotten, and so are those before a successful
    login from that address). One address may fail ``per_address`` times within ``window``,
    over all accounts, whatever the successes.
    """

    free_attempts: int = 5
    first_delay: dt.timedelta = dt.timedelta(seconds=2)
    longest_delay: dt.timedelta = dt.timedelta(minutes=15)
    pair_window: dt.timedelta = dt.timedelta(hours=1)
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: dict) -> ThrottleRules:
        def seconds(name: str, default: dt.timedelta) -> dt.timedelta:
            return dt.timedelta(seconds=float(settings.get(name, default.total_seconds())))

        return cls(
            free_attempts=int(settings.get("evalsys.login_free_attempts", cls.free_attempts)),
            first_delay=seconds("evalsys.login_first_delay_seconds", cls.first_delay),
            longest_delay=seconds("evalsys.login_longest_delay_seconds", cls.longest_delay),
            pair_window=seconds("evalsys.login_pair_window_seconds", cls.pair_window),
            per_address=int(settings.get("evalsys.login_failures_per_address", cls.per_address)),
            window=seconds("evalsys.login_throttle_seconds", cls.window),
        )

    def delay(self, failures: int) -> dt.timedelta:
        """The wait after the ``failures``-th failure of one pair (zero while attempts are free)."""
        if failures < self.free_attempts:
            return dt.timedelta(0)
        doublings = min(failures - self.free_attempts, 30)  # 2**30 s: decades, past any limit
        return min(self.first_delay * 2**doublings, self.longest_delay)


def _failures(dbsession, since: dt.datetime, **where):
    """How many failures since ``since`` match ``where``, and the latest one's time."""
    query = dbsession.query(func.count(AuditEvent.id), func.max(AuditEvent.occurred_at)).filter(
        AuditEvent.action == FAILED, AuditEvent.occurred_at > since
    )
    for column, value in where.items():
        query = query.filter(getattr(AuditEvent, column) == value)
    return query.one()


def _last_success(dbsession, username: str, client_addr: str) -> dt.datetime | None:
    return (
        dbsession.query(func.max(AuditEvent.occurred_at))
        .filter(
            AuditEvent.action == SUCCEEDED,
            AuditEvent.target_id == username,
            AuditEvent.client_addr == client_addr,
        )
        .scalar()
    )


def _address_wait(dbsession, rules: ThrottleRules, client_addr: str, now: dt.datetime) -> float:
    since = now - rules.window
    count, _ = _failures(dbsession, since, client_addr=client_addr)
    if count < rules.per_address:
        return 0.0
    # The address may try again when so many failures have left the window that fewer than
    # per_address remain: that is when the (count - per_address + 1)-th oldest one leaves.
    leaving = (
        dbsession.query(AuditEvent.occurred_at)
        .filter(
            AuditEvent.action == FAILED,
            AuditEvent.occurred_at > since,
            AuditEvent.client_addr == client_addr,
        )
        .order_by(AuditEvent.occurred_at)
        .offset(count - rules.per_address)
        .limit(1)
        .scalar()
    )
    return (leaving + rules.window - now).total_seconds()


def wait_seconds(
    dbsession,
    rules: ThrottleRules,
    username: str,
    client_addr: str,
    now: dt.datetime | None = None,
) -> int:
    """Seconds this user name from this address must wait before the next attempt (0: go on).

    A successful login from the address clears the pair's failures, but never the address's
    count: one valid account must not unlock guessing at all the others.
    """
    now = now or utcnow()
    username = username[:64]  # as the audit log keeps it
    client_addr = client_addr[:64]
    since = now - rules.pair_window
    success = _last_success(dbsession, username, client_addr)
    if success is not None:
        since = max(since, success)
    count, latest = _failures(dbsession, since, target_id=username, client_addr=client_addr)
    wait = 0.0
    if count and latest is not None:
        wait = (latest + rules.delay(count) - now).total_seconds()
    if client_addr:
        wait = max(wait, _address_wait(dbsession, rules, client_addr, now))
    return max(0, math.ceil(wait))


def is_throttled(dbsession, rules, username, client_addr, now=None) -> bool:
    """True when the next attempt of this user name from this address has to wait."""
    return wait_seconds(dbsession, rules, username, client_addr, now) > 0
