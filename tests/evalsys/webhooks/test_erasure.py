"""An erased participant is not told of afterwards: waiting webhook events about them are
deleted and their undelivered bodies given up and emptied, against a real local receiver."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from evalsys.collection.models import Participant
from evalsys.privacy.erasure import erase_participant
from evalsys.webhooks.forgetting import REASON
from evalsys.webhooks.models import WebhookDelivery, WebhookEvent

from .. import builders
from .hook_world import HookWorld, register, run, store
from .receiver import receivers  # noqa: F401 - the fixture


@pytest.fixture
def world(dbsession, tm):
    made = HookWorld(dbsession)
    builders.commit(tm)
    return made


def erase(app, dbsession, tm, code: str) -> None:
    participant = dbsession.scalars(select(Participant).filter_by(code=code)).one()
    erase_participant(dbsession, app.registry.settings, participant, "withdrew consent")
    builders.commit(tm)


def test_a_waiting_event_about_an_erased_participant_is_never_sent(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers()
    register(dbsession, world, world.evaluator, receiver.url, include_answers=True)
    store(dbsession, world, world.site_a, code="WEG1")
    store(dbsession, world, world.site_a, code="BLIJF1")
    builders.commit(tm)
    assert len(dbsession.scalars(select(WebhookEvent)).all()) == 2
    erase(app, dbsession, tm, "WEG1")
    assert run(app)["delivered"] == 1
    assert [r.json["participant_code"] for r in receiver.requests] == ["BLIJF1"]


def test_an_undelivered_body_about_an_erased_participant_is_given_up_and_emptied(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers(status=500)  # down: the delivery waits for its next try
    register(dbsession, world, world.evaluator, receiver.url, include_answers=True)
    store(dbsession, world, world.site_a, code="WEG2")
    builders.commit(tm)
    run(app)
    dbsession.expire_all()
    (waiting,) = dbsession.scalars(select(WebhookDelivery)).all()
    assert waiting.state == "pending" and "WEG2" in waiting.body and waiting.has_answers
    erase(app, dbsession, tm, "WEG2")
    dbsession.expire_all()
    gone = dbsession.get(WebhookDelivery, waiting.id)
    assert (gone.state, gone.body, gone.has_answers) == ("given_up", "", False)
    assert gone.last_error == REASON
    receiver.status = 204
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    run(app, now=later)
    assert len(receiver.requests) == 1  # only the first, failed try: nothing after the erasure
