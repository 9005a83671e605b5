"""submitted_at in POST /api/v1/responses: when answered offline, apart from when it arrived."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from evalsys.collection import ratelimit
from evalsys.collection.models import Response
from evalsys.followup.due_list import due_rows

from .. import builders
from ..api_client import ApiClient, make_link, make_token, member
from ..builders import BRS_ANSWERS


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


class World:
    def __init__(self, dbsession):
        self.iv = builders.intervention(dbsession)
        self.site = self.iv.sites[0]
        self.t0, self.t1 = self.iv.waves
        self.link = make_link(dbsession, self.iv, self.site, self.t0)
        coordinator = builders.user(dbsession, role="coordinator")
        member(dbsession, coordinator, self.iv, self.site)
        self.token = make_token(dbsession, coordinator, self.iv, site=self.site)


@pytest.fixture
def world(dbsession, tm):
    made = World(dbsession)
    builders.commit(tm)
    return made


def body(link, code="OFF1", **extra) -> dict:
    return {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": code,
        "language": "nl",
        "answers": dict(BRS_ANSWERS),
        **extra,
    }


def rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    local = dt.timezone(dt.timedelta(hours=1))
    return dt.datetime.combine(dt.date.today() - dt.timedelta(days=days), dt.time(hour), local)


def test_submitted_at_is_kept_and_received_at_is_when_it_arrived(testapp, world, dbsession):
    answered = days_ago(3)
    before = dt.datetime.now(dt.UTC)
    sent = body(world.link, submitted_at=rfc3339(answered))
    created = ApiClient(testapp, world.token).post("/responses", sent, status=201).json
    after = dt.datetime.now(dt.UTC)
    assert dt.datetime.fromisoformat(created["submitted_at"]) == answered
    received = dt.datetime.fromisoformat(created["received_at"])
    assert before - dt.timedelta(seconds=1) <= received <= after + dt.timedelta(seconds=1)
    row = dbsession.get(Response, created["id"])
    assert row.submitted_at == answered and row.received_at == received


def test_without_submitted_at_both_are_the_arrival(testapp, world):
    created = ApiClient(testapp, world.token).post("/responses", body(world.link)).json
    assert created["submitted_at"] == created["received_at"]


def test_a_retry_answers_with_the_stored_times(testapp, world):
    api = ApiClient(testapp, world.token)
    sent = body(world.link, submitted_at=rfc3339(days_ago(1)))
    first = api.post("/responses", sent, status=201).json
    again = api.post("/responses", sent, status=200).json
    assert (again["submitted_at"], again["received_at"]) == (
        first["submitted_at"],
        first["received_at"],
    )


@pytest.mark.parametrize(
    "text",
    ["2027-01-12T10:15:00", "2027-01-12", "12-01-2027 10:15", "2027-02-30T10:15:00+01:00", "nu"],
)
def test_a_submitted_at_without_offset_or_not_a_time_is_422_naming_the_field(testapp, world, text):
    error = (
        ApiClient(testapp, world.token)
        .post("/responses", body(world.link, submitted_at=text), status=422, conforms=False)
        .json
    )
    assert error["error"] == "validation_failed"
    assert error["details"][0]["field"] == "submitted_at"
    assert error["details"][0]["code"] == "invalid_format"


def test_a_submitted_at_with_a_utc_z_and_fraction_is_read(testapp, world):
    answered = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).replace(microsecond=123456)
    text = answered.strftime("%Y-%m-%dT%H:%M:%S.%f") + "789Z"
    created = (
        ApiClient(testapp, world.token)
        .post("/responses", body(world.link, submitted_at=text), status=201)
        .json
    )
    assert dt.datetime.fromisoformat(created["submitted_at"]) == answered


def test_a_submitted_at_in_the_future_is_422(testapp, world, dbsession):
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)
    error = (
        ApiClient(testapp, world.token)
        .post("/responses", body(world.link, submitted_at=rfc3339(ahead)), status=422)
        .json
    )
    assert error["details"][0] == {
        "field": "submitted_at",
        "code": "out_of_range",
        "message": "submitted_at is in the future; check the device's clock and date",
    }
    assert dbsession.query(Response).count() == 0


def test_a_clock_a_minute_fast_is_accepted(testapp, world):
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    ApiClient(testapp, world.token).post(
        "/responses", body(world.link, submitted_at=rfc3339(ahead)), status=201
    )


def test_submitted_at_long_before_the_wave_opened_is_422(testapp, world, dbsession, tm):
    dbsession.merge(world.t1).opens_on = dt.date.today() - dt.timedelta(days=10)
    link = make_link(dbsession, world.iv, world.site, world.t1)
    builders.commit(tm)
    api = ApiClient(testapp, world.token)
    error = api.post("/responses", body(link, submitted_at=rfc3339(days_ago(12))), status=422)
    assert error.json["details"][0]["field"] == "submitted_at"
    assert "before wave T1 opened" in error.json["message"]
    # Within the tolerance (a day by default): a device clock a few hours slow.
    api.post("/responses", body(link, submitted_at=rfc3339(days_ago(11, hour=12))), status=201)


def test_answered_while_open_is_accepted_after_the_wave_closed(testapp, world, dbsession, tm):
    wave = dbsession.merge(world.t1)
    wave.opens_on = dt.date.today() - dt.timedelta(days=30)
    wave.closes_on = dt.date.today() - dt.timedelta(days=5)
    link = make_link(dbsession, world.iv, world.site, world.t1)
    builders.commit(tm)
    api = ApiClient(testapp, world.token)
    api.post("/responses", body(link, submitted_at=rfc3339(days_ago(6))), status=201)
    # Answered after it closed, or arriving without submitted_at: the window is shut.
    late = api.post("/responses", body(link, "OFF2", submitted_at=rfc3339(days_ago(4))), 410)
    assert late.json["error"] == "link_closed"
    assert late.json["details"][0]["field"] == "link"
    now = api.post("/responses", body(link, "OFF3"), status=410)
    assert "closed on" in now.json["message"]


def test_answered_while_open_is_refused_after_the_grace_period(testapp, world, dbsession, tm):
    wave = dbsession.merge(world.t1)
    wave.opens_on = dt.date.today() - dt.timedelta(days=60)
    wave.closes_on = dt.date.today() - dt.timedelta(days=20)  # the default grace is 14 days
    link = make_link(dbsession, world.iv, world.site, world.t1)
    builders.commit(tm)
    error = ApiClient(testapp, world.token).post(
        "/responses", body(link, submitted_at=rfc3339(days_ago(25))), status=410
    )
    last = (wave.closes_on + dt.timedelta(days=14)).isoformat()
    assert f"accepted until {last}" in error.json["message"]


def test_answered_before_a_wave_that_has_not_opened_yet_is_410(testapp, world, dbsession, tm):
    dbsession.merge(world.t1).opens_on = dt.date.today() + dt.timedelta(days=3)
    link = make_link(dbsession, world.iv, world.site, world.t1)
    builders.commit(tm)
    error = ApiClient(testapp, world.token).post(
        "/responses", body(link, submitted_at=rfc3339(days_ago(0, hour=0))), status=410
    )
    assert "opens on" in error.json["message"]


def test_an_offline_answer_counts_on_its_answered_date_in_the_due_list(
    testapp, world, dbsession, tm
):
    # T1 opens 56 to 84 days after each participant's T0. Answered 65 days ago (arrived
    # today): T1 is open now. Counted on the day it arrived, T1 would open in 56 days.
    wave = dbsession.merge(world.t1)
    wave.opens_after_days, wave.closes_after_days = 56, 84
    builders.commit(tm)
    ApiClient(testapp, world.token).post(
        "/responses", body(world.link, "LATE1", submitted_at=rfc3339(days_ago(65))), status=201
    )
    ApiClient(testapp, world.token).post("/responses", body(world.link, "NOW1"), status=201)
    rows = {r.code: r for r in due_rows(dbsession, dbsession.merge(world.iv))}
    assert rows["LATE1"].status == "open"
    assert rows["LATE1"].last_answered_on == days_ago(65).date()
    assert rows["NOW1"].status == "later"


def test_a_correction_keeps_when_answered_and_arrives_now(testapp, world):
    api = ApiClient(testapp, world.token)
    answered = days_ago(2)
    first = api.post("/responses", body(world.link, submitted_at=rfc3339(answered))).json
    corrected = api.post(
        f"/responses/{first['id']}/corrections",
        {"answers": {**BRS_ANSWERS, "brs_1": 5}, "reason": "typing_error"},
        status=201,
    ).json
    assert dt.datetime.fromisoformat(corrected["submitted_at"]) == answered
    received = dt.datetime.fromisoformat
    assert received(corrected["received_at"]) > received(first["received_at"])
