"""`evalsys worker` on PostgreSQL: procrastinate's queue, a real worker process, and one killed
half-way through an import (all or nothing, and each row once when the job runs again)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import webtest

from evalsys import main
from evalsys.accounts.models import Membership
from evalsys.collection.models import Response
from evalsys.db import get_engine, schema
from evalsys.jobs.models import Job
from evalsys.settings import apply_environment

from .. import builders
from ..import_fixtures import PASSWORD, password_hash
from ..web_session import csrf_token, login
from .imports_data import csv_file, row

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def queue_database(scratch_database, tmp_path):
    url = sa.make_url(apply_environment(scratch_database)["sqlalchemy.url"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("procrastinate's queue lives in PostgreSQL; SQLite runs jobs in a thread")
    settings = {
        **scratch_database,
        "evalsys.jobs": "procrastinate",
        "evalsys.work_dir": str(tmp_path / "work"),
        "evalsys.imports.background_above_kb": "0",
        "evalsys.jobs.stalled_seconds": "1",
    }
    engine = get_engine(apply_environment(settings))
    schema.upgrade(engine, apply_environment(settings))
    engine.dispose()
    config = tmp_path / "worker.ini"
    text = (ROOT / "testing.ini").read_text()
    text = text.replace("evalsys.jobs = inline", "evalsys.jobs = procrastinate")
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/var/testing.sqlite",
        f"sqlalchemy.url = {settings['sqlalchemy.url']}\n"
        f"evalsys.work_dir = {settings['evalsys.work_dir']}\n"
        "evalsys.jobs.stalled_seconds = 1\n",
    )
    text = text.replace("evalsys.session_secret_file = %(here)s/var/session.secret", "")
    config.write_text(text)
    app = main({}, **settings)
    yield app, str(config)
    app.registry["db_engine"].dispose()


def coordinator_site(app):
    """An intervention with a site and its coordinator "coco"; the site's import URL."""
    import transaction

    from evalsys.accounts.models import User
    from evalsys.db.transactions import get_tm_session

    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    session = get_tm_session(app.registry["dbsession_factory"], tm)
    iv = builders.intervention(session, instruments=(("brs", None), ("gse", None)))
    user = User(username="coco", role="coordinator", password_hash=password_hash())
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    base = f"/i/{iv.slug}/sites/{iv.sites[0].slug}"
    iv_id = iv.id
    tm.commit()
    return base, iv_id


def upload(app, base: str, body: bytes) -> int:
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, "coco", PASSWORD)
    page = browser.get(f"{base}/import")
    started = browser.post(
        f"{base}/import",
        {"csrf_token": csrf_token(page)},
        upload_files=[("file", "antwoorden.csv", body)],
        status=303,
    )
    assert "Wacht op de start" in browser.get(started.location).text  # queued for a worker
    return int(started.location.rsplit("/", 1)[1])


def worker(config: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "EVALSYS_SESSION_SECRET": "x" * 40}
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from evalsys.cli import main; sys.exit(main())"]
        + ["worker", config, *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def job_row(app, job_id: int) -> Job:
    session = app.registry["dbsession_factory"]()
    try:
        return session.get(Job, job_id)
    finally:
        session.close()


def stored(app, intervention_id: int) -> tuple[int, int]:
    """(responses, distinct submission ids) of the intervention."""
    with app.registry["db_engine"].connect() as connection:
        return connection.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(Response.submission_id))).where(
                Response.intervention_id == intervention_id
            )
        ).one()


def test_a_worker_process_runs_the_queued_import(queue_database):
    app, config = queue_database
    base, iv_id = coordinator_site(app)
    job_id = upload(app, base, csv_file([row("A001"), row("A002")]))
    assert job_row(app, job_id).state == "queued"
    done = worker(config, "--until-empty")
    output, _ = done.communicate(timeout=120)
    assert done.returncode == 0, output
    job = job_row(app, job_id)
    assert (job.state, job.summary["stored"]) == ("done", 2), (job.error, output)
    assert stored(app, iv_id) == (2, 2)


def test_a_worker_killed_half_way_stores_nothing_and_the_next_one_stores_each_row_once(
    queue_database,
):
    app, config = queue_database
    base, iv_id = coordinator_site(app)
    rows = 30_000
    job_id = upload(app, base, csv_file([row(f"P{i:05d}") for i in range(rows)]))
    first = worker(config)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = job_row(app, job_id)
            if job.state == "running" and job.done > rows:  # checked all; storing has begun
                break
            assert job.state in ("queued", "running"), job.error
            time.sleep(0.05)
        else:
            raise AssertionError("the job never got to storing")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert stored(app, iv_id) == (0, 0)  # killed in its transaction: nothing of it stayed
    assert job_row(app, job_id).state == "running"  # nobody told the job it ended
    time.sleep(2)  # past evalsys.jobs.stalled_seconds without a heartbeat
    second = worker(config, "--until-empty")
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    job = job_row(app, job_id)
    assert (job.state, job.attempts, job.summary["stored"]) == ("done", 2, rows), output
    assert stored(app, iv_id) == (rows, rows)
