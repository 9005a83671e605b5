"""Rate limits are counted in the database: one limit for every worker and machine."""

from __future__ import annotations

import sqlalchemy as sa
import webtest

from evalsys import main
from evalsys.accounts.tokens import create_token
from evalsys.collection import ratelimit
from evalsys.collection.links import ensure_links
from evalsys.collection.ratelimit import BATCH_SHARE, WINDOW_SECONDS, LocalCounts, hit, rate_limits
from evalsys.db import get_engine, schema
from evalsys.db.transactions import get_session_factory
from evalsys.settings import apply_environment

from .. import builders
from ..api.test_api_concurrency import submission

START = 1_800_000_000  # a whole minute since the epoch (30,000,000 x 60)


def stored(dbsession) -> list[tuple]:
    rows = dbsession.execute(sa.select(rate_limits).order_by(rate_limits.c.window_start))
    return [tuple(r) for r in rows]


def test_the_hit_over_the_limit_waits_for_the_end_of_the_window(dbsession):
    key = ("api.address", "192.0.2.7")
    assert [hit(dbsession, key, 3, now=START + 10) for _ in range(3)] == [0, 0, 0]
    assert hit(dbsession, key, 3, now=START + 10.5) == 50  # ceil(60 - 10.5)
    assert hit(dbsession, key, 3, now=START + 59.9) == 1  # never 0 while refused
    assert hit(dbsession, ("api.address", "192.0.2.8"), 3, now=START + 20) == 0  # another client
    assert hit(dbsession, key, 3, now=START + WINDOW_SECONDS) == 0  # a new window


def test_a_new_window_deletes_the_ones_before_the_last_and_stores_no_address(dbsession):
    hit(dbsession, ("survey.address", "192.0.2.7"), 5, now=START)
    hit(dbsession, ("survey.address", "192.0.2.7"), 5, now=START + 1)
    assert [(r[1], r[2]) for r in stored(dbsession)] == [(START, 2)]
    hit(dbsession, ("survey.address", "192.0.2.8"), 5, now=START + WINDOW_SECONDS)
    # the window before stays (a server whose clock is behind may still count in it)
    assert [(r[1], r[2]) for r in stored(dbsession)] == [(START, 2), (START + WINDOW_SECONDS, 1)]
    hit(dbsession, ("survey.link", "secret-link-token"), 5, now=START + 2 * WINDOW_SECONDS)
    rows = stored(dbsession)
    assert [(r[1], r[2]) for r in rows] == [
        (START + WINDOW_SECONDS, 1),
        (START + 2 * WINDOW_SECONDS, 1),
    ]
    assert "secret-link-token" not in rows[1][0] and rows[1][0].startswith("survey.link:")
    assert all("192.0.2.7" not in r[0] for r in rows)


def test_a_generous_limit_is_counted_in_batches_and_singly_near_the_limit(dbsession):
    """Limit 10 x 64: batches of 10 hits a row update; within a batch of the limit, every hit."""
    allowed, local = 10 * BATCH_SHARE, LocalCounts()
    key = ("api.address", "192.0.2.20")
    assert [hit(dbsession, key, allowed, START, local) for _ in range(9)] == [0] * 9
    assert stored(dbsession) == []  # nine hits, kept by this process
    assert hit(dbsession, key, allowed, START, local) == 0
    assert [r[2] for r in stored(dbsession)] == [10]
    for _ in range(allowed - 20):
        assert hit(dbsession, key, allowed, START, local) == 0
    assert [r[2] for r in stored(dbsession)] == [allowed - 10]
    hit(dbsession, key, allowed, START, local)
    assert [r[2] for r in stored(dbsession)] == [allowed - 9]  # one batch away: singly
    waits = [hit(dbsession, key, allowed, START + 30, local) for _ in range(10)]
    assert waits == [0] * 9 + [30]
    assert [r[2] for r in stored(dbsession)] == [allowed + 1]


def test_processes_counting_in_batches_let_at_most_a_batch_each_past_the_limit(dbsession):
    """Three processes (three LocalCounts over one table) taking turns: the first refusal
    comes before the limit plus one batch per process."""
    allowed, batch = 20 * BATCH_SHARE, 20
    processes = [LocalCounts() for _ in range(3)]
    key = ("api.address", "192.0.2.21")
    admitted = 0
    for n in range(2 * allowed):
        if hit(dbsession, key, allowed, START, processes[n % 3]):
            break
        admitted += 1
    assert allowed - batch <= admitted <= allowed + 3 * batch


def test_a_small_limit_is_counted_hit_by_hit_even_with_local_counts(dbsession):
    key, local = ("api.address", "192.0.2.22"), LocalCounts()
    assert [hit(dbsession, key, 120, START, local) for _ in range(3)] == [0, 0, 0]
    assert [r[2] for r in stored(dbsession)] == [3]


def seed(settings: dict) -> tuple[str, str]:
    """Migrate a fresh database and give it an intervention; (submit token, T0 link of site A)."""
    settings = apply_environment(settings)
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    session = get_session_factory(engine)()
    with session.begin():
        intervention = builders.intervention(session, instruments=(("brs", None), ("gse", None)))
        admin = builders.user(session, "ratelimit-admin")
        site = intervention.sites[0]
        _, token = create_token(
            session, admin, name="rl", permission="submit", intervention=intervention, site=site
        )
        link = next(
            k.token
            for k in ensure_links(session, intervention)
            if k.site_id == site.id and k.wave_id == intervention.waves[0].id
        )
    session.close()
    engine.dispose()
    return token, link


def test_two_app_instances_over_one_database_share_the_limit(scratch_database):
    """Two main() apps stand for two workers (or machines): three submissions through the
    first and one through the second use up a limit of 4; the fifth, through either, is 429."""
    settings = {**scratch_database, "evalsys.rate_limit.api.per_address": "4"}
    token, link = seed(dict(scratch_database))
    apps = [main({}, **settings), main({}, **settings)]
    clients = [
        webtest.TestApp(a, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.9"})
        for a in apps
    ]
    headers = {"Authorization": f"Bearer {token}"}
    try:
        statuses = []
        for n, client in enumerate([0, 0, 0, 1, 1, 0]):
            answer = clients[client].post_json(
                "/api/v1/responses", submission(link, f"SHARE{n:02d}"), headers=headers, status="*"
            )
            statuses.append(answer.status_int)
            if answer.status_int == 429:
                assert 1 <= int(answer.headers["Retry-After"]) <= WINDOW_SECONDS
                assert answer.json["error"] == "rate_limited"
        assert statuses == [201, 201, 201, 201, 429, 429]
        other = webtest.TestApp(
            apps[1], extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.10"}
        )
        other.post_json(
            "/api/v1/responses", submission(link, "SHARE99"), headers=headers, status=201
        )
    finally:
        for a in apps:
            for engine in (a.registry["db_engine"], a.registry["db_direct_engine"]):
                if engine is not None:
                    engine.dispose()


def test_reset_is_harmless():
    assert ratelimit.reset() is None
