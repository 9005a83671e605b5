"""Webhooks never reach into a private network unless the deployment allows it: an address typed
at registration is refused with a clear message, and a name resolving to a private address is
not connected to at delivery (server-side request forgery), against a real local receiver."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from evalsys.webhooks.addresses import SETTING, is_public, named_private
from evalsys.webhooks.models import Webhook, WebhookDelivery

from .. import builders
from ..web_session import csrf_token
from ..world import sign_in
from .hook_world import HookWorld, register, run, store
from .receiver import receivers  # noqa: F401 - the fixture


@pytest.fixture
def world(dbsession, tm):
    made = HookWorld(dbsession)
    builders.commit(tm)
    return made


@pytest.mark.parametrize(
    "address, public",
    [
        ("127.0.0.1", False),
        ("10.0.0.5", False),
        ("192.168.1.20", False),
        ("169.254.169.254", False),  # a cloud's metadata service
        ("::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4 in IPv6 clothing
        ("fd00::1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("93.184.215.14", True),
        ("2606:4700::6810:84e5", True),
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public(address) is public


def test_names_that_are_plainly_private_need_no_dns():
    assert named_private("localhost") and named_private("printer.local")
    assert named_private("LOCALHOST.") and named_private("10.1.2.3")
    assert not named_private("example.org") and not named_private("hooks.gemeente.nl")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/x", "https://localhost/x", "http://10.0.0.5/", "http://[::1]/"]
)
def test_registering_a_private_address_is_refused_and_says_why(
    app, testapp, world, dbsession, monkeypatch, url
):
    monkeypatch.setitem(app.registry.settings, SETTING, "false")
    sign_in(testapp, world.evaluator)
    page = testapp.get(f"/i/{world.iv.slug}/webhooks")
    form = {"csrf_token": csrf_token(page), "url": url, "events": "response.stored"}
    refused = testapp.post(f"/i/{world.iv.slug}/webhooks", form, status=400)
    assert "privé-netwerk" in refused.text and SETTING in refused.text
    assert dbsession.scalars(select(Webhook)).all() == []


def test_a_name_that_resolves_to_a_private_address_is_never_connected_to(
    app,
    world,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    receiver = receivers()
    # localhost resolves to 127.0.0.1, where the receiver listens: allowed, it would arrive
    url = receiver.url.replace("127.0.0.1", "localhost")
    register(dbsession, world, world.evaluator, url)
    store(dbsession, world, world.site_a)
    builders.commit(tm)
    assert run(app, {SETTING: "false"})["delivered"] == 0
    assert receiver.requests == []
    dbsession.expire_all()
    row = dbsession.scalars(select(WebhookDelivery)).one()
    assert row.state == "pending" and row.attempts == 1
    assert "not a public address" in row.last_error and SETTING in row.last_error
