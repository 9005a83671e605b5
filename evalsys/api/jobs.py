"""Jobs through the API: start an export, report or evaluate job of an intervention, read a
job's progress, fetch its result, cancel it. A token sees only its own user's jobs.

The same jobs as the web's buttons (evalsys.jobs.queue, the tasks in evalsys.results), the
same progress (evalsys.jobs.progress) and the same rule for results (evalsys.jobs.results).
"""

from __future__ import annotations

from pyramid.response import FileResponse, Response
from pyramid.view import view_config
from sqlalchemy import select

from evalsys import audit
from evalsys.accounts.policy import bearer_token
from evalsys.api.download_contexts import visible_job
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.requests import json_body
from evalsys.jobs import queue
from evalsys.jobs.models import Job
from evalsys.jobs.progress import progress_of
from evalsys.jobs.results import may_read_result, record_download, result_file
from evalsys.jobs.views import RECENT
from evalsys.programme.models import Intervention, Site
from evalsys.results import evaluate_job, reports
from evalsys.results.export_job import job_params

LANGUAGES = ("nl", "en")
EXPORT_ONLY = ("format", "free_text", "changes", "csv_style")
# What starting a job of each kind writes to the audit log: what the web's button writes
# (its permission's audit, evalsys.accounts.policy.PARTICIPANT_PERMISSIONS).
AUDITED_AS = {"export": "export", "report": "export", "evaluate": "participant_data_viewed"}


def _refuse(field: str, code: str, message: str):
    return ApiError(ErrorCode.validation_failed, message, [detail(field, code, message)])


def _params(request, body: dict) -> dict:
    kind = body["kind"]
    fallback = request.locale_name if request.locale_name in LANGUAGES else "nl"
    language = body.get("language") or fallback
    if kind != "export":
        for field in EXPORT_ONLY:
            if field in body:
                raise _refuse(field, "unknown_field", f"{field} is for export jobs only")
        return {"language": language}
    if "format" not in body:
        raise _refuse("format", "required", "an export job needs a format")
    if body.get("changes") and body["format"] != "xlsx":
        raise _refuse("changes", "invalid_option", "the change log is a sheet of xlsx only")
    if body.get("csv_style") and body["format"] not in ("csv_long", "csv_wide"):
        raise _refuse("csv_style", "invalid_option", "csv_style is for csv_long and csv_wide")
    return job_params(
        body["format"],
        language=language,
        free_text=bool(body.get("free_text")),
        changes=bool(body.get("changes")),
        csv_style=body.get("csv_style"),
    )


def job_body(request, job: Job) -> dict:
    """A job's progress as the web's status.json says it, and what it is about."""
    progress = progress_of(job)
    intervention = site = None
    if job.intervention_id is not None:
        intervention = request.dbsession.get(Intervention, job.intervention_id)
    if job.site_id is not None:
        site = request.dbsession.get(Site, job.site_id)
    has_result = (
        job.state == "done"
        and result_file(request.registry.settings, job) is not None
        and may_read_result(request, job)
    )
    return {
        "id": job.id,
        "kind": job.kind,
        "intervention": None if intervention is None else intervention.slug,
        "site": None if site is None else site.slug,
        "created_at": job.created_at.isoformat(),
        **progress.to_dict(),
        "cancelling": progress.cancelling,
        "error": job.error,
        "result": request.route_url("api.job_result", id=job.id) if has_result else None,
    }


@view_config(
    route_name="api.intervention_jobs",
    request_method="POST",
    renderer="json",
    permission="start_job",
    require_csrf=False,
)
def start_job(context, request):
    body = json_body(request, "JobStart")
    kind, intervention = body["kind"], context.intervention
    params = _params(request, body)
    job = queue.enqueue(request, kind, intervention=intervention, params=params)
    audit.record_request(
        request,
        AUDITED_AS[kind],
        target_type="route",
        target_id=request.matched_route.name,
        intervention_id=intervention.id,
        path=request.path,
        method=request.method,
        job=job.id,
        kind=kind,
    )
    request.response.status_int = 202
    request.response.location = request.route_url("api.job", id=job.id)
    return job_body(request, job)


def _own_jobs(request, *conditions) -> dict:
    query = (
        select(Job)
        .where(Job.user_id == request.identity.id, *conditions)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(RECENT)
    )
    jobs = request.dbsession.execute(query).scalars()
    return {"items": [job_body(request, job) for job in jobs if visible_job(request, job)]}


@view_config(route_name="api.jobs", request_method="GET", renderer="json", permission="api")
def list_jobs(request):
    return _own_jobs(request)


@view_config(
    route_name="api.intervention_jobs",
    request_method="GET",
    renderer="json",
    permission="start_job",
)
def list_intervention_jobs(context, request):
    return _own_jobs(request, Job.intervention_id == context.intervention.id)


@view_config(route_name="api.job", request_method="GET", renderer="json", permission="view_job")
def get_job(context, request):
    request.registry["evalsys.jobs"].wake()  # a server restarted since: its thread takes over
    request.response.cache_control = "no-store"
    return job_body(request, context.job)


@view_config(route_name="api.job_result", request_method="GET", permission="view_job")
def job_result(context, request):
    job, settings = context.job, request.registry.settings
    if not job.finished:
        raise ApiError(
            ErrorCode.conflict,
            f"job {job.id} has not finished ({job.state}); poll GET /api/v1/jobs/{job.id} "
            "until finished is true",
        )
    path = result_file(settings, job)
    if path is None or not may_read_result(request, job):
        raise ApiError(
            ErrorCode.not_found,
            f"job {job.id} has no result to fetch: it failed or was cancelled, or its result "
            "was deleted (results are kept for a day); start it again",
        )
    record_download(request, job)
    if job.kind == "evaluate":
        return _evaluation_result(request, job)
    response = FileResponse(str(path), request=request, content_type=job.result_type)
    response.content_disposition = f'attachment; filename="{job.result_name}"'
    response.cache_control = "private, no-store"
    return response


def _evaluation_result(request, job: Job) -> Response:
    """An evaluate job's disclosed figures as JSON (the web's results page reads them)."""
    settings = request.registry.settings
    _, found = evaluate_job.latest(
        request.dbsession, settings, job.user_id, job.intervention_id, job.id
    )
    if found is None:  # deleted since result_file() saw it
        raise ApiError(ErrorCode.not_found, f"job {job.id}'s result was deleted; start it again")
    intervention = request.dbsession.get(Intervention, job.intervention_id)
    language = job.params.get("language", "nl")
    response = Response(
        json_body=reports.current_aggregates(intervention, found, language),
        content_type="application/json",
        charset="utf-8",
        cache_control="private, no-store",
    )
    response.content_disposition = f'attachment; filename="{intervention.slug}-results.json"'
    return response


@view_config(
    route_name="api.job_cancel",
    request_method="POST",
    renderer="json",
    permission="cancel_job",
    require_csrf=False,
)
def cancel_job(context, request):
    # A browser sends a cross-site form with its cookie but never this content type.
    if bearer_token(request) is None and request.content_type != "application/json":
        raise ApiError(
            ErrorCode.unsupported_media_type,
            "with a session, send Content-Type: application/json (an empty body will do)",
        )
    job = context.job
    if not job.finished:
        queue.cancel(request, job)
        request.response.status_int = 202
    return job_body(request, job)
