"""Job results (export files, error reports): who may read one, and deleting them.

They hold participant data: only the user who started the job may download one, while the
intervention is still in their scope; each is deleted ``evalsys.jobs.keep_results_hours``
(default 24) after its job ended, and at once when the intervention's data is erased or its
retention period ends.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from evalsys import audit
from evalsys.db.meta import utcnow
from evalsys.jobs.models import Job
from evalsys.settings import work_dir


def result_file(settings: dict, job: Job) -> Path | None:
    """The job's result file, or None (never made, expired or deleted)."""
    if not job.result_file or "/" in job.result_file or job.result_file.startswith("."):
        return None
    if job.expires_at is not None and job.expires_at <= utcnow():
        return None
    path = work_dir(settings) / "jobs" / job.result_file
    return path if path.is_file() else None


def record_download(request, job: Job) -> None:
    """A job's result handed out (web or API): participant data left the server, audited."""
    audit.record_request(
        request,
        "job_result_downloaded",
        target_type="job",
        target_id=job.id,
        intervention_id=job.intervention_id,
        site_id=job.site_id,
        job=job.kind,
    )


def may_read_result(request, job: Job) -> bool:
    """Its starter (the views check that), while the intervention (the site) is still theirs
    to read: the job pages and the JSON API."""
    if job.intervention_id is None:
        return True
    return request.access.allows("read", intervention_id=job.intervention_id, site_id=job.site_id)


def forget_result(settings: dict, job: Job) -> None:
    """Delete the job's file and what of participants its summary shows (an import's rows)."""
    if job.result_file:
        (work_dir(settings) / "jobs" / Path(job.result_file).name).unlink(missing_ok=True)
    job.result_file = job.result_name = job.result_type = None
    if "shown" in (job.summary or {}):
        job.summary = {k: v for k, v in job.summary.items() if k != "shown"}


def delete_expired(dbsession, settings: dict, now=None) -> int:
    """Delete the result files whose time is up; returns how many."""
    now = now or utcnow()
    query = select(Job).where(Job.expires_at <= now, Job.result_file.is_not(None))
    jobs = list(dbsession.execute(query).scalars())
    for job in jobs:
        forget_result(settings, job)
    return len(jobs)


def delete_for_intervention(dbsession, settings: dict, intervention_id: int) -> int:
    """Delete every job result of an intervention (an erasure, the end of its retention);
    returns how many files went."""
    query = select(Job).where(Job.intervention_id == intervention_id)
    files = 0
    for job in dbsession.execute(query).scalars():
        files += job.result_file is not None
        forget_result(settings, job)
    return files
