"""Coordinator digests through a real SMTP server: counts and a link, never codes; sent once;
a refusing server is tried again later; switched off means none."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.jobs.run import Runtime
from evalsys.jobs.scheduled import run_scheduled
from evalsys.mail import outbox
from evalsys.mail.models import MailMessage

from .. import builders
from ..mail_server import smtp_server  # noqa: F401 - the fixture
from ..world import grant, make_user
from . import due_data


@pytest.fixture
def world(dbsession, tm):
    world = due_data.build(dbsession, tm)
    intervention = world.intervention
    site_a = intervention.sites[0]
    # T0 56 days ago: T1 opens for this participant today
    person = builders.participant(dbsession, intervention, code="A-TODAY", site=site_a)
    builders.response(dbsession, person, intervention.waves[0], submitted_at=due_data.day(-56))
    coordinator = dbsession.query(User).filter_by(username="coordinator-due").one()
    coordinator.email = "coordinator@example.org"
    quiet = make_user(dbsession, "coordinator-quiet", "coordinator")
    quiet.email, quiet.digests = "quiet@example.org", False
    grant(dbsession, quiet, intervention, site_a)
    english = make_user(dbsession, "coordinator-en", "coordinator")
    english.email, english.mail_language = "english@example.org", "en"
    grant(dbsession, english, intervention, site_a)
    builders.commit(tm)
    return world


@pytest.fixture
def runtime(app, smtp_server):  # noqa: F811
    inbox, settings = smtp_server
    base = app.registry["evalsys.jobs.runtime"]
    return inbox, Runtime({**base.settings, **settings}, base.engine, base.session_factory)


def test_coordinators_get_counts_and_a_link_never_codes(world, runtime, dbsession):
    inbox, jobs = runtime
    assert run_scheduled(jobs, "followup_digests") == "done"
    to = sorted((r[0], m["Subject"]) for r, m in zip(inbox.recipients, inbox.messages, strict=True))
    assert to == [
        ("coordinator@example.org", "Site A: deelnemers te laat met hun volgende ronde: 1"),
        ("coordinator@example.org", "Site A: volgende ronde open. Deelnemers: 1"),
        ("english@example.org", "Site A: next round open. Participants: 1"),
        ("english@example.org", "Site A: participants late with their next round: 1"),
    ]
    for message in inbox.messages:
        body = message.get_content()
        assert f"https://evalsys.example.org/i/{world.intervention.slug}/sites/site-a/due" in body
        assert not any(code in body for code in [*due_data.SITE_A, "A-TODAY"])
        assert message["List-Unsubscribe"] == "<https://evalsys.example.org/account/mail>"
    opened = next(m for m in inbox.messages if m["Subject"].endswith("open. Deelnemers: 1"))
    assert "(T1: 1)" in opened.get_content() and "1 te laat, 2 open" in opened.get_content()
    dbsession.expire_all()
    rows = dbsession.query(MailMessage).all()
    assert {(r.state, r.body, r.template) for r in rows} == {
        ("sent", "", "wave_opened"),
        ("sent", "", "overdue_weekly"),
    }
    assert len(rows) == 4


def test_a_second_run_sends_nothing_again(world, runtime, dbsession):
    inbox, jobs = runtime
    run_scheduled(jobs, "followup_digests")
    run_scheduled(jobs, "followup_digests")
    assert len(inbox.messages) == 4


def test_a_refusing_server_is_tried_again_later(world, runtime, dbsession, tm):
    inbox, jobs = runtime
    inbox.refuse = 4
    assert run_scheduled(jobs, "followup_digests") == "done"
    assert inbox.messages == []
    dbsession.expire_all()
    waiting = dbsession.query(MailMessage).all()
    assert {(r.state, r.attempts) for r in waiting} == {("queued", 1)}
    assert all(r.next_attempt_at > utcnow() and "451" in r.last_error for r in waiting)
    assert outbox.deliver(dbsession, jobs.settings) == {"sent": 0, "retry": 0, "given_up": 0}
    later = utcnow() + dt.timedelta(minutes=3)
    assert outbox.deliver(dbsession, jobs.settings, now=later)["sent"] == 4
    assert len(inbox.messages) == 4


def test_a_server_that_is_not_there_gives_up_after_six_tries(world, runtime, dbsession):
    inbox, jobs = runtime
    settings = {**jobs.settings, "evalsys.mail.port": "1"}  # nothing listens there
    from evalsys.followup.digests import queue_digests

    assert queue_digests(dbsession, settings) == 4
    now = utcnow()
    for attempt in range(outbox.MAX_ATTEMPTS):
        now += dt.timedelta(minutes=2 ** (attempt + 1) + 1)
        outbox.deliver(dbsession, settings, now=now)
    rows = dbsession.query(MailMessage).all()
    assert {(r.state, r.attempts, r.body) for r in rows} == {("failed", 6, "")}
    assert all("ConnectionRefusedError" in r.last_error for r in rows)
