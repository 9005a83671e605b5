"""Delivering webhooks to real local HTTP receivers: signed bodies, answers only where chosen and
allowed, a coordinator's sites only, retries with back-off, switching off, slow receivers, and
nothing from a rolled-back submission."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from evalsys.accounts.models import User
from evalsys.audit.models import AuditEvent
from evalsys.collection import corrections
from evalsys.collection.models import Response
from evalsys.db.meta import utcnow
from evalsys.mail.models import MailMessage
from evalsys.programme.models import Intervention
from evalsys.webhooks import hooks
from evalsys.webhooks.models import Webhook, WebhookDelivery, WebhookEvent

from .. import builders
from .hook_world import HookWorld, register, run, store
from .receiver import receivers  # noqa: F401 - the fixture


@pytest.fixture
def world(dbsession, tm):
    made = HookWorld(dbsession)
    builders.commit(tm)
    return made


def test_a_stored_response_arrives_signed_and_without_answers(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers()
    hook, secret = register(dbsession, world, world.evaluator, receiver.url)
    store(dbsession, world, world.site_a, code="AB12")
    builders.commit(tm)
    assert run(app)["delivered"] == 1
    (request,) = receiver.requests
    assert request.path == "/hooks/evalsys"
    assert receiver.verifies(secret, request)
    assert not receiver.verifies(secret + "x", request)
    sent = request.json
    assert sent["event"] == request.headers["X-Evalsys-Event"] == "response.stored"
    assert sent["delivery_id"] == request.headers["X-Evalsys-Delivery"]
    assert (sent["intervention"], sent["site"], sent["wave"]) == (world.iv.slug, "site-a", "T0")
    assert (sent["participant_code"], sent["mode"]) == ("AB12", "paper")
    assert sent["submitted_at"] and sent["response_id"]
    assert "answers" not in sent and "scores" not in sent
    dbsession.expire_all()
    row = dbsession.scalars(select(WebhookDelivery)).one()
    assert (row.state, row.attempts, row.last_status, row.body) == ("delivered", 1, 204, "")
    assert dbsession.scalars(select(WebhookEvent)).all() == []  # the outbox is empty again


def test_answers_and_scores_only_for_a_hook_that_asked_for_them(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    plain, with_answers = receivers(), receivers()
    register(dbsession, world, world.evaluator, plain.url)
    register(dbsession, world, world.evaluator, with_answers.url, include_answers=True)
    store(dbsession, world, world.site_a)
    builders.commit(tm)
    run(app)
    assert "answers" not in plain.requests[0].json
    sent = with_answers.requests[0].json
    assert sent["answers"] == builders.BRS_ANSWERS
    assert sent["scores"]["brs"]["brs"] == pytest.approx(4.0)  # hand-scored, builders


def test_a_coordinators_hook_hears_of_their_own_site_only(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers()
    register(dbsession, world, world.coordinator, receiver.url, include_answers=True)
    store(dbsession, world, world.site_a, code="AA1")
    store(dbsession, world, world.site_b, code="BB1")
    builders.commit(tm)
    run(app)
    assert [r.json["participant_code"] for r in receiver.requests] == ["AA1"]
    assert receiver.requests[0].json["answers"]  # their own site's participant-level data


def test_rights_are_checked_again_when_delivering(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers()
    register(dbsession, world, world.evaluator, receiver.url)
    store(dbsession, world, world.site_a)
    builders.commit(tm)
    dbsession.get(User, world.evaluator.id).active = False  # blocked before the job runs
    builders.commit(tm)
    assert run(app)["delivered"] == 0
    assert receiver.requests == []


def test_a_ministry_user_can_register_nothing(world, dbsession):
    from evalsys.webhooks import rights

    ministry, coordinator = (dbsession.get(User, u.id) for u in (world.ministry, world.coordinator))
    assert not rights.may_register(ministry, world.iv.id)
    assert not rights.may_receive(ministry, "report.published", world.iv.id, None)
    assert rights.may_register(coordinator, world.iv.id)
    assert not rights.manages_all(coordinator, world.iv.id)


def test_a_failing_receiver_is_retried_with_back_off_then_given_up_and_switched_off(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers(status=500)
    hook, _ = register(dbsession, world, world.evaluator, receiver.url)
    dbsession.get(User, world.evaluator.id).email = "evaluator@example.org"
    store(dbsession, world, world.site_a, code="AA1")
    store(dbsession, world, world.site_a, code="AA2")
    builders.commit(tm)
    settings = {"evalsys.webhooks.max_attempts": "3", "evalsys.webhooks.off_after": "2"}
    start = utcnow()
    assert run(app, settings, start)["retry"] == 2
    dbsession.expire_all()
    rows = dbsession.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert {(r.attempts, r.last_status, r.state) for r in rows} == {(1, 500, "pending")}
    assert all(r.next_attempt_at == start + dt.timedelta(minutes=2) for r in rows)
    # not due yet: nothing is sent
    assert run(app, settings, start + dt.timedelta(minutes=1))["retry"] == 0
    assert len(receiver.requests) == 2
    assert run(app, settings, start + dt.timedelta(minutes=2))["retry"] == 2
    dbsession.expire_all()
    assert {r.next_attempt_at for r in rows} == {start + dt.timedelta(minutes=6)}  # 2 + 4
    done = run(app, settings, start + dt.timedelta(minutes=6))
    assert (done["given_up"], done["switched_off"]) == (2, 1)
    assert len(receiver.requests) == 6
    dbsession.expire_all()
    assert {(r.state, r.attempts, r.body) for r in rows} == {("given_up", 3, "")}
    hook = dbsession.get(Webhook, hook.id)
    assert not hook.active and hook.switched_off_reason.startswith("HTTP 500")
    assert not dbsession.get(Intervention, world.iv.id).webhooks  # the hot path pays nothing
    notice = dbsession.scalars(
        select(MailMessage).where(MailMessage.template == "webhook_switched_off")
    ).one()
    assert notice.user_id == world.evaluator.id and receiver.url in notice.body
    audit = dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "webhook_switched_off")
    ).one()
    assert audit.details["host"] == "127.0.0.1" and audit.target_id == str(hook.id)
    # switched off: a new response raises no event and nothing more is sent
    store(dbsession, world, world.site_a, code="AA3")
    builders.commit(tm)
    assert dbsession.scalars(select(WebhookEvent)).all() == []
    run(app, settings, start + dt.timedelta(hours=1))
    assert len(receiver.requests) == 6


def test_a_slow_receiver_times_out_and_holds_up_no_other_webhook(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    slow, fast = receivers(delay=3), receivers()
    register(dbsession, world, world.evaluator, slow.url)
    register(dbsession, world, world.evaluator, fast.url)
    store(dbsession, world, world.site_a)
    builders.commit(tm)
    started = time.monotonic()
    done = run(app, {"evalsys.webhooks.timeout_seconds": "1"})
    elapsed = time.monotonic() - started
    assert (done["delivered"], done["retry"]) == (1, 1)
    assert elapsed < 2.5  # the slow one's 3 seconds were not waited for
    assert fast.requests[0].at - started < 1.0  # sent beside the slow one, not after it
    dbsession.expire_all()
    failed = dbsession.scalars(
        select(WebhookDelivery).where(WebhookDelivery.state == "pending")
    ).one()
    assert failed.last_status is None and "no answer within 1 seconds" in failed.last_error


def test_a_rolled_back_submission_sends_nothing(app, world, dbsession, tm, receivers):  # noqa: F811
    receiver = receivers()
    register(dbsession, world, world.evaluator, receiver.url)
    builders.commit(tm)
    store(dbsession, world, world.site_a)
    assert len(dbsession.scalars(select(WebhookEvent)).all()) == 1  # in the transaction...
    tm.abort()
    tm.begin()
    assert dbsession.scalars(select(WebhookEvent)).all() == []  # ...and gone with it
    assert run(app)["events"] == 0
    assert receiver.requests == []


def test_an_intervention_without_webhooks_writes_no_event(world, dbsession, tm):
    assert not world.iv.webhooks
    store(dbsession, world, world.site_a)
    assert dbsession.scalars(select(WebhookEvent)).all() == []


def test_corrections_moves_and_voids_fire_their_events(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers()
    register(dbsession, world, world.evaluator, receiver.url, include_answers=True)
    stored = store(dbsession, world, world.site_a, code="AA1")
    builders.commit(tm)
    run(app)
    response = dbsession.get(Response, stored.response.id)
    reason = corrections.Reason("typing_error")
    new = corrections.correct(
        dbsession, response, dict(builders.BRS_ANSWERS, brs_1=5), reason, actor=world.evaluator
    )
    moved = corrections.move(
        dbsession, new, corrections.Reason("wrong_wave"), wave=world.t1, actor=world.evaluator
    )
    corrections.void(dbsession, moved, corrections.Reason("entered_by_mistake"))
    builders.commit(tm)
    run(app)
    # POSTed side by side: they may arrive in any order
    events = {r.json.get("change", "stored"): r.json for r in receiver.requests}
    assert len(receiver.requests) == 4
    assert {k: e["event"] for k, e in events.items()} == {
        "stored": "response.stored",
        "correction": "response.corrected",
        "move": "response.corrected",
        "void": "response.voided",
    }
    corrected, move, voided = events["correction"], events["move"], events["void"]
    assert (corrected["change"], corrected["supersedes_id"]) == ("correction", response.id)
    assert corrected["answers"]["brs_1"] == 5 and corrected["response_id"] == new.id
    assert (move["change"], move["wave"], move["response_id"]) == ("move", "T1", moved.id)
    assert voided["response_id"] == moved.id and voided["reason"] == "entered_by_mistake"
    assert "answers" not in voided


def test_a_published_report_is_told_without_participant_data(
    app,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    from evalsys.results import evaluation, reports

    from .. import results_data

    world = results_data.build(dbsession, tm)
    receiver = receivers()
    evaluator = world.users["evaluator"]
    hooks.register(
        dbsession,
        world.intervention,
        evaluator,
        url=receiver.url,
        events=["report.published"],
        include_answers=True,
        allow_private=True,  # the receiver listens on 127.0.0.1
    )
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    row = reports.publish(dbsession, world.intervention, found, user=evaluator)
    builders.commit(tm)
    run(app)
    (request,) = receiver.requests
    sent = request.json
    assert sent["event"] == "report.published"
    assert (sent["report_version"], sent["checksum"]) == (row.version, row.checksum)
    assert not {"answers", "scores", "participant_code", "site"} & set(sent)
