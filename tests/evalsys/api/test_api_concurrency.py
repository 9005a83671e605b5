"""Two copies of one submission arriving at the same moment at a real server make one row."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
from webtest.http import StopableWSGIServer

from evalsys import demo, main
from evalsys.accounts.models import User
from evalsys.accounts.tokens import create_token, find_token
from evalsys.api.responses import _Ref
from evalsys.collection.models import SurveyLink
from evalsys.collection.submissions import Submission, submit
from evalsys.db import get_engine, schema
from evalsys.db.transactions import get_session_factory
from evalsys.settings import apply_environment

from ..builders import BRS_ANSWERS

GSE_ANSWERS = {f"gse_{n}": 3 for n in range(1, 11)}


def seed(settings: dict) -> tuple[str, str]:
    """Migrate and seed a fresh database; returns (submit token, survey link of the site)."""
    engine = get_engine(apply_environment(settings))
    schema.upgrade(engine, apply_environment(settings))
    session = get_session_factory(engine)()
    with session.begin():
        intervention, _ = demo.seed(session)
        coordinator = session.query(User).filter_by(username="coordinator").one()
        site = next(s for s in intervention.sites if s.slug == "rotterdam-zuid")
        _, token = create_token(
            session,
            coordinator,
            name="concurrency",
            permission="submit",
            intervention=intervention,
            site=site,
        )
        link = (
            session.query(SurveyLink)
            .filter_by(site_id=site.id, wave_id=intervention.waves[0].id, group_name="intervention")
            .one()
        )
        link_token = link.token
    session.close()
    engine.dispose()
    return token, link_token


def post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def send_at_once(settings: dict, token: str, bodies: list[dict]) -> list[int]:
    """Serve the app with waitress and POST the bodies from as many threads at one moment."""
    app = main({}, **settings)
    # webtest's waitress server in a thread, which shuts down without a select() on a closed
    # socket in its thread (waitress's own close() from another thread left one now and then).
    server = StopableWSGIServer.create(app, host="127.0.0.1", threads=4)
    server.wait()
    try:
        url = f"{server.application_url}api/v1/responses"
        start = threading.Barrier(len(bodies))
        statuses: list[int] = []

        def send(body: dict) -> None:
            start.wait()
            statuses.append(post(url, token, body))

        senders = [threading.Thread(target=send, args=(body,)) for body in bodies]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
        return sorted(statuses)
    finally:
        server.shutdown()
        server.runner.join(timeout=10)
        for engine in (app.registry["db_engine"], app.registry["db_direct_engine"]):
            if engine is not None:
                engine.dispose()


def submission(link: str, code: str) -> dict:
    return {
        "submission_id": str(uuid.uuid4()),
        "link": link,
        "participant_code": code,
        "language": "nl",
        "answers": {**BRS_ANSWERS, **GSE_ANSWERS},
    }


def count(settings: dict, sql: str, **params) -> int:
    engine = sa.create_engine(apply_environment(settings)["sqlalchemy.url"])
    with engine.connect() as connection:
        value = connection.execute(sa.text(sql), params).scalar()
    engine.dispose()
    return value


def test_two_simultaneous_copies_of_a_submission_store_one_row(scratch_database):
    settings = dict(scratch_database)
    token, link = seed(settings)
    body = submission(link, "RACE01")
    assert send_at_once(settings, token, [body, body]) == [200, 201]
    stored = "SELECT count(*) FROM responses WHERE submission_id = :sid"
    assert count(settings, stored, sid=body["submission_id"]) == 1


def test_two_simultaneous_answers_of_one_participant_to_one_wave_store_one(scratch_database):
    """Different submission ids, same participant and wave: the partial unique index lets one
    in, the other is told "already answered" (409), and no participant row is duplicated."""
    settings = dict(scratch_database)
    token, link = seed(settings)
    bodies = [submission(link, "TWICE01"), submission(link, "TWICE01")]
    assert send_at_once(settings, token, bodies) == [201, 409]
    stored = (
        "SELECT count(*) FROM responses JOIN participants"
        " ON participants.id = responses.participant_id WHERE code = 'TWICE01'"
    )
    assert count(settings, stored) == 1
    assert count(settings, "SELECT count(*) FROM participants WHERE code = 'TWICE01'") == 1


def test_a_token_in_use_by_an_open_transaction_does_not_hold_up_another_request(
    scratch_database,
):
    """last_used_at is written by one request; the others skip the locked row instead of
    queueing behind it (SKIP LOCKED). SQLite writes one transaction at a time, so the
    question only arises on PostgreSQL."""
    settings = apply_environment(dict(scratch_database))
    if not settings["sqlalchemy.url"].startswith("postgresql"):
        pytest.skip("row locks exist on PostgreSQL only; SQLite serialises all writers")
    token, _ = seed(dict(scratch_database))
    engine = get_engine(settings)
    factory = get_session_factory(engine)
    first, second = factory(), factory()
    try:
        assert find_token(first, token) is not None  # touches and keeps the row locked
        second.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        grant = find_token(second, token)  # would wait for `first` without SKIP LOCKED
        assert grant is not None and grant.user.role == "coordinator"
    finally:
        first.rollback()
        second.rollback()
        first.close()
        second.close()
        engine.dispose()


def test_a_code_registered_while_a_submission_is_stored_is_found_on_a_second_look(
    scratch_database,
):
    """The one statement that stores a submission cannot see a participant that another
    submission made while it ran (its snapshot is older): it returns no row, and submit()
    looks once more instead of refusing the submission."""
    settings = apply_environment(dict(scratch_database))
    if not settings["sqlalchemy.url"].startswith("postgresql"):
        pytest.skip("SQLite stores a submission in several statements of one transaction")
    _, link = seed(dict(scratch_database))
    engine, direct = get_engine(settings), get_engine(settings, autocommit=True)
    facts = "SELECT intervention_id, site_id, wave_id FROM survey_links WHERE token = :link"
    with engine.connect() as connection:
        row = connection.execute(sa.text(facts), {"link": link}).one()
    intervention_id, site_id, wave_id = row
    other = engine.connect()
    made_meanwhile = other.begin()
    participant_id = other.execute(
        sa.text(
            "INSERT INTO participants (intervention_id, site_id, code, group_name, created_at)"
            " VALUES (:i, :s, 'RACE02', 'intervention', now()) RETURNING id"
        ),
        {"i": intervention_id, "s": site_id},
    ).scalar()
    outcome = {}

    def store() -> None:
        with direct.connect() as connection:
            try:
                outcome["stored"] = submit(
                    connection,
                    Submission(
                        submission_id=str(uuid.uuid4()),
                        intervention=_Ref(intervention_id),
                        site=_Ref(site_id),
                        wave=_Ref(wave_id, "T0"),
                        participant_code="RACE02",
                        answers={**BRS_ANSWERS, **GSE_ANSWERS},
                        mode="api",
                    ),
                )
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = error

    storing = threading.Thread(target=store)
    storing.start()
    try:
        _wait_for_a_lock_wait(engine, storing)  # it waits on the new code's unique entry
        assert storing.is_alive(), f"stored without waiting for the other: {outcome}"
        made_meanwhile.commit()
        storing.join(timeout=30)
    finally:
        other.close()
    try:
        assert "error" not in outcome, outcome.get("error")
        stored = outcome["stored"]
        assert stored.created and stored.response.participant_id == participant_id
        assert count(settings, "SELECT count(*) FROM participants WHERE code = 'RACE02'") == 1
    finally:
        engine.dispose()
        direct.dispose()


def _wait_for_a_lock_wait(engine, thread: threading.Thread, seconds: float = 20) -> None:
    waiting = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + seconds
    # In autocommit: a transaction would read pg_stat_activity once and keep that snapshot.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        while thread.is_alive() and connection.execute(sa.text(waiting)).scalar() == 0:
            assert time.monotonic() < deadline, "the submission never waited for the other"
            time.sleep(0.02)
