"""POST /api/v1/responses with conditions and missing-data codes: the survey's rules, strictly.

The API takes no blanks: a required question that applies and has no answer is 422
``required`` (an app that collects answers offline sends what the participant gave); an answer
to a question that does not apply is 422 ``not_applicable``, naming the field and why.
"""

from __future__ import annotations

import uuid

import pytest

from evalsys.collection import ratelimit
from evalsys.collection.models import Response

from .. import builders, conditional_forms
from ..api_client import ApiClient, make_link, make_token, member
from ..conditional_forms import BRS


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def world(dbsession, tm):
    iv = conditional_forms.intervention(dbsession)
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    coordinator = builders.user(dbsession, role="coordinator")
    member(dbsession, coordinator, iv, iv.sites[0])
    token = make_token(dbsession, coordinator, iv, site=iv.sites[0])
    builders.commit(tm)
    return link, token


def post(testapp, world, answers: dict, status: int):
    link, token = world
    sent = {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": f"API{uuid.uuid4().hex[:6]}",
        "language": "en",
        "answers": answers,
    }
    return ApiClient(testapp, token).post("/responses", sent, status=status).json


def test_an_answer_to_a_question_that_does_not_apply_is_422_not_applicable(
    testapp, world, dbsession
):
    error = post(testapp, world, {"sport": 0, "sport_hours": 4, "team": 2, **BRS}, 422)
    assert error["error"] == "invalid_answers"
    details = {d["field"]: d for d in error["details"]}
    assert details["answers.sport_hours"]["code"] == "not_applicable"
    assert details["answers.team"]["code"] == "not_applicable"
    assert "does not apply" in details["answers.sport_hours"]["message"]
    assert dbsession.query(Response).count() == 0


def test_questions_that_do_not_apply_may_be_left_out_and_codes_are_answers(testapp, world):
    created = post(testapp, world, {"sport": 0, **BRS}, 201)
    assert created["answers"] == {"sport": 0, **BRS}
    coded = post(
        testapp, world, {"sport": 1, "sport_hours": 99, "club_member": 0, "team": 9, **BRS}, 201
    )
    assert coded["answers"]["sport_hours"] == 99 and coded["answers"]["team"] == 9


def test_the_api_takes_no_blanks_where_a_question_applies(testapp, world):
    error = post(testapp, world, {"sport": 1, "club_member": 0, "team": 2, **BRS}, 422)
    assert {(d["field"], d["code"]) for d in error["details"]} == {
        ("answers.sport_hours", "required")
    }
