"""Job pages: "My jobs", one job's progress and result, cancelling, downloading the result."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import FileResponse
from pyramid.view import view_config
from sqlalchemy import select

from evalsys.i18n import _
from evalsys.jobs import queue
from evalsys.jobs.models import Job
from evalsys.jobs.progress import progress_of
from evalsys.jobs.results import may_read_result, record_download, result_file
from evalsys.programme.models import Intervention, Site

RECENT = 50
TITLES = {
    "export": _("Export"),
    "import": _("Spreadsheet import"),
    "report": _("Evaluation report (PDF)"),
    "programme_report": _("Programme report (PDF)"),
    "evaluate": _("Working out the results"),
    "publish": _("Publishing a report version"),
    "retention": _("Retention run"),
    "delete_job_results": _("Deleting old job results"),
}
SHOWN_NOT_SENT = {"evaluate"}  # results a page shows (evalsys.results.evaluate_job), no file
STATES = {
    "queued": _("Waiting to start"),
    "running": _("Running"),
    "done": _("Done"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
}


@view_config(route_name="job.list", permission="view", renderer="jobs.jinja2")
def job_list(request):
    query = (
        select(Job)
        .where(Job.user_id == request.identity.id)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(RECENT)
    )
    jobs = list(request.dbsession.execute(query).scalars())
    rows = [(job, progress_of(job), _about(request, job)) for job in jobs]
    return {"jobs": rows, "titles": TITLES, "states": STATES}


@view_config(route_name="job.show", permission="view_job", renderer="job.jinja2")
def job_page(context, request):
    job = context.found()
    request.registry["evalsys.jobs"].wake()  # a server restarted since: its thread takes over
    return {
        "job": job,
        "progress": progress_of(job),
        "about": _about(request, job),
        "has_result": result_file(request.registry.settings, job) is not None,
        "may_download": may_read_result(request, job),
        "titles": TITLES,
        "states": STATES,
    }


@view_config(route_name="job.status", permission="view_job", renderer="json")
def job_status(context, request):
    """The same as the page, for the page's script (it updates the page in place)."""
    request.response.cache_control = "no-store"
    return progress_of(context.found()).to_dict()


@view_config(route_name="job.cancel", permission="cancel_job", request_method="POST")
def job_cancel(context, request):
    job = context.found()
    if not job.finished:
        queue.cancel(request, job)
    return HTTPSeeOther(request.route_url("job.show", id=job.id))


@view_config(route_name="job.result", permission="view_job", request_method="GET")
def job_result(context, request):
    job = context.found()
    path = result_file(request.registry.settings, job)
    if path is None or job.kind in SHOWN_NOT_SENT or not may_read_result(request, job):
        raise HTTPNotFound()
    record_download(request, job)
    response = FileResponse(str(path), request=request, content_type=job.result_type)
    response.content_disposition = f'attachment; filename="{job.result_name}"'
    response.cache_control = "private, no-store"
    return response


def _about(request, job: Job) -> dict:
    """What the job worked on, for its title: the intervention and the site, if any."""
    intervention = site = None
    if job.intervention_id is not None:
        intervention = request.dbsession.get(Intervention, job.intervention_id)
    if job.site_id is not None:
        site = request.dbsession.get(Site, job.site_id)
    return {"intervention": intervention, "site": site}
