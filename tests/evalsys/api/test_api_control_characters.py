"""Control characters (NUL and the like) in an API request are a 422 naming the field, never a 500.

PostgreSQL refuses NUL in text and in JSON, so before these checks a NUL in a text answer, an
answer's key or a link token failed in the database (500); the suite runs on both databases.
"""

from __future__ import annotations

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


@pytest.fixture
def world(dbsession, tm):
    iv = builders.intervention(dbsession)
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    evaluator = builders.user(dbsession, role="evaluator")
    member(dbsession, evaluator, iv)
    tokens = {
        "submit": make_token(dbsession, evaluator, iv),
        "read": make_token(dbsession, evaluator, iv, permission="read"),
    }
    builders.commit(tm)
    return link, tokens


def body(survey_link, **changes) -> dict:
    values = {
        "submission_id": str(uuid.uuid4()),
        "link": survey_link.token,
        "participant_code": "AB12",
        "language": "nl",
        "answers": dict(BRS_ANSWERS),
    }
    return {**values, **changes}


def nothing_stored(dbsession) -> bool:
    dbsession.expire_all()
    return dbsession.query(Response).count() == 0 and dbsession.query(Participant).count() == 0


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "\x07", "\x1b[2J", "\x0b"])
def test_a_text_answer_with_a_control_character_is_422_invalid_characters(
    testapp, world, dbsession, bad
):
    link, tokens = world
    answers = {**BRS_ANSWERS, "gender_other": f"anders{bad}"}
    error = (
        ApiClient(testapp, tokens["submit"])
        .post("/responses", body(link, answers=answers), status=422)
        .json
    )
    assert error["error"] == "invalid_answers"
    assert [(d["field"], d["code"]) for d in error["details"]] == [
        ("answers.gender_other", "invalid_characters")
    ]
    assert "stuurteken" in error["details"][0]["message"]  # in the body's language, nl
    assert nothing_stored(dbsession)


def test_tabs_and_line_breaks_in_a_text_answer_are_stored_as_sent(testapp, world, dbsession):
    link, tokens = world
    text = "regel één\r\nregel\ttwee"
    answers = {**BRS_ANSWERS, "gender_other": text}
    created = ApiClient(testapp, tokens["submit"]).post("/responses", body(link, answers=answers))
    assert created.json["answers"]["gender_other"] == text
    dbsession.expire_all()
    assert dbsession.get(Response, created.json["id"]).answers["gender_other"] == text


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("link", {"link": "tok\x00en"}),
        ("participant_code", {"participant_code": "AB\x0012"}),
        ("answers", {"answers": {**BRS_ANSWERS, "brs\x00": None}}),
        ("answers", {"answers": {**BRS_ANSWERS, "\x01": "x"}}),
    ],
)
def test_a_control_character_in_a_link_code_or_item_id_is_422_naming_the_field(
    testapp, world, dbsession, field, changes
):
    link, tokens = world
    error = (
        ApiClient(testapp, tokens["submit"])
        .post("/responses", body(link, **changes), status=422)
        .json
    )
    assert error["error"] == "validation_failed"
    assert [(d["field"], d["code"]) for d in error["details"]] == [(field, "invalid_characters")]
    assert nothing_stored(dbsession)


@pytest.mark.parametrize("name", ["intervention", "site", "wave"])
def test_a_control_character_in_a_list_filter_is_422(testapp, world, name):
    _link, tokens = world
    error = ApiClient(testapp, tokens["read"]).get(f"/responses?{name}=a%00", status=422).json
    assert error["error"] == "validation_failed"
    assert error["details"][0] == {
        "field": name,
        "code": "invalid_characters",
        "message": "remove the control character",
    }
