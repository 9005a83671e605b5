"""Sending jobs to whatever runs them: procrastinate on PostgreSQL, a thread on SQLite.

``evalsys.jobs`` in the .ini file chooses:

- ``procrastinate`` (the default on PostgreSQL): the job goes on procrastinate's queue in the
  same database; ``evalsys worker CONFIG`` processes, on any number of machines, run it;
- ``thread`` (the default on SQLite): one worker thread inside the served process runs the
  same task functions, so ``make run`` needs no second process;
- ``inline``: the job runs in the request's thread right after the request commits (the tests).

A job is sent after the request's transaction commits: a worker never looks for a row that is
not there yet, and a request that fails sends nothing.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

from sqlalchemy import select

from evalsys.accounts.models import User
from evalsys.jobs import live
from evalsys.jobs.models import Job
from evalsys.jobs.run import Runtime, run_job
from evalsys.jobs.scheduled import run_scheduled
from evalsys.jobs.tasks import SCHEDULED
from evalsys.programme.models import Intervention, Site
from evalsys.settings import ConfigurationError

log = logging.getLogger(__name__)
BACKENDS = ("procrastinate", "thread", "inline")


class InlineBackend:
    """Run each job at once, in the thread that sent it."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    def send(self, job_id: int) -> None:
        run_job(self.runtime, job_id)

    def run_soon(self, kind: str) -> None:
        run_scheduled(self.runtime, kind)

    def wake(self) -> None:
        pass


class ThreadBackend:
    """One worker thread in this process, started with the first job (or page) that needs it.

    At its start it also takes the jobs a stopped server left queued or running, so a restart
    of ``make run`` loses none.
    """

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.jobs: queue.Queue[int | str] = queue.Queue()  # a job's id, or a scheduled kind
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def send(self, job_id: int) -> None:
        self.wake()
        self.jobs.put(job_id)

    def run_soon(self, kind: str) -> None:
        """Run a scheduled kind now rather than at its next turn (webhooks after an event)."""
        self.wake()
        self.jobs.put(kind)

    def stop(self, wait: float = 5.0) -> None:
        """End the thread after the job it is running (an app that is done, as in the tests,
        must not run the schedule a minute later against a database that is gone)."""
        self.stopped.set()
        self.jobs.put(None)
        with self.lock:
            thread = self.thread
        if thread is not None:
            thread.join(wait)

    def wake(self) -> None:
        with self.lock:
            if self.stopped.is_set() or (self.thread is not None and self.thread.is_alive()):
                return
            self.thread = threading.Thread(target=self._work, name="evalsys-jobs", daemon=True)
            self.thread.start()

    def _work(self) -> None:
        for job_id in self._left_over():
            self.jobs.put(job_id)
        # The schedule (evalsys.jobs.tasks.SCHEDULED): a first run a minute after the start.
        due = {kind: time.monotonic() + 60 for kind in SCHEDULED}
        while not self.stopped.is_set():
            try:
                job_id = self.jobs.get(timeout=30)
            except queue.Empty:
                job_id = None
            if self.stopped.is_set():
                return
            try:
                if isinstance(job_id, str):
                    run_scheduled(self.runtime, job_id)
                elif job_id is not None:
                    run_job(self.runtime, job_id)
                for kind, at in due.items():
                    if time.monotonic() >= at:
                        due[kind] = time.monotonic() + SCHEDULED[kind][1]
                        run_scheduled(self.runtime, kind)
            except Exception:  # the thread must live on for the next job
                log.exception("job %s could not be run", job_id)

    def _left_over(self) -> list[int]:
        session = self.runtime.session_factory()
        try:
            query = select(Job.id).where(Job.state.in_(("queued", "running"))).order_by(Job.id)
            return list(session.execute(query).scalars())
        except Exception:  # no jobs table yet (a database still to migrate): nothing is left
            return []
        finally:
            session.close()


class ProcrastinateBackend:
    """Put each job on procrastinate's queue; ``evalsys worker`` processes run it."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.app = None
        self.lock = threading.Lock()

    def send(self, job_id: int) -> None:
        from evalsys.jobs.worker import RUN_JOB

        self._open()
        self.app.configure_task(RUN_JOB, queue="evalsys").defer(job_id=job_id)

    def run_soon(self, kind: str) -> None:
        """Queue the scheduled task of ``kind`` now; one already waiting is enough."""
        import procrastinate.exceptions

        self._open()
        task = self.app.configure_task(
            f"evalsys.scheduled.{kind}", queue="evalsys", queueing_lock=kind
        )
        try:
            task.defer(timestamp=int(time.time()))
        except procrastinate.exceptions.AlreadyEnqueued:
            pass

    def _open(self) -> None:
        from evalsys.jobs.worker import sync_app

        with self.lock:
            if self.app is None:
                self.app = sync_app(self.runtime.settings)
                self.app.open()

    def wake(self) -> None:
        pass


def backend_name(settings: dict, dialect: str) -> str:
    default = "procrastinate" if dialect == "postgresql" else "thread"
    name = settings.get("evalsys.jobs") or default
    if name not in BACKENDS:
        raise ConfigurationError(
            f"evalsys.jobs = {name!r} is not known: use one of {', '.join(BACKENDS)}"
        )
    if name == "procrastinate" and dialect != "postgresql":
        raise ConfigurationError(
            "evalsys.jobs = procrastinate needs PostgreSQL; on SQLite use thread (the default)"
        )
    return name


def make_backend(runtime: Runtime):
    name = backend_name(runtime.settings, runtime.engine.dialect.name)
    return {"procrastinate": ProcrastinateBackend, "thread": ThreadBackend}.get(
        name, InlineBackend
    )(runtime)


def enqueue(
    request,
    kind: str,
    *,
    intervention: Intervention | None = None,
    site: Site | None = None,
    params: dict | None = None,
    user: User | None = None,
) -> Job:
    """A new job of ``kind``, sent to the queue once the request's transaction commits."""
    user = user if user is not None else request.identity
    job = Job(
        kind=kind,
        user_id=None if user is None else user.id,
        intervention_id=None if intervention is None else intervention.id,
        site_id=None if site is None else site.id,
        params=params or {},
    )
    request.dbsession.add(job)
    request.dbsession.flush()
    backend, job_id = request.registry["evalsys.jobs"], job.id

    def send(committed: bool) -> None:
        if committed:
            backend.send(job_id)

    request.tm.get().addAfterCommitHook(send)
    return job


def cancel(request, job: Job) -> None:
    """Ask a job to stop: a queued one ends at once, a running one at its next progress step."""
    live.request_cancel(job.id)
    if request.registry["db_engine"].dialect.name == "sqlite":
        return  # the job runs in this process and reads the request there (evalsys.jobs.live)
    if job.state == "queued":
        job.state = "cancelled"
    job.cancel_requested = True


def includeme(config) -> None:
    registry = config.registry
    runtime = Runtime(
        settings=registry.settings,
        engine=registry["db_engine"],
        session_factory=registry["dbsession_factory"],
    )
    registry["evalsys.jobs"] = make_backend(runtime)
    registry["evalsys.jobs.runtime"] = runtime
    # These pages write nothing on SQLite (a cancel request goes through evalsys.jobs.live),
    # so there they read beside a job that holds the write lock.
    registry.setdefault("evalsys.read_only_routes", set()).update(
        {"job.list", "job.show", "job.status", "job.cancel"}
    )
