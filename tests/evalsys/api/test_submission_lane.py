"""The fast path of API submissions (evalsys.api.submission_lane) answers as the whole app does.

On PostgreSQL the application's execution policy answers a bearer-token POST /api/v1/responses
itself; everything it does not answer goes the whole way. These tests run two real apps over a
scratch database in autocommit (as a server runs them, not the suite's one rolled-back
connection), and count which of the two ways each request took.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import webtest

from evalsys import main
from evalsys.api.submission_lane import SubmissionLane
from evalsys.settings import apply_environment

from ..collection.test_ratelimit import seed
from .test_api_concurrency import submission


class Apps:
    """A main() app over the scratch database, with the requests that took the whole way."""

    def __init__(self, settings: dict):
        self.app = main({}, **settings)
        self.whole_way: list[str] = []
        policy = self.app.execution_policy
        if isinstance(policy, SubmissionLane):
            inner = policy.policy

            def counted(environ, router):
                self.whole_way.append(environ["PATH_INFO"])
                return inner(environ, router)

            policy.policy = counted
        self.client = webtest.TestApp(
            self.app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.40"}
        )

    def close(self) -> None:
        for name in ("db_engine", "db_direct_engine"):
            if (engine := self.app.registry[name]) is not None:
                engine.dispose()


@pytest.fixture
def lane(scratch_database):
    if sa.make_url(apply_environment(scratch_database)["sqlalchemy.url"]).get_backend_name() != (
        "postgresql"
    ):
        apps = Apps(scratch_database)
        try:
            assert not isinstance(apps.app.execution_policy, SubmissionLane)
        finally:
            apps.close()
        pytest.skip("the fast path runs on PostgreSQL only (checked: not installed on SQLite)")
    token, link = seed(dict(scratch_database))
    apps = Apps(scratch_database)
    yield apps, token, link, scratch_database
    apps.close()


def rows(settings: dict, sql: str, **params) -> list[tuple]:
    engine = sa.create_engine(apply_environment(settings)["sqlalchemy.url"])
    with engine.connect() as connection:
        found = [tuple(r) for r in connection.execute(sa.text(sql), params)]
    engine.dispose()
    return found


def test_a_new_submission_and_its_retry_are_answered_by_the_fast_path(lane):
    apps, token, link, settings = lane
    headers = {"Authorization": f"Bearer {token}"}
    body = submission(link, "LANE01")
    first = apps.client.post_json("/api/v1/responses", body, headers=headers, status=201)
    again = apps.client.post_json("/api/v1/responses", body, headers=headers, status=200)
    assert apps.whole_way == []
    assert first.headers["Location"] == f"http://localhost/api/v1/responses/{first.json['id']}"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in first.headers["Content-Security-Policy"]
    assert again.headers["X-Frame-Options"] == "DENY"
    assert again.json == first.json  # a retry answers with what was stored
    assert first.json["scores"]["brs"]  # scored on the way
    stored = rows(
        settings, "SELECT count(*) FROM responses WHERE submission_id = :s", s=body["submission_id"]
    )
    assert stored == [(1,)]


def test_api_errors_come_from_the_fast_path_in_the_error_shape(lane):
    apps, token, link, _settings = lane
    headers = {"Authorization": f"Bearer {token}"}
    body = submission(link, "LANE02")
    apps.client.post_json("/api/v1/responses", body, headers=headers, status=201)
    changed = {**body, "answers": {**body["answers"], "brs_1": 1 + body["answers"]["brs_1"] % 5}}
    conflict = apps.client.post_json("/api/v1/responses", changed, headers=headers, status=409)
    assert conflict.json["error"] == "submission_conflict"
    invalid = {**submission(link, "LANE03"), "answers": {"brs_1": 99}}
    refused = apps.client.post_json("/api/v1/responses", invalid, headers=headers, status=422)
    assert refused.json["error"] == "invalid_answers"
    assert any(d["field"].startswith("answers.") for d in refused.json["details"])
    unknown = apps.client.post_json(
        "/api/v1/responses", {**submission("no-such-link", "LANE04")}, headers=headers, status=404
    )
    assert unknown.json["error"] == "not_found"
    assert unknown.headers["X-Content-Type-Options"] == "nosniff"
    assert apps.whole_way == []


def test_an_unknown_token_and_a_session_take_the_whole_way(lane):
    apps, _token, link, _settings = lane
    body = submission(link, "LANE05")
    answer = apps.client.post_json(
        "/api/v1/responses", body, headers={"Authorization": "Bearer nope"}, status=401
    )
    assert answer.json["error"] == "unauthenticated"
    apps.client.post_json("/api/v1/responses", body, status=401)  # no token: not the lane's
    apps.client.get("/healthz", status=200)
    assert apps.whole_way == ["/api/v1/responses", "/api/v1/responses", "/healthz"]


def test_with_webhooks_a_submission_takes_the_whole_way(lane):
    """Its response.stored event must commit with the response, in the session's transaction
    (the delivery job takes the event at once, so only the way is checked here; the event
    itself: tests/evalsys/webhooks)."""
    apps, token, link, settings = lane
    engine = sa.create_engine(apply_environment(settings)["sqlalchemy.url"])
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE interventions SET webhooks = true"))
    engine.dispose()
    body = submission(link, "LANE06")
    headers = {"Authorization": f"Bearer {token}"}
    created = apps.client.post_json("/api/v1/responses", body, headers=headers, status=201)
    assert apps.whole_way == ["/api/v1/responses"]  # the session's transaction is needed
    stored = rows(
        settings, "SELECT id FROM responses WHERE submission_id = :s", s=body["submission_id"]
    )
    assert stored == [(created.json["id"],)]


def test_a_rate_limited_submission_is_counted_once(lane):
    apps, token, link, settings = lane
    apps.close()
    apps = Apps({**settings, "evalsys.rate_limit.api.per_address": "2"})
    try:
        headers = {"Authorization": f"Bearer {token}"}
        statuses = [
            apps.client.post_json(
                "/api/v1/responses", submission(link, f"LANE1{n}"), headers=headers, status="*"
            ).status_int
            for n in range(3)
        ]
        assert statuses == [201, 201, 429]
        assert [r[2] for r in rows(settings, "SELECT * FROM rate_limits")] == [3]
        assert apps.whole_way == []
    finally:
        apps.close()


def test_a_lost_connection_is_answered_the_whole_way_on_a_new_one(lane):
    """Every connection of the autocommit pool is killed: the fast path's statement fails,
    the whole application runs the request again (pyramid_retry) and stores it once."""
    apps, token, link, settings = lane
    headers = {"Authorization": f"Bearer {token}"}
    apps.client.post_json(
        "/api/v1/responses", submission(link, "LANE20"), headers=headers, status=201
    )
    killer = sa.create_engine(apply_environment(settings)["sqlalchemy.url"])
    with killer.connect() as connection:
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    killer.dispose()
    body = submission(link, "LANE21")
    apps.client.post_json("/api/v1/responses", body, headers=headers, status=201)
    assert apps.whole_way == ["/api/v1/responses"]
    stored = rows(
        settings, "SELECT count(*) FROM responses WHERE submission_id = :s", s=body["submission_id"]
    )
    assert stored == [(1,)]
