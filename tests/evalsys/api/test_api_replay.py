"""POST /api/v1/responses with a stored submission_id: a retry, a conflict, or another site's."""

from __future__ import annotations

import json
import uuid

import pytest

from evalsys.collection import ratelimit
from evalsys.collection.models import Participant, Response

from .. import builders
from ..api_client import ApiClient, make_link, make_token, member
from ..builders import BRS_ANSWERS


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


class World:
    """Sites A and B; a coordinator of each with a submit token; an evaluator's token for all."""

    def __init__(self, dbsession):
        self.iv = builders.intervention(dbsession)
        site_a, site_b = self.iv.sites
        self.link_a = make_link(dbsession, self.iv, site_a, self.iv.waves[0])
        self.link_b = make_link(dbsession, self.iv, site_b, self.iv.waves[0])
        coordinator_a = builders.user(dbsession, role="coordinator")
        member(dbsession, coordinator_a, self.iv, site_a)
        coordinator_b = builders.user(dbsession, role="coordinator")
        member(dbsession, coordinator_b, self.iv, site_b)
        evaluator = builders.user(dbsession, role="evaluator")
        member(dbsession, evaluator, self.iv)
        self.submit_a = make_token(dbsession, coordinator_a, self.iv, site=site_a)
        self.submit_b = make_token(dbsession, coordinator_b, self.iv, site=site_b)
        self.submit_all = make_token(dbsession, evaluator, self.iv)


@pytest.fixture
def world(dbsession, tm):
    made = World(dbsession)
    builders.commit(tm)
    return made


def body(link, code="AB12", answers=None, **extra) -> dict:
    return {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": code,
        "language": "nl",
        "answers": dict(BRS_ANSWERS if answers is None else answers),
        **extra,
    }


def rows(dbsession) -> list[tuple[str, str, dict]]:
    dbsession.expire_all()
    found = dbsession.query(Response.submission_id, Participant.code, Response.answers).join(
        Participant, Participant.id == Response.participant_id
    )
    return [tuple(row) for row in found]


def tells_nothing_of(error: dict, stored: dict) -> bool:
    """The error body holds no value of the stored response (its id, code, answers, scores)."""
    text = json.dumps(error)
    return all(
        json.dumps(stored[key]) not in text for key in ("id", "participant_code", "scores")
    ) and set(error) == {"error", "message", "details"}


def test_the_same_body_again_is_a_retry_answered_with_the_stored_response(testapp, world):
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a, answers={**BRS_ANSWERS, "gender_other": "één\tlijn\nnog één"})
    first = api.post("/responses", sent, status=201).json
    # Keys in another order and 4.0 for 4 are the same answers.
    reordered = dict(reversed(list({**sent["answers"], "brs_1": 4.0}.items())))
    assert api.post("/responses", {**sent, "answers": reordered}, status=200).json == first


def test_the_same_submission_id_with_other_answers_is_409_and_stores_nothing(
    testapp, world, dbsession
):
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a)
    first = api.post("/responses", sent, status=201).json
    for answers in ({**BRS_ANSWERS, "brs_1": 5}, {**BRS_ANSWERS, "brs_1": 9}, {}):
        error = api.post("/responses", {**sent, "answers": answers}, status=409).json
        assert error["error"] == "submission_conflict"
        assert error["details"][0]["field"] == "submission_id"
        assert tells_nothing_of(error, first)
    assert rows(dbsession) == [(sent["submission_id"], "AB12", BRS_ANSWERS)]


def test_the_same_submission_id_for_another_participant_is_409(testapp, world, dbsession):
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a, code="AB12")
    first = api.post("/responses", sent, status=201).json
    error = api.post("/responses", {**sent, "participant_code": "CD34"}, status=409).json
    assert error["error"] == "submission_conflict" and tells_nothing_of(error, first)
    # Lower case is the same code: that is still a retry.
    api.post("/responses", {**sent, "participant_code": "ab12"}, status=200)
    assert [code for _, code, _ in rows(dbsession)] == ["AB12"]
    assert [p.code for p in dbsession.query(Participant)] == ["AB12"]


@pytest.mark.parametrize("token", ["submit_b", "submit_all"])
def test_a_stored_submission_id_sent_through_another_sites_link_shows_nothing_of_it(
    testapp, world, dbsession, token
):
    # Before: 200 with site A's response (its code, answers and scores) to a site-B token.
    first = ApiClient(testapp, world.submit_a).post("/responses", body(world.link_a)).json
    api = ApiClient(testapp, getattr(world, token))
    for code in ("AB12", "ZZ99"):
        sent = {**body(world.link_b, code=code), "submission_id": first["submission_id"]}
        error = api.post("/responses", sent, status=409).json
        assert error["error"] == "submission_id_reused"
        assert tells_nothing_of(error, first)
    assert len(rows(dbsession)) == 1
    assert [p.code for p in dbsession.query(Participant)] == ["AB12"]
