"""Evaluating large data as a job: the results page's figures, worked out by a worker.

Up to ``evalsys.results.page_max_responses`` current responses (default 50,000) the results
page evaluates while it is asked for; above it the page offers a job instead and shows the
newest result of one (``bench/bench_evaluate.py``: 100,000 participants take about 5 s, a
million about 40 s). The job keeps the whole :class:`~evalsys.results.evaluation.Evaluation`
(disclosed figures, report inputs, the moment the data were read) so the page can still be
filtered by scale, waves and site. It is a pickle the server wrote itself into its own work
folder (mode 0700); it is never uploaded, never downloaded and deleted with the job's other
results (24 hours, retention, erasure).
"""

from __future__ import annotations

import pickle

from sqlalchemy import select

from evalsys.i18n import _
from evalsys.jobs.models import Job
from evalsys.jobs.results import result_file
from evalsys.jobs.run import JobFailed
from evalsys.jobs.tasks import task
from evalsys.programme.models import Intervention
from evalsys.results import evaluation, exports

PAGE_MAX_RESPONSES = 50_000
MEDIA_TYPE = "application/x-evalsys-evaluation"  # never served: the results page reads it
NO_RESULTS = _("There are no results yet. The results page says what is missing.")


def page_max(settings: dict) -> int:
    return int(settings.get("evalsys.results.page_max_responses", PAGE_MAX_RESPONSES))


def too_large_for_a_page(dbsession, intervention: Intervention, settings: dict) -> int | None:
    """The number of current responses when it is above what a page evaluates, else None."""
    responses = exports.count_responses(dbsession, intervention)
    return responses if responses > page_max(settings) else None


@task("evaluate")
def evaluate(run, dbsession, job) -> dict:
    intervention = dbsession.get(Intervention, job.intervention_id)
    run.set_total(2)
    try:
        found = evaluation.evaluate_intervention(
            dbsession, intervention, run.runtime.settings, language=job.params.get("language", "nl")
        )
    except evaluation.NoResults:
        raise JobFailed(NO_RESULTS) from None
    run.progress(1, force=True)
    path = run.result_path(".pickle")
    with path.open("wb") as out:
        pickle.dump(found, out, protocol=pickle.HIGHEST_PROTOCOL)
    run.attach(path, f"{intervention.slug}-results", MEDIA_TYPE)
    return {"data_taken_at": found.data_taken_at.isoformat()}


def latest(dbsession, settings: dict, user_id: int, intervention_id: int, job_id=None):
    """The user's newest finished evaluation of the intervention whose result is still kept
    (or the one of ``job_id``): ``(job, Evaluation)``, or ``(None, None)``."""
    query = (
        select(Job)
        .where(
            Job.kind == "evaluate",
            Job.state == "done",
            Job.user_id == user_id,
            Job.intervention_id == intervention_id,
        )
        .order_by(Job.finished_at.desc(), Job.id.desc())
    )
    if job_id is not None:
        query = query.where(Job.id == job_id)
    for job in dbsession.execute(query.limit(5)).scalars():
        path = result_file(settings, job)
        if path is not None:
            with path.open("rb") as handle:
                return job, pickle.load(handle)  # noqa: S301 - written by this server only
    return None, None
