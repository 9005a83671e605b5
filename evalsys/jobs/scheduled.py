"""Jobs nobody starts: the schedule runs them (the retention run, deleting old job results).

Each run is a job row of its own (no user), so its end and its counts are kept like any other.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from evalsys.db.meta import utcnow
from evalsys.jobs.models import Job
from evalsys.jobs.results import delete_expired
from evalsys.jobs.run import Runtime, run_job
from evalsys.jobs.tasks import task


def run_scheduled(runtime: Runtime, kind: str) -> str | None:
    session = runtime.session_factory()
    try:
        job = Job(kind=kind, params={})
        session.add(job)
        session.commit()
        job_id = job.id
    finally:
        session.close()
    return run_job(runtime, job_id)


KEEP_JOBS_DAYS = 30


@task("delete_job_results", writes=True, cron="*/10 * * * *", every=600)
def delete_job_results(run, dbsession, job) -> dict:
    """Delete the job results whose time is up (evalsys.jobs.keep_results_hours), and the
    rows of jobs that ended more than a month ago (their counts are in the audit log)."""
    deleted = delete_expired(dbsession, run.runtime.settings)
    cutoff = utcnow() - dt.timedelta(days=KEEP_JOBS_DAYS)
    old = dbsession.execute(
        delete(Job).where(Job.finished_at < cutoff, Job.result_file.is_(None), Job.id != job.id)
    ).rowcount
    return {"deleted": deleted, "old_jobs": old}
