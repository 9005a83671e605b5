"""Webhooks through the JSON API (every call checked against the OpenAPI document): register
with the secret shown once, list, read, the delivery log without secret or body, delete."""

from __future__ import annotations

import pytest

from .. import builders
from ..api_client import ApiClient, make_token
from .hook_world import HookWorld, body
from .receiver import receivers  # noqa: F401 - the fixture


@pytest.fixture
def world(dbsession, tm):
    made = HookWorld(dbsession)
    made.read_a = make_token(
        dbsession, made.coordinator, made.iv, site=made.site_a, permission="read"
    )
    builders.commit(tm)
    return made


def path(world, tail="") -> str:
    return f"/interventions/{world.iv.slug}/webhooks{tail}"


def test_register_list_log_and_delete(testapp, world, receivers):  # noqa: F811
    receiver = receivers()
    api = ApiClient(testapp, world.submit_all)
    made = api.post(
        path(world),
        {"url": receiver.url, "events": ["response.stored"], "include_answers": True},
        status=201,
    )
    secret = made.json["secret"]
    assert secret.startswith("whsec_") and made.json["include_answers"] is True
    assert made.headers["Location"].endswith(path(world, f"/{made.json['id']}"))
    api.post("/responses", body(world.link_a), status=201)  # delivered as it commits
    (request,) = receiver.requests
    assert receiver.verifies(secret, request) and request.json["answers"]
    listed = api.get(path(world))
    assert [h["id"] for h in listed.json["items"]] == [made.json["id"]]
    one = api.get(path(world, f"/{made.json['id']}"))
    log = api.get(path(world, f"/{made.json['id']}/deliveries"))
    (delivery,) = log.json["items"]
    assert (delivery["event"], delivery["state"], delivery["last_status"]) == (
        "response.stored",
        "delivered",
        204,
    )
    assert delivery["id"] == request.headers["X-Evalsys-Delivery"]
    for answer in (listed, one, log):
        assert secret not in answer.text and "secret" not in answer.json
    assert "AB12" not in log.text  # the log keeps no body
    api.call("DELETE", path(world, f"/{made.json['id']}"), status=200)
    assert api.get(path(world)).json["items"] == []
    api.get(path(world, f"/{made.json['id']}"), status=404)


def test_a_bad_url_is_422_naming_the_field(testapp, world):
    api = ApiClient(testapp, world.submit_all)
    error = api.post(
        path(world),
        {"url": "mailto:someone@example.org", "events": ["response.stored"]},
        status=422,
    ).json
    assert error["error"] == "validation_failed"
    assert error["details"][0]["field"] == "url"
    assert "http:// or https://" in error["message"]
    unknown = api.post(
        path(world),
        {"url": "https://example.org/x", "events": ["response.eaten"]},
        status=422,
        conforms=False,
    ).json
    assert unknown["details"][0]["field"].startswith("events")


def test_a_site_read_token_may_not_manage_webhooks(testapp, world):
    api = ApiClient(testapp, world.read_a)
    error = api.get(path(world), status=403).json
    assert error["error"] == "forbidden"
