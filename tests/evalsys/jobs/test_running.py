"""Running jobs: once, to an end in words, cancelled mid-run, results that expire, the thread."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import webtest

from evalsys import audit, main
from evalsys.audit.models import AuditEvent
from evalsys.db import get_engine, schema
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.jobs import live
from evalsys.jobs import run as job_run
from evalsys.jobs.models import Job
from evalsys.jobs.results import delete_expired, result_file
from evalsys.jobs.run import JobFailed, run_job
from evalsys.jobs.tasks import task
from evalsys.settings import apply_environment

from ..world import make_user, sign_in, tm_session

RUNS: list[int] = []
FILES: dict[int, object] = {}  # job id -> the file its last run wrote


@task("test_counting", writes=True)
def counting(run, dbsession, job) -> dict:
    """Counts to ``params["to"]``, writing an audit event first, and leaves a file."""
    RUNS.append(job.id)
    audit.record(dbsession, "export", target_type="test", target_id=job.id)
    run.set_total(job.params["to"])
    for i in range(1, job.params["to"] + 1):
        run.progress(i)
        time.sleep(job.params.get("pause", 0))
    path = run.result_path(".txt")
    path.write_text("result")
    FILES[job.id] = path
    run.attach(path, "result.txt", "text/plain")
    if job.params.get("fail") == "words":
        raise JobFailed(_("The file has column names but no rows with answers."))
    if job.params.get("fail") == "bug":
        raise RuntimeError("a bug")
    return {"counted": job.params["to"]}


def new_job(dbsession, tm, **params) -> int:
    job = Job(kind="test_counting", params={"language": "nl", **params})
    dbsession.add(job)
    dbsession.flush()
    job_id = job.id
    tm.commit()
    tm.begin()
    return job_id


@pytest.fixture
def runtime(app):
    return app.registry["evalsys.jobs.runtime"]


def test_a_job_runs_once_and_keeps_its_result_a_day(runtime, dbsession, tm):
    job_id = new_job(dbsession, tm, to=3)
    assert run_job(runtime, job_id) == "done"
    assert run_job(runtime, job_id) == "done"  # sent twice (a retry): it does not run again
    assert RUNS.count(job_id) == 1
    job = dbsession.get(Job, job_id)
    assert (job.state, job.done, job.total, job.summary) == ("done", 3, 3, {"counted": 3})
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)
    assert result_file(runtime.settings, job).read_text() == "result"
    assert delete_expired(dbsession, runtime.settings, now=utcnow()) == 0
    later = job.finished_at + dt.timedelta(hours=24, seconds=1)
    assert delete_expired(dbsession, runtime.settings, now=later) == 1
    assert job.result_file is None


@pytest.mark.parametrize(
    ("fail", "words"),
    [
        ("words", "Het bestand heeft kolomnamen, maar geen rijen met antwoorden."),
        ("bug", "De taak is gestopt door een onverwachte fout."),
    ],
)
def test_a_failed_job_stores_nothing_and_says_why_in_the_users_language(
    runtime, dbsession, tm, fail, words
):
    job_id = new_job(dbsession, tm, to=2, fail=fail)
    assert run_job(runtime, job_id) == "failed"
    job = dbsession.get(Job, job_id)
    assert job.error.startswith(words)
    assert job.result_file is None  # its half-made file is deleted
    assert not FILES[job_id].exists()
    events = dbsession.query(AuditEvent).filter_by(target_type="test", target_id=str(job_id))
    assert events.count() == 0  # the work's writes were rolled back


@pytest.fixture
def thread_app(scratch_database, tmp_path):
    """An app on a database of its own whose jobs run in its worker thread (as `make run`)."""
    settings = {**scratch_database, "evalsys.jobs": "thread", "evalsys.work_dir": str(tmp_path)}
    engine = get_engine(apply_environment(settings))
    schema.upgrade(engine, apply_environment(settings))
    engine.dispose()
    app = main({}, **settings)
    yield app
    app.registry["evalsys.jobs"].stop()
    app.registry["db_engine"].dispose()


def wait_for(condition, seconds: float = 20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if value := condition():
            return value
        time.sleep(0.02)
    raise AssertionError("waited in vain")


def test_the_thread_runs_jobs_and_a_user_stops_one_half_way(thread_app, monkeypatch):
    monkeypatch.setattr(job_run, "PROGRESS_SECONDS", 0)
    tm, session = tm_session(thread_app)
    user = make_user(session, "evaluator-thread", "evaluator")
    job = Job(kind="test_counting", user_id=user.id, params={"to": 2000, "pause": 0.005})
    quick = Job(kind="test_counting", user_id=user.id, params={"to": 2})
    session.add_all([job, quick])
    session.flush()
    job_id, quick_id = job.id, quick.id
    tm.commit()
    browser = webtest.TestApp(thread_app, extra_environ={"HTTP_HOST": "localhost"})
    sign_in(browser, user)
    # Opening the page wakes the thread, which takes the jobs left queued.
    browser.get(f"/jobs/{job_id}")
    wait_for(lambda: (live.progress_of(job_id) or (0,))[0] > 10)
    # While the job holds SQLite's write lock, its page still answers (it only reads).
    started = time.monotonic()
    page = browser.get(f"/jobs/{job_id}")
    assert time.monotonic() - started < 2
    assert "Bezig" in page.text and "<progress" in page.text
    status = browser.get(f"/jobs/{job_id}/status.json").json
    assert status["state"] == "running" and 10 < status["done"] < 2000
    assert status["remaining_seconds"] is not None
    page.forms[len(page.forms) - 1].submit()
    ended = wait_for(
        lambda: _state(thread_app, job_id) in ("cancelled", "done") and _state(thread_app, job_id)
    )
    assert ended == "cancelled"
    assert wait_for(lambda: _state(thread_app, quick_id) == "done")
    check = thread_app.registry["dbsession_factory"]()
    stopped = check.get(Job, job_id)
    assert 10 < stopped.done < 2000 and stopped.result_file is None
    assert check.query(AuditEvent).filter_by(target_type="test", target_id=str(job_id)).count() == 0
    assert "Gestopt" in browser.get(f"/jobs/{job_id}").text
    check.close()


def _state(app, job_id: int) -> str:
    session = app.registry["dbsession_factory"]()
    try:
        return session.get(Job, job_id).state
    finally:
        session.close()


def test_the_schedule_runs_the_retention_run_and_the_clean_up_as_jobs(runtime, dbsession):
    from evalsys.jobs.scheduled import run_scheduled
    from evalsys.jobs.tasks import SCHEDULED

    assert SCHEDULED["retention"] == ("15 3 * * *", 24 * 3600)  # nightly
    assert run_scheduled(runtime, "retention") == "done"
    assert run_scheduled(runtime, "delete_job_results") == "done"
    jobs = {job.kind: job for job in dbsession.query(Job).filter(Job.user_id.is_(None))}
    assert jobs["retention"].summary == {"interventions": [], "participants": 0, "responses": 0}
    assert jobs["delete_job_results"].summary == {"deleted": 0, "old_jobs": 0}
