"""POST /api/v1/responses to a round that takes only issued codes."""

from __future__ import annotations

import uuid

import pytest

from evalsys.collection import issued_codes, ratelimit
from evalsys.collection.models import Response

from .. import builders
from ..api_client import ApiClient, make_link, make_token, member
from ..builders import BRS_ANSWERS


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def world(dbsession, tm):
    iv = builders.intervention(dbsession)
    iv.waves[0].settings = {"participant_code": "issued"}
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    coordinator = builders.user(dbsession, role="coordinator")
    member(dbsession, coordinator, iv, iv.sites[0])
    token = make_token(dbsession, coordinator, iv, site=iv.sites[0])
    (code,) = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[0], 1)]
    (other,) = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[1], 1)]
    builders.commit(tm)
    return link, token, code, other


def body(link, code: str) -> dict:
    return {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": code,
        "language": "nl",
        "answers": dict(BRS_ANSWERS),
    }


def test_the_api_takes_only_issued_codes_and_says_why_not(testapp, world, dbsession):
    link, token, code, other = world
    api = ApiClient(testapp, token)
    typo = code[:-1] + ("X" if code[-1] != "X" else "Y")
    for sent, reason in ((typo, "mistyped"), (other, "not_issued")):
        refused = api.post("/responses", body(link, sent), status=422).json
        assert refused["error"] == "validation_failed"
        assert refused["details"][0]["field"] == "participant_code"
        assert refused["details"][0]["code"] == reason
        assert refused["message"]
    created = api.post("/responses", body(link, code.lower()), status=201).json
    assert created["participant_code"] == code
    assert dbsession.query(Response).count() == 1
