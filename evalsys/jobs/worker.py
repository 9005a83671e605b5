"""``evalsys worker``: procrastinate's worker, running evalsys's jobs from PostgreSQL.

procrastinate keeps its queue in the schema ``procrastinate`` of evalsys's own database
(created by migration 0008). Any number of workers, on any number of machines, take jobs from
it; each job is taken by one. A worker that dies leaves its job "doing" without a heartbeat:
the next worker to start, and every worker every five minutes, puts such jobs back on the
queue, and the job runs again from the start (its first run stored nothing: evalsys.jobs.run).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import make_url

from evalsys.jobs.run import Runtime, run_job
from evalsys.jobs.tasks import SCHEDULED

log = logging.getLogger(__name__)

RUN_JOB = "evalsys.run_job"
SCHEMA = "procrastinate"


def pool_arguments(settings: dict) -> dict:
    """psycopg pool arguments for the database of ``settings``, in procrastinate's schema."""
    url = make_url(settings["sqlalchemy.url"]).set(drivername="postgresql")
    return {
        "conninfo": url.render_as_string(hide_password=False),
        "kwargs": {"options": f"-c search_path={SCHEMA}"},
    }


def sync_app(settings: dict):
    """An app that only sends jobs (the web processes)."""
    import procrastinate

    return procrastinate.App(
        connector=procrastinate.SyncPsycopgConnector(**pool_arguments(settings))
    )


def stalled_seconds(settings: dict) -> float:
    return float(settings.get("evalsys.jobs.stalled_seconds", 30))


def worker_app(runtime: Runtime):
    """The worker's app: the task that runs a job, the clean-up and the scheduled jobs."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(**pool_arguments(runtime.settings))
    )

    @app.task(name=RUN_JOB, queue="evalsys", retry=2)
    def run(job_id: int) -> None:
        run_job(runtime, job_id)

    @app.periodic(cron="*/5 * * * *")
    @app.task(name="evalsys.retry_stalled_jobs", queue="evalsys", queueing_lock="stalled")
    async def retry_stalled(timestamp: int) -> None:
        await retry_stalled_jobs(app, stalled_seconds(runtime.settings))

    for kind, (cron, _every) in SCHEDULED.items():
        _schedule(app, runtime, kind, cron)
    return app


def _schedule(app, runtime: Runtime, kind: str, cron: str) -> None:
    from evalsys.jobs.scheduled import run_scheduled

    @app.periodic(cron=cron)
    @app.task(name=f"evalsys.scheduled.{kind}", queue="evalsys", queueing_lock=kind)
    def scheduled(timestamp: int) -> None:
        run_scheduled(runtime, kind)


async def retry_stalled_jobs(app, seconds: float) -> int:
    """Put the jobs of workers that stopped sending heartbeats back on the queue."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds)
    for job in stalled:
        log.warning("job %s of a worker that stopped is run again", job.id)
        await app.job_manager.retry_job(job)
    return len(stalled)


def run_worker(runtime: Runtime, *, wait: bool = True) -> None:
    """Run jobs until stopped (SIGINT, SIGTERM), or with ``wait=False`` until none is left."""
    app = worker_app(runtime)

    async def work() -> None:
        async with app.open_async():
            await retry_stalled_jobs(app, stalled_seconds(runtime.settings))
            await app.run_worker_async(
                queues=["evalsys"],
                wait=wait,
                update_heartbeat_interval=max(stalled_seconds(runtime.settings) / 3, 0.5),
                stalled_worker_timeout=stalled_seconds(runtime.settings),
                install_signal_handlers=True,
            )

    asyncio.run(work())
