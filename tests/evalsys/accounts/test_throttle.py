"""Login throttling: a doubling wait per (account, address), a looser limit per address, no lock
that keeps the rightful user out, and Retry-After on every 429."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.accounts.throttle import ThrottleRules, is_throttled, wait_seconds
from evalsys.audit.models import AuditEvent

from .. import world as worlds
from ..web_session import csrf_token
from ..world import PASSWORD, make_user, totp_code

ATTACKER = "10.6.6.6"
OFFICE = "10.1.1.1"
START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english(testapp):
    testapp.extra_environ["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def slow_first_wait(app, monkeypatch):
    """A first wait of a minute, so a slow test machine never outlasts it between requests."""
    monkeypatch.setitem(app.registry.settings, "evalsys.login_first_delay_seconds", "60")


def post_login(testapp, username, password, address, status="*"):
    page = testapp.get("/login", extra_environ={"REMOTE_ADDR": address})
    form = {"username": username, "password": password, "csrf_token": csrf_token(page)}
    return testapp.post("/login", form, status=status, extra_environ={"REMOTE_ADDR": address})


def failure(dbsession, username: str, address: str, at: dt.datetime) -> None:
    dbsession.add(
        AuditEvent(action="login_failed", target_id=username, client_addr=address, occurred_at=at)
    )
    dbsession.flush()


def test_the_wait_doubles_after_the_free_attempts_up_to_the_longest():
    rules = ThrottleRules(free_attempts=5, first_delay=dt.timedelta(seconds=2))
    waits = [rules.delay(n).total_seconds() for n in (1, 4, 5, 6, 7, 10)]
    assert waits == [0, 0, 2, 4, 8, 64]
    assert rules.delay(30) == dt.timedelta(minutes=15)
    assert rules.delay(10_000) == dt.timedelta(minutes=15)  # no overflow


def test_a_pair_waits_after_its_last_failure_and_a_success_from_there_clears_it(dbsession):
    rules = ThrottleRules(free_attempts=3, first_delay=dt.timedelta(seconds=10))
    for second in range(3):
        failure(dbsession, "cor", ATTACKER, START + dt.timedelta(seconds=second))
    last = START + dt.timedelta(seconds=2)
    assert wait_seconds(dbsession, rules, "cor", ATTACKER, now=last) == 10
    assert wait_seconds(dbsession, rules, "cor", ATTACKER, now=last + dt.timedelta(seconds=4)) == 6
    assert not is_throttled(dbsession, rules, "cor", ATTACKER, now=last + dt.timedelta(seconds=10))
    # the same account from another address, and another account from this one: no wait
    assert wait_seconds(dbsession, rules, "cor", OFFICE, now=last) == 0
    assert wait_seconds(dbsession, rules, "eva", ATTACKER, now=last) == 0
    failure(dbsession, "cor", ATTACKER, last + dt.timedelta(seconds=11))  # the 4th: 20 s
    assert (
        wait_seconds(dbsession, rules, "cor", ATTACKER, now=last + dt.timedelta(seconds=11)) == 20
    )
    dbsession.add(
        AuditEvent(
            action="login",
            target_id="cor",
            client_addr=ATTACKER,
            occurred_at=last + dt.timedelta(seconds=12),
        )
    )
    dbsession.flush()
    assert wait_seconds(dbsession, rules, "cor", ATTACKER, now=last + dt.timedelta(seconds=13)) == 0


def test_failures_older_than_the_pair_window_are_forgotten(dbsession):
    rules = ThrottleRules(free_attempts=2, longest_delay=dt.timedelta(hours=2))
    for minute in range(20):
        failure(dbsession, "cor", ATTACKER, START + dt.timedelta(minutes=minute))
    last = START + dt.timedelta(minutes=19)
    assert wait_seconds(dbsession, rules, "cor", ATTACKER, now=last) == 2 * 3600
    # An hour on, the failures are forgotten although the two hours' wait has not passed.
    later = last + rules.pair_window + dt.timedelta(seconds=1)
    assert not is_throttled(dbsession, rules, "cor", ATTACKER, now=later)


def test_many_failures_from_one_address_hold_every_account_from_there(dbsession):
    rules = ThrottleRules(free_attempts=5, per_address=4, window=dt.timedelta(minutes=15))
    for n in range(5):  # five names, one guess each: no pair is over its free attempts
        failure(dbsession, f"guess{n}", ATTACKER, START + dt.timedelta(minutes=n))
    now = START + dt.timedelta(minutes=5)
    # Four must remain in the window: the second-oldest (minute 1) leaves at minute 16.
    assert wait_seconds(dbsession, rules, "cor", ATTACKER, now=now) == 11 * 60
    assert wait_seconds(dbsession, rules, "cor", OFFICE, now=now) == 0
    assert not is_throttled(dbsession, rules, "cor", ATTACKER, now=START + dt.timedelta(minutes=16))


def test_an_attack_from_elsewhere_does_not_lock_out_the_rightful_user(
    testapp, dbsession, tm, slow_first_wait
):
    make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    statuses = [post_login(testapp, "cor", f"gok {n}", ATTACKER).status_int for n in range(8)]
    assert statuses == [400] * 5 + [429] * 3  # the sixth attempt already has to wait
    refused = post_login(testapp, "cor", PASSWORD, ATTACKER, status=429)  # even the right one
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many failed attempts" in refused.text
    # The rightful user, from the office, logs in at once.
    post_login(testapp, "cor", PASSWORD, OFFICE, status=302)
    assert testapp.get("/account").status_int == 200


def test_a_throttled_login_is_audited_and_says_how_long_to_wait(
    testapp, dbsession, tm, slow_first_wait
):
    make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    for n in range(5):
        post_login(testapp, "cor", f"gok {n}", ATTACKER, status=400)
    refused = post_login(testapp, "cor", PASSWORD, ATTACKER, status=429)
    wait = int(refused.headers["Retry-After"])
    assert f"Wait {wait} seconds" in refused.text
    testapp.extra_environ["HTTP_ACCEPT_LANGUAGE"] = "nl"
    dutch = post_login(testapp, "cor", PASSWORD, ATTACKER, status=429)
    assert f"Wacht {dutch.headers['Retry-After']} seconden" in dutch.text
    events = dbsession.query(AuditEvent).filter_by(action="login_throttled").all()
    assert [(e.target_id, e.client_addr) for e in events] == [("cor", ATTACKER)] * 2
    assert dbsession.query(AuditEvent).filter_by(action="login").count() == 0


def test_wrong_codes_in_the_second_step_count_for_the_pair(testapp, dbsession, tm, slow_first_wait):
    user = make_user(dbsession, "eva", "evaluator")
    worlds.builders.commit(tm)
    post_login(testapp, "eva", PASSWORD, ATTACKER, status=302)
    environ = {"REMOTE_ADDR": ATTACKER}
    for _ in range(5):
        page = testapp.get("/login/code", extra_environ=environ)
        form = {"code": "000000", "csrf_token": csrf_token(page)}
        testapp.post("/login/code", form, status=400, extra_environ=environ)
    page = testapp.get("/login/code", extra_environ=environ)
    form = {"code": totp_code(user), "csrf_token": csrf_token(page)}
    refused = testapp.post("/login/code", form, status=429, extra_environ=environ)
    assert int(refused.headers["Retry-After"]) >= 1
