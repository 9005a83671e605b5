"""Running one job: claim it, run its task in one transaction, record how it ended.

The task's writes and the job's "done" are committed together: a worker that dies half-way
leaves nothing of the work stored, and the job is run again from the start (procrastinate's
retry of stalled jobs, evalsys.jobs.worker). Progress goes out on a connection of its own, so
other processes see it while the work's transaction is still open (PostgreSQL); on SQLite it
stays in memory (evalsys.jobs.live).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from evalsys.db import READ_ONLY
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.jobs import live
from evalsys.jobs.models import Job
from evalsys.jobs.tasks import TASKS, WRITES
from evalsys.settings import work_dir

log = logging.getLogger(__name__)

UNEXPECTED = _(
    "The job stopped because of an unexpected error. Nothing of it was stored. Try again; "
    "if it fails again, tell the administrator (the error is in the server's log)."
)
PROGRESS_SECONDS = 0.5  # at most two progress writes a second


class Cancelled(Exception):
    """The user asked to stop the job."""


class JobFailed(Exception):
    """The work cannot be done; ``message`` (translatable) tells the user why."""

    def __init__(self, message, summary: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.summary = summary or {}


@dataclass
class Runtime:
    """What running a job needs: the settings, the engine and a session factory for it."""

    settings: dict
    engine: Engine
    session_factory: sessionmaker

    @property
    def shared_progress(self) -> bool:
        """Does progress go through the database (PostgreSQL), or stay in memory (SQLite)?"""
        return self.engine.dialect.name == "postgresql"


class JobRun:
    """What a task sees of its job: progress, cancellation, and where to put its result."""

    def __init__(self, runtime: Runtime, job: Job):
        self.runtime, self.job_id = runtime, job.id
        self.done, self.total = 0, job.total
        self._last = 0.0
        self.files: list[Path] = []
        self.result: tuple[str, str, str] | None = None  # file, name to download as, media type

    def set_total(self, total: int | None) -> None:
        self.total = total
        self.progress(0, force=True)

    def progress(self, done: int, *, force: bool = False) -> None:
        """``done`` of the total so far; raises Cancelled when the user asked to stop."""
        self.done = done
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_SECONDS:
            return
        self._last = now
        live.update(self.job_id, done, self.total)
        cancelled = live.cancel_requested(self.job_id)
        if self.runtime.shared_progress:
            with self.runtime.engine.connect() as connection:
                cancelled |= bool(
                    connection.execute(
                        text(
                            "UPDATE jobs SET done = :done, total = :total WHERE id = :id "
                            "RETURNING cancel_requested"
                        ),
                        {"done": done, "total": self.total, "id": self.job_id},
                    ).scalar()
                )
                connection.commit()
        if cancelled:
            raise Cancelled()

    def result_path(self, suffix: str) -> Path:
        """A new file in the work folder for the job's result (deleted if the job fails)."""
        folder = work_dir(self.runtime.settings) / "jobs"
        folder.mkdir(exist_ok=True, mode=0o700)
        path = folder / f"{self.job_id}-{secrets.token_urlsafe(18)}{suffix}"
        self.files.append(path)
        return path

    def attach(self, path: Path, name: str, media_type: str) -> None:
        """Make ``path`` (from result_path) the job's downloadable result, ``name`` its name."""
        self.result = (path.name, name, media_type)

    def remove_files(self, keep: str | None = None) -> None:
        for path in self.files:
            if path.name != keep:
                path.unlink(missing_ok=True)


@functools.cache
def localizer(language: str):
    """Translations into the job's language (its starter's, when the job was started)."""
    from pyramid.i18n import make_localizer

    return make_localizer(language, [str(files("evalsys") / "locale")])


def in_words(language: str, message) -> str:
    """``message`` (a translation string) in ``language``, the job starter's."""
    return localizer(language if language in ("nl", "en") else "nl").translate(message)


def keep_hours(settings: dict) -> float:
    return float(settings.get("evalsys.jobs.keep_results_hours", 24))


def run_job(runtime: Runtime, job_id: int) -> str | None:
    """Run the job ``job_id`` if it is still to run; returns the state it ended in."""
    job = _claim(runtime, job_id)
    if job is None or job.state != "running":
        live.forget(job_id)
        return None if job is None else job.state
    run = JobRun(runtime, job)
    language, kind = job.params.get("language") or "nl", job.kind
    writes = kind in WRITES
    session = runtime.session_factory()
    if not writes:
        # On SQLite a reading job takes no write lock: the site goes on working beside it.
        session.connection(execution_options={READ_ONLY: True})
    try:
        job = session.get(Job, job_id)
        summary = TASKS[job.kind](run, session, job) or {}
        if not writes:
            session.rollback()  # read-only: the end is recorded in a transaction of its own
            job = session.get(Job, job_id)
        _finish(runtime, job, run, "done", summary=summary)
        session.commit()
        return "done"
    except Cancelled:
        return _end_apart(runtime, session, run, "cancelled", None, {})
    except JobFailed as failure:
        message = in_words(language, failure.message)
        return _end_apart(runtime, session, run, "failed", message, failure.summary)
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        return _end_apart(runtime, session, run, "failed", in_words(language, UNEXPECTED), {})
    finally:
        session.close()
        live.forget(job_id)


def _claim(runtime: Runtime, job_id: int) -> Job | None:
    """Mark the job running (again, after a worker died); a job cancelled while queued ends."""
    session = runtime.session_factory()
    try:
        job = session.get(Job, job_id, with_for_update=runtime.shared_progress)
        if job is None or job.finished:
            return job
        if job.cancel_requested or live.cancel_requested(job_id):
            job.state, job.finished_at = "cancelled", utcnow()
        else:
            job.state, job.started_at, job.done = "running", utcnow(), 0
            job.attempts += 1
        session.commit()
        return job
    finally:
        session.close()


def _finish(runtime: Runtime, job: Job, run: JobRun, state: str, *, summary: dict, error=None):
    now = utcnow()
    job.state, job.finished_at, job.summary, job.error = state, now, summary, error
    job.total, job.done = run.total, run.done
    if state == "done" and run.total is not None:
        job.done = run.total
    if run.result is not None:
        job.result_file, job.result_name, job.result_type = run.result
        job.expires_at = now + dt.timedelta(hours=keep_hours(runtime.settings))


def _end_apart(runtime, session, run: JobRun, state: str, error, summary: dict) -> str:
    """End a job whose work is rolled back: nothing of it stays, files included."""
    session.rollback()
    # A failed import keeps its list of problems (its result); nothing else stays.
    keep = run.result if state == "failed" and summary.get("errors") else None
    run.remove_files(keep=None if keep is None else keep[0])
    run.result = keep
    job = session.get(Job, run.job_id)
    _finish(runtime, job, run, state, summary=summary, error=error)
    session.commit()
    return state
