"""A pooled connection that the database dropped (a restart, an idle timeout) costs no request.

The pool does not ping a connection before each use (that is a round trip per request). A
request that finds its connection dead runs again on a new one (pyramid_retry, three attempts),
and the pool replaces every connection made before it, so the retry does not find another dead
one. PostgreSQL only: an SQLite file has no server that drops connections.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import webtest
from pyramid.paster import get_app

from bench.bench_submissions import prepare
from bench.profile_submissions import submission

POOLED = 5  # more dead connections than a request has attempts


@pytest.fixture
def served(scratch_database, tmp_path):
    url = scratch_database["sqlalchemy.url"]
    if url.startswith("sqlite"):
        pytest.skip("SQLite has no server that can drop a connection")
    ini, token, link = prepare(url, tmp_path)
    app = get_app(str(ini), "main")
    yield webtest.TestApp(app), token, link, url
    for engine in ("db_engine", "db_direct_engine"):
        app.registry[engine].dispose()


def _fill_the_pools(testapp) -> None:
    """Pooled connections in both pools: the session's, and the autocommit one (API tokens and
    submissions)."""
    for engine in ("db_engine", "db_direct_engine"):
        connections = [testapp.app.registry[engine].connect() for _ in range(POOLED)]
        for connection in connections:
            connection.exec_driver_sql("SELECT 1")
            connection.close()


def _drop_every_connection(url: str) -> int:
    """What a database restart does to the app's pooled connections."""
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        dropped = connection.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    admin.dispose()
    return dropped


def _stored(url: str) -> int:
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM responses")).scalar()
    admin.dispose()
    return count


def test_a_submission_after_the_database_dropped_every_connection_is_stored(served):
    testapp, token, link, url = served
    auth = {"Authorization": f"Bearer {token}"}
    testapp.post_json("/api/v1/responses", submission(link, 1), headers=auth, status=201)
    before = _stored(url)
    _fill_the_pools(testapp)
    assert _drop_every_connection(url) >= 2 * POOLED

    body = submission(link, 2)
    created = testapp.post_json("/api/v1/responses", body, headers=auth, status=201)
    again = testapp.post_json("/api/v1/responses", body, headers=auth, status=200)
    assert again.json["id"] == created.json["id"]
    assert _stored(url) == before + 1


def test_a_survey_page_after_the_database_dropped_every_connection_is_served(served):
    testapp, _token, link, url = served
    testapp.get(f"/s/{link}", status=200)
    _fill_the_pools(testapp)
    assert _drop_every_connection(url) >= 2 * POOLED
    page = testapp.get(f"/s/{link}", status=200)
    assert "Traceback" not in page.text
