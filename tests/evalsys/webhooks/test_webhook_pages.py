"""The webhooks page: register (the secret shown once), end to end through a real receiver,
the delivery log, a test ping, switching off and on, deleting, and clear messages for bad URLs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from evalsys.audit.models import AuditEvent
from evalsys.programme.models import Intervention
from evalsys.webhooks.models import Webhook

from .. import builders
from ..api_client import ApiClient
from ..web_session import csrf_token
from ..world import sign_in
from .hook_world import HookWorld, body
from .receiver import receivers  # noqa: F401 - the fixture

SECRET = re.compile(r'<code class="secret">(whsec_[\w-]+)</code>')


@pytest.fixture
def world(dbsession, tm):
    made = HookWorld(dbsession)
    builders.commit(tm)
    return made


def page_url(world) -> str:
    return f"/i/{world.iv.slug}/webhooks"


def register(testapp, world, url, events=("response.stored",), answers=False, status=200):
    page = testapp.get(page_url(world))
    form = [("csrf_token", csrf_token(page)), ("url", url)]
    form += [("events", event) for event in events]
    if answers:
        form.append(("include_answers", "yes"))
    return testapp.post(page_url(world), form, status=status)


def test_end_to_end_the_secret_once_a_signed_request_and_the_log(
    testapp,
    world,
    dbsession,
    receivers,  # noqa: F811
):
    receiver = receivers()
    sign_in(testapp, world.evaluator)
    overview = testapp.get(f"/i/{world.iv.slug}")
    assert page_url(world) in overview.text  # linked for those who manage it
    answer = register(testapp, world, receiver.url)
    secret = SECRET.search(answer.text).group(1)
    assert answer.headers["Cache-Control"] == "no-store"
    # an API submission: the delivery job runs as the request commits (inline in the tests)
    ApiClient(testapp, world.submit_all).post("/responses", body(world.link_a), status=201)
    (request,) = receiver.requests
    assert receiver.verifies(secret, request)
    assert request.json["participant_code"] == "AB12" and "answers" not in request.json
    testapp.get("/language/en")
    page = testapp.get(page_url(world))
    assert secret not in page.text  # shown once, never again
    assert "delivered" in page.text and "HTTP 204" in page.text
    hook = dbsession.scalars(select(Webhook)).one()
    assert (hook.events, hook.include_answers, hook.secret) == (["response.stored"], False, secret)
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.target_type == "webhook"))
    assert [e.action for e in events] == ["webhook_registered"]
    assert secret not in str([e.details for e in events])
    assert dbsession.get(Intervention, world.iv.id).webhooks


def test_a_coordinator_gets_no_link_but_may_register_for_their_site(
    testapp,
    world,
    receivers,  # noqa: F811
):
    sign_in(testapp, world.coordinator)
    testapp.get("/language/en")
    assert page_url(world) not in testapp.get(f"/i/{world.iv.slug}").text
    answer = register(testapp, world, receivers().url)
    assert SECRET.search(answer.text)
    assert "your own sites only" in answer.text


@pytest.mark.parametrize(
    "url, message",
    [
        ("", "Fill in the URL"),
        ("ftp://example.org/hooks", "must start with http:// or https://"),
        ("https://", "This is not a whole URL"),
        ("https://exa mple.org/x", "This is not a whole URL"),
        ("https://example.org:port/x", "This is not a whole URL"),
        ("https://user:pass@example.org/x", "no user name or password"),
    ],
)
def test_a_bad_url_is_refused_with_a_message_and_nothing_is_stored(
    testapp, world, dbsession, url, message
):
    sign_in(testapp, world.evaluator)
    testapp.get("/language/en")
    answer = register(testapp, world, url, status=400)
    assert message in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert not SECRET.search(answer.text)
    assert dbsession.scalars(select(Webhook)).all() == []


def test_no_event_chosen_is_refused(testapp, world):
    sign_in(testapp, world.evaluator)
    testapp.get("/language/en")
    answer = register(testapp, world, "https://example.org/hooks", events=(), status=400)
    assert "Choose at least one event" in answer.text


def test_ping_switch_off_and_on_and_delete(testapp, world, dbsession, receivers):  # noqa: F811
    receiver = receivers()
    sign_in(testapp, world.evaluator)
    register(testapp, world, receiver.url)
    hook = dbsession.scalars(select(Webhook)).one()

    def act(action):
        page = testapp.get(page_url(world))
        url = f"{page_url(world)}/{hook.id}/{action}"
        return testapp.post(url, {"csrf_token": csrf_token(page)}, status=303)

    act("ping")
    assert [r.json["event"] for r in receiver.requests] == ["ping"]
    assert receiver.requests[0].headers["X-Evalsys-Event"] == "ping"
    act("off")
    dbsession.expire_all()
    assert not dbsession.get(Webhook, hook.id).active
    assert not dbsession.get(Intervention, world.iv.id).webhooks
    act("on")
    dbsession.expire_all()
    assert dbsession.get(Intervention, world.iv.id).webhooks
    act("delete")
    dbsession.expire_all()
    assert dbsession.scalars(select(Webhook)).all() == []
    assert not dbsession.get(Intervention, world.iv.id).webhooks
    actions = dbsession.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "webhook").order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "webhook_registered",
        "webhook_switched_off",
        "webhook_switched_on",
        "webhook_deleted",
    ]


def test_another_interventions_evaluator_finds_no_page(testapp, world, dbsession, tm):
    from ..world import grant, make_user

    other = make_user(dbsession, "evaluator-elsewhere", "evaluator")
    grant(dbsession, other, builders.intervention(dbsession))
    builders.commit(tm)
    sign_in(testapp, other)
    testapp.get(page_url(world), status=404)


def test_the_page_speaks_dutch_by_default(testapp, world):
    sign_in(testapp, world.evaluator)
    page = testapp.get(page_url(world))
    assert "Nieuwe webhook" in page.text and "Met antwoorden en scores" in page.text
