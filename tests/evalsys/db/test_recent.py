"""A worker keeps a token's grant and a link's facts for a moment (services.recent)."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.accounts.models import ApiToken
from evalsys.accounts.tokens import LAST_USED_RESOLUTION, find_token, revoke
from evalsys.db.recent import Recent

from .. import world as worlds


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_kept_for_its_seconds_then_read_again():
    clock, loads = Clock(), []
    recent = Recent(2, clock)

    def load():
        loads.append(clock.now)
        return len(loads)

    assert [recent.get("k", load) for _ in range(3)] == [1, 1, 1]
    clock.now += 1.9
    assert recent.get("k", load) == 1
    clock.now += 0.2
    assert recent.get("k", load) == 2
    assert recent.get("other", load) == 3
    assert loads == pytest.approx([100.0, 102.1, 102.1])


def test_zero_seconds_keeps_nothing():
    recent, loads = Recent(0), []
    for _ in range(3):
        recent.get("k", lambda: loads.append(1))
    assert len(loads) == 3


def test_a_revoked_token_is_refused_once_its_grant_is_no_longer_kept(dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    clock = Clock()
    recent = Recent(1, clock)
    assert find_token(dbsession, secret, recent=recent).id == token.id
    revoke(dbsession.get(ApiToken, token.id))
    dbsession.flush()
    assert find_token(dbsession, secret, recent=recent) is not None  # within the second
    clock.now += 1
    assert find_token(dbsession, secret, recent=recent) is None
    assert find_token(dbsession, secret) is None  # without a cache: at once


def test_expiry_is_checked_on_every_request_even_when_the_grant_is_kept(dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    dbsession.get(ApiToken, token.id).expires_at = expires
    dbsession.flush()
    recent = Recent(3600, Clock())
    assert find_token(dbsession, secret, recent=recent) is not None
    later = expires + dt.timedelta(seconds=1)
    assert find_token(dbsession, secret, now=later, recent=recent) is None


def test_the_kept_grant_remembers_its_last_use_so_it_is_written_once_a_minute(dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    recent = Recent(3600, Clock())
    now = dt.datetime.now(dt.UTC)
    first = find_token(dbsession, secret, now=now, recent=recent)
    assert first.last_used_at == now
    row = dbsession.get(ApiToken, token.id)
    dbsession.refresh(row)
    assert row.last_used_at == now
    # Within the minute the kept grant needs no write; after it, one more.
    soon = now + LAST_USED_RESOLUTION / 2
    assert find_token(dbsession, secret, now=soon, recent=recent).last_used_at == now
    later = now + LAST_USED_RESOLUTION
    assert find_token(dbsession, secret, now=later, recent=recent).last_used_at == later
    dbsession.refresh(row)
    assert row.last_used_at == later
