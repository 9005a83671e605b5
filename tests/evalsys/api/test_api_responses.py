"""POST and GET /api/v1/responses: scores, idempotency, errors, scope, pagination, limits."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from evalsys.accounts.models import Membership
from evalsys.audit.models import AuditEvent
from evalsys.collection import ratelimit
from evalsys.collection.models import Response
from evalsys.db.meta import utcnow
from evalsys.programme import questionnaires

from .. import builders
from .. import world as worlds
from ..api_client import ApiClient, make_link, make_token, member
from ..builders import BRS_ANSWERS


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


class World:
    """One intervention with sites A and B; a coordinator of A; tokens of several kinds."""

    def __init__(self, dbsession):
        self.iv = builders.intervention(dbsession)
        self.site_a, self.site_b = self.iv.sites
        self.t0, self.t1 = self.iv.waves
        self.link_a = make_link(dbsession, self.iv, self.site_a, self.t0)
        self.link_b = make_link(dbsession, self.iv, self.site_b, self.t0)
        self.coordinator = builders.user(dbsession, role="coordinator")
        member(dbsession, self.coordinator, self.iv, self.site_a)
        self.evaluator = builders.user(dbsession, role="evaluator")
        member(dbsession, self.evaluator, self.iv)
        self.submit_a = make_token(dbsession, self.coordinator, self.iv, site=self.site_a)
        self.read_a = make_token(
            dbsession, self.coordinator, self.iv, site=self.site_a, permission="read"
        )
        self.read_all = make_token(dbsession, self.evaluator, self.iv, permission="read")
        self.submit_all = make_token(dbsession, self.evaluator, self.iv)


@pytest.fixture
def world(dbsession, tm):
    made = World(dbsession)
    builders.commit(tm)
    return made


def body(link, code="AB12", **extra) -> dict:
    values = {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": code,
        "language": "nl",
        "answers": dict(BRS_ANSWERS),
    }
    values.update(extra)
    return values


def test_a_submission_is_stored_with_its_scores(testapp, world, dbsession):
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a, duration_seconds=300)
    created = api.post("/responses", sent, status=201).json
    # Smith et al. (2008): items 2, 4, 6 reversed -> all 4 -> mean 4.0
    assert created["scores"] == {"brs": {"brs": 4.0}}
    assert created["submission_id"] == sent["submission_id"]
    assert (created["site"], created["wave"], created["participant_code"]) == (
        "site-a",
        "T0",
        "AB12",
    )
    assert created["mode"] == "api" and created["group"] == "intervention"
    row = dbsession.get(Response, created["id"])
    assert row.submitted_by_id == world.coordinator.id and row.duration_seconds == 300


def test_the_location_header_points_at_the_stored_response(testapp, world):
    api = ApiClient(testapp, world.submit_a)
    created = api.post("/responses", body(world.link_a), status=201)
    assert created.location.endswith(f"/api/v1/responses/{created.json['id']}")
    read = ApiClient(testapp, world.read_a).get(f"/responses/{created.json['id']}")
    assert read.json == created.json


def test_a_repeated_submission_id_returns_200_and_the_same_response(testapp, world, dbsession):
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a)
    first = api.post("/responses", sent, status=201).json
    again = api.post("/responses", sent, status=200).json
    assert again == first
    assert dbsession.query(Response).filter_by(submission_id=sent["submission_id"]).count() == 1


def test_a_retry_after_a_new_questionnaire_version_still_reads_as_the_stored_response(
    testapp, world, dbsession, tm
):
    # A retry is answered from the link where the link names the stored response's site and
    # questionnaire version; here the questionnaire changed in between, so it must be read.
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a)
    first = api.post("/responses", sent, status=201).json
    intervention = dbsession.merge(world.iv)
    questionnaires.save_version(
        dbsession, intervention, questionnaires.build(intervention, [("brs", None), ("gse", None)])
    )
    builders.commit(tm)
    again = api.post("/responses", sent, status=200).json
    assert again == first
    assert again["questionnaire_version"] == 1
    read = ApiClient(testapp, world.read_a).get(f"/responses/{first['id']}").json
    assert again == read


def test_a_submission_id_reused_for_another_wave_is_a_conflict(testapp, world, dbsession, tm):
    link_t1 = make_link(dbsession, world.iv, world.site_a, world.t1)
    builders.commit(tm)
    api = ApiClient(testapp, world.submit_a)
    sent = body(world.link_a)
    api.post("/responses", sent, status=201)
    error = api.post("/responses", {**sent, "link": link_t1.token}, status=409).json
    assert error["error"] == "submission_id_reused"
    assert error["details"][0]["field"] == "submission_id"


def test_invalid_answers_are_422_with_one_detail_per_field(testapp, world, dbsession):
    api = ApiClient(testapp, world.submit_a)
    answers = dict(BRS_ANSWERS, brs_1=9, onbekend=1)
    error = api.post("/responses", body(world.link_a, answers=answers), status=422).json
    assert error["error"] == "invalid_answers"
    fields = {(d["field"], d["code"]) for d in error["details"]}
    assert {("answers.brs_1", "invalid_option"), ("answers.onbekend", "unknown_item")} <= fields
    assert dbsession.query(Response).count() == 0


def test_a_missing_required_answer_names_the_item(testapp, world):
    answers = dict(BRS_ANSWERS)
    del answers["brs_3"]
    error = ApiClient(testapp, world.submit_a).post(
        "/responses", body(world.link_a, answers=answers), status=422
    )
    assert ("answers.brs_3", "required") in {(d["field"], d["code"]) for d in error.json["details"]}


def test_wrong_types_in_the_body_name_the_field(testapp, world):
    sent = body(world.link_a, submission_id="not-a-uuid", answers=[1, 2])
    del sent["language"]
    error = (
        ApiClient(testapp, world.submit_a).post("/responses", sent, status=422, conforms=False).json
    )
    assert error["error"] == "validation_failed"
    fields = {(d["field"], d["code"]) for d in error["details"]}
    assert fields == {
        ("submission_id", "invalid_format"),
        ("answers", "wrong_type"),
        ("language", "required"),
    }


def test_a_body_that_is_not_json_is_400(testapp, world):
    error = ApiClient(testapp, world.submit_a).post(
        "/responses", raw=b"{not json", status=400, conforms=False
    )
    assert error.json["error"] == "invalid_json"


def test_a_body_that_is_not_declared_json_is_415(testapp, world):
    error = ApiClient(testapp, world.submit_a).post(
        "/responses",
        raw=b"a=1",
        content_type="application/x-www-form-urlencoded",
        status=415,
        conforms=False,
    )
    assert error.json["error"] == "unsupported_media_type"


def test_a_body_over_the_size_limit_is_413(testapp, world):
    huge = body(world.link_a, answers={f"item_{i}": "x" * 300 for i in range(999)})
    error = ApiClient(testapp, world.submit_a).post("/responses", huge, status=413)
    assert error.json["error"] == "request_too_large"


def test_an_unknown_link_is_404_naming_the_field(testapp, world):
    error = (
        ApiClient(testapp, world.submit_a)
        .post("/responses", {**body(world.link_a), "link": "bestaat-niet"}, status=404)
        .json
    )
    assert error["error"] == "not_found" and error["details"][0]["field"] == "link"


def test_a_closed_link_is_410(testapp, world, dbsession, tm):
    closed = make_link(dbsession, world.iv, world.site_a, world.t1, is_open=False)
    builders.commit(tm)
    error = ApiClient(testapp, world.submit_a).post("/responses", body(closed), status=410)
    assert error.json["error"] == "link_closed"


def test_a_wave_past_its_closing_date_is_410(testapp, world, dbsession, tm):
    dbsession.merge(world.t1).closes_on = dt.date.today() - dt.timedelta(days=1)
    late = make_link(dbsession, world.iv, world.site_a, world.t1)
    builders.commit(tm)
    error = ApiClient(testapp, world.submit_a).post("/responses", body(late), status=410)
    assert "closed on" in error.json["message"]


def test_a_second_response_for_the_wave_is_409(testapp, world):
    api = ApiClient(testapp, world.submit_a)
    api.post("/responses", body(world.link_a, code="XY99"), status=201)
    error = api.post("/responses", body(world.link_a, code="XY99"), status=409).json
    assert error["error"] == "already_answered"
    assert error["details"][0]["field"] == "participant_code"


def test_a_participant_of_another_site_is_409(testapp, world):
    ApiClient(testapp, world.submit_all).post("/responses", body(world.link_b, code="ZZ11"))
    error = ApiClient(testapp, world.submit_all).post(
        "/responses", body(world.link_a, code="ZZ11"), status=409
    )
    assert error.json["error"] == "participant_at_other_site"


def test_an_unusable_participant_code_is_422_naming_the_field(testapp, world):
    error = (
        ApiClient(testapp, world.submit_a)
        .post("/responses", body(world.link_a, code="!"), status=422)
        .json
    )
    assert error["error"] == "invalid_submission"
    assert error["details"][0]["field"] == "participant_code"


# --- who may submit -------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(testapp, world):
    error = ApiClient(testapp).post("/responses", body(world.link_a), status=401, conforms=False)
    assert error.json["error"] == "unauthenticated"
    assert error.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(testapp, world):
    error = ApiClient(testapp, "evs_unknown").post("/responses", body(world.link_a), status=401)
    assert 'error="invalid_token"' in error.headers["WWW-Authenticate"]


def test_a_revoked_token_is_401(testapp, world, dbsession, tm):
    revoked = make_token(dbsession, world.coordinator, world.iv, revoked_at=utcnow())
    builders.commit(tm)
    ApiClient(testapp, revoked).post("/responses", body(world.link_a), status=401)


def test_an_expired_token_is_401(testapp, world, dbsession, tm):
    expired = make_token(
        dbsession, world.evaluator, world.iv, expires_at=utcnow() - dt.timedelta(minutes=1)
    )
    builders.commit(tm)
    ApiClient(testapp, expired).post("/responses", body(world.link_a), status=401)


def test_a_read_token_cannot_submit(testapp, world, dbsession):
    error = ApiClient(testapp, world.read_all).post("/responses", body(world.link_a), status=403)
    assert error.json["error"] == "forbidden"
    assert dbsession.query(Response).count() == 0


def test_a_token_of_site_a_cannot_submit_for_site_b(testapp, world, dbsession):
    ApiClient(testapp, world.submit_a).post("/responses", body(world.link_b), status=403)
    assert dbsession.query(Response).count() == 0


def test_a_token_stops_working_when_its_user_loses_the_site(testapp, world, dbsession, tm):
    dbsession.query(Membership).filter_by(user_id=world.coordinator.id).delete()
    builders.commit(tm)
    ApiClient(testapp, world.submit_a).post("/responses", body(world.link_a), status=403)


def test_submissions_over_the_rate_limit_get_429_with_retry_after(testapp, world, app):
    settings = app.registry.settings
    settings["evalsys.rate_limit.api.per_address"] = "2"
    try:
        api = ApiClient(testapp, world.submit_a)
        for code in ("RL01", "RL02"):
            api.post("/responses", body(world.link_a, code=code), status=201)
        error = api.post("/responses", body(world.link_a, code="RL03"), status=429)
    finally:
        del settings["evalsys.rate_limit.api.per_address"]
    assert error.json["error"] == "rate_limited"
    assert int(error.headers["Retry-After"]) >= 1
    other_address = {"REMOTE_ADDR": "10.9.8.7"}
    api.post("/responses", body(world.link_a, code="RL04"), status=201, environ=other_address)


# --- reading --------------------------------------------------------------------------------


def submit_some(testapp, world, n_a=3, n_b=2) -> tuple[list[int], list[int]]:
    a = ApiClient(testapp, world.submit_all)
    ids_a = [
        a.post("/responses", body(world.link_a, code=f"A{i:03d}")).json["id"] for i in range(n_a)
    ]
    ids_b = [
        a.post("/responses", body(world.link_b, code=f"B{i:03d}")).json["id"] for i in range(n_b)
    ]
    return ids_a, ids_b


def test_a_site_token_lists_only_its_sites_responses(testapp, world):
    ids_a, ids_b = submit_some(testapp, world)
    listed = ApiClient(testapp, world.read_a).get("/responses").json
    assert [item["id"] for item in listed["items"]] == ids_a
    assert listed["next_cursor"] is None


def test_an_intervention_token_lists_every_site(testapp, world):
    ids_a, ids_b = submit_some(testapp, world)
    listed = ApiClient(testapp, world.read_all).get("/responses").json
    assert [item["id"] for item in listed["items"]] == sorted(ids_a + ids_b)


def test_filters_by_site_and_wave(testapp, world):
    ids_a, ids_b = submit_some(testapp, world)
    api = ApiClient(testapp, world.read_all)
    assert [i["id"] for i in api.get("/responses?site=site-b").json["items"]] == ids_b
    assert api.get("/responses?wave=T1").json["items"] == []
    slug = world.iv.slug
    assert len(api.get(f"/responses?intervention={slug}&wave=T0").json["items"]) == 5
    assert api.get("/responses?intervention=andere").json["items"] == []


def test_pages_follow_the_cursor_without_gaps_or_repeats(testapp, world):
    ids_a, ids_b = submit_some(testapp, world)
    api = ApiClient(testapp, world.read_all)
    seen, query = [], "?limit=2"
    for _ in range(10):
        page = api.get(f"/responses{query}").json
        seen += [item["id"] for item in page["items"]]
        assert len(page["items"]) <= 2
        if page["next_cursor"] is None:
            break
        query = f"?limit=2&cursor={page['next_cursor']}"
    assert seen == sorted(ids_a + ids_b)


def test_a_malformed_limit_is_rejected_naming_the_parameter(testapp, world):
    api = ApiClient(testapp, world.read_all)
    error = api.get("/responses?limit=many", status=422, conforms=False).json
    assert error["details"][0]["field"] == "limit"
    error = api.get("/responses?limit=501", status=422, conforms=False).json
    assert error["details"][0]["code"] == "out_of_range"


def test_a_response_outside_the_scope_is_404_like_a_missing_one(testapp, world):
    ids_a, ids_b = submit_some(testapp, world, n_a=1, n_b=1)
    api = ApiClient(testapp, world.read_a)
    outside = api.get(f"/responses/{ids_b[0]}", status=404).json
    missing = api.get("/responses/999999", status=404).json
    assert outside == missing
    assert api.get(f"/responses/{ids_a[0]}").json["site"] == "site-a"


def test_a_submit_token_cannot_read_responses(testapp, world):
    ids_a, _ = submit_some(testapp, world, n_a=1, n_b=0)
    api = ApiClient(testapp, world.submit_a)
    # docs/api.md: reading needs a read token; a submit token is told so (403), not given []
    assert api.get(f"/responses/{ids_a[0]}", status=403).json["error"] == "forbidden"
    assert api.get("/responses", status=403).json["error"] == "forbidden"


def test_reading_responses_is_audited(testapp, world, dbsession):
    ids_a, _ = submit_some(testapp, world, n_a=1, n_b=0)
    ApiClient(testapp, world.read_a).get(f"/responses/{ids_a[0]}")
    event = dbsession.query(AuditEvent).filter_by(action="participant_data_viewed").one()
    assert event.actor_id == world.coordinator.id and event.target_id == str(ids_a[0])


def test_an_evaluator_session_reads_through_the_api_too(testapp, world, dbsession, tm):
    ids_a, ids_b = submit_some(testapp, world)
    evaluator = worlds.make_user(dbsession, "api-evaluator", "evaluator")
    member(dbsession, evaluator, world.iv)
    builders.commit(tm)
    worlds.sign_in(testapp, evaluator)
    listed = ApiClient(testapp).get("/responses").json
    assert len(listed["items"]) == len(ids_a + ids_b)


def test_an_unknown_api_address_and_method_get_the_json_error_shape(testapp, world):
    api = ApiClient(testapp, world.read_all)
    assert api.get("/bestaat-niet", status=404, documented=False).json["error"] == "not_found"
    wrong = api.call("DELETE", "/responses", status=405, documented=False)
    assert wrong.json["error"] == "method_not_allowed"
    assert wrong.headers["Allow"] == "GET, POST"


def test_a_retried_request_reads_its_body_again(testapp, world, dbsession, monkeypatch):
    """pyramid_retry runs a request again after a retryable error (e.g. a serialization
    failure); the second attempt must see the same JSON body."""
    from pyramid_retry import mark_error_retryable

    from evalsys.api import responses

    real_submit, calls = responses.submit, []

    def flaky_submit(dbsession, submission):
        calls.append(submission.submission_id)
        if len(calls) == 1:
            error = RuntimeError("could not serialize access")
            mark_error_retryable(error)
            raise error
        return real_submit(dbsession, submission)

    monkeypatch.setattr(responses, "submit", flaky_submit)
    sent = body(world.link_a)
    created = ApiClient(testapp, world.submit_a).post("/responses", sent, status=201).json
    assert calls == [sent["submission_id"]] * 2
    assert dbsession.query(Response).filter_by(submission_id=sent["submission_id"]).count() == 1
    assert created["submission_id"] == sent["submission_id"]


@pytest.mark.parametrize("seconds", [2**31, 10**20])
def test_a_duration_beyond_what_the_database_holds_is_422_naming_the_field(
    testapp, world, dbsession, seconds
):
    # Was a 500 on PostgreSQL (integer out of range). 10**20 is beyond 64 bits: the JSON reader
    # makes it a float, which is still a whole number out of range.
    sent = body(world.link_a, duration_seconds=seconds)
    client = ApiClient(testapp, world.submit_a)
    error = client.post("/responses", sent, status=422, conforms=False).json
    assert [(d["field"], d["code"]) for d in error["details"]] == [
        ("duration_seconds", "out_of_range")
    ]
    assert dbsession.query(Response).count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b'{"duration_seconds": NaN}',  # json.loads took NaN and Infinity; JSON has neither
        '{"participant_code": "é"}'.encode("latin-1"),  # JSON text is UTF-8 (RFC 8259)
    ],
)
def test_a_body_that_only_looks_like_json_is_400(testapp, world, raw):
    client = ApiClient(testapp, world.submit_a)
    error = client.post("/responses", raw=raw, status=400, conforms=False)
    assert error.json["error"] == "invalid_json"
    assert error.json["message"].startswith("the body is not valid JSON: ")
