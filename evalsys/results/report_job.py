"""The evaluation report (PDF) as a job: evaluate the current data, write the PDF, keep it a day.

The same PDF as the results page's direct link (evalsys.results.views.results.report_pdf); the
job is for large data, where evaluating (mixed models over many sites) takes longer than a
request may.
"""

from __future__ import annotations

from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.jobs.run import JobFailed
from evalsys.jobs.tasks import task
from evalsys.programme.models import Intervention
from evalsys.results import evaluation, publishing, reports

STEPS = 3  # evaluate, lay out the PDF, write it
NO_PDF = _("This installation cannot make PDF reports. Tell the administrator.")
NO_RESULTS = _("There are no results to report yet. The results page says what is missing.")
SNAPSHOT_GONE = _(
    "The worked-out results you previewed are no longer kept. Work out the results again, look "
    "at the preview and publish then. Nothing was published."
)
NOT_REPLACEABLE = _("The version to replace was withdrawn in the meantime. Nothing was published.")


def _keep(run, pdf: bytes, name: str, language: str) -> dict:
    """The PDF as the job's result; the summary's common part."""
    run.progress(2, force=True)
    path = run.result_path(".pdf")
    path.write_bytes(pdf)
    run.attach(path, name, "application/pdf")
    return {"language": language, "bytes": len(pdf)}


@task("report")
def report(run, dbsession, job) -> dict:
    language = job.params.get("language", "nl")
    intervention = dbsession.get(Intervention, job.intervention_id)
    run.set_total(STEPS)
    try:
        found = evaluation.evaluate_intervention(
            dbsession, intervention, run.runtime.settings, language=language
        )
        run.progress(1, force=True)
        pdf = reports.make_pdf(found, language)
    except evaluation.NoResults:
        raise JobFailed(NO_RESULTS) from None
    except reports.ReportUnavailable:
        raise JobFailed(NO_PDF) from None
    return _keep(run, pdf, reports.current_filename(intervention, found, language), language)


@task("programme_report")
def programme_report(run, dbsession, job) -> dict:
    """The programme report: every intervention with results side by side (administrators)."""
    language = job.params.get("language", "nl")
    run.set_total(STEPS)
    found = reports.programme_evaluations(dbsession, run.runtime.settings, language)
    if not found:
        raise JobFailed(_("No intervention has results yet: there is nothing to report."))
    run.progress(1, force=True)
    try:
        pdf = reports.make_programme_pdf(found, language)
    except reports.ReportUnavailable:
        raise JobFailed(NO_PDF) from None
    name = f"programme-{utcnow():%Y%m%d-%H%M}-{language}.pdf"
    return {**_keep(run, pdf, name, language), "interventions": len(found)}


@task("publish", writes=True)
def publish(run, dbsession, job) -> dict:
    """Publish the next report version (for more data than a request evaluates; the results
    page's Publish, evalsys.results.views.publishing): the evaluate job's figures that the
    evaluator previewed and confirmed, or (a job started before previews) the current data."""
    params = job.params
    language = params.get("language", "nl")
    intervention = dbsession.get(Intervention, job.intervention_id)
    user = dbsession.get(User, job.user_id) if job.user_id is not None else None
    run.set_total(STEPS)
    replaces = None
    if params.get("replaces"):
        replaces = publishing.live_version(dbsession, intervention, str(params["replaces"]))
        if replaces is None:
            raise JobFailed(NOT_REPLACEABLE)
    try:
        if params.get("evaluation_job"):
            found = publishing.job_snapshot(dbsession, run.runtime.settings, job)
            if found is None or publishing.fingerprint(found) != params.get("snapshot"):
                raise JobFailed(SNAPSHOT_GONE)
        else:
            found = evaluation.evaluate_intervention(
                dbsession, intervention, run.runtime.settings, language=language
            )
        run.progress(1, force=True)
        row = reports.publish(
            dbsession,
            intervention,
            found,
            user=user,
            language=language,
            note=params.get("note", ""),
            replaces=replaces,
            reason=params.get("reason", ""),
        )
    except evaluation.NoResults:
        raise JobFailed(NO_RESULTS) from None
    except reports.ReportUnavailable:
        raise JobFailed(NO_PDF) from None
    except reports.WithdrawalRefused:
        raise JobFailed(NOT_REPLACEABLE) from None
    run.progress(STEPS, force=True)
    return {"language": language, "version": row.version, "report": row.id}
