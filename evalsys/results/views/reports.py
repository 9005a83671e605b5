"""Publishing report versions, and the published reports the ministry and evaluators read."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther, HTTPServiceUnavailable
from pyramid.view import view_config

from evalsys.jobs.queue import enqueue
from evalsys.programme.models import Intervention
from evalsys.results import evaluate_job, evaluation, reports
from evalsys.results.contexts import context_for
from evalsys.results.report_download import published_pdf_response


@view_config(route_name="intervention.publish", permission="manage", request_method="POST")
def publish(context, request):
    """Make the PDF of the current data and store it as the next, unchangeable version."""
    intervention = context.intervention
    language = request.POST.get("language", "nl")
    if language not in reports.LANGUAGES:
        language = "nl"
    settings = request.registry.settings
    if evaluate_job.too_large_for_a_page(request.dbsession, intervention, settings):
        params = {"language": language, "note": request.POST.get("note", "").strip()[:2000]}
        job = enqueue(request, "publish", intervention=intervention, params=params)
        return HTTPSeeOther(request.route_url("job.show", id=job.id))
    try:
        found = evaluation.evaluate_intervention(
            request.dbsession, intervention, request.registry.settings, language=language
        )
        row = reports.publish(
            request.dbsession,
            intervention,
            found,
            user=request.identity,
            language=language,
            note=request.POST.get("note", ""),
            request=request,
        )
    except evaluation.NoResults:
        return HTTPSeeOther(request.route_url("intervention.results", slug=intervention.slug))
    except reports.ReportUnavailable as error:
        raise HTTPServiceUnavailable(str(error)) from None
    return HTTPSeeOther(request.route_url("report.list", _anchor=f"report-{row.id}"))


@view_config(
    route_name="report.list", permission="view", request_method="GET", renderer="reports.jinja2"
)
def report_list(request):
    """Published versions this user may read: all for the ministry, their own for evaluators."""
    rows = reports.published_reports(request.dbsession)
    ids = {row.intervention_id for row in rows}
    interventions = {
        i.id: i
        for i in request.dbsession.query(Intervention).filter(Intervention.id.in_(ids)).all()
    }
    visible = [
        (row, interventions[row.intervention_id])
        for row in rows
        if request.has_permission(
            "view_published", context_for(row, interventions[row.intervention_id])
        )
    ]
    return {"reports": visible}


@view_config(
    route_name="report.programme_job", permission="programme_report", request_method="POST"
)
def programme_job(request):
    """The programme report, made by a job (evalsys.results.report_job); administrators."""
    language = request.POST.get("lang")
    language = language if language in reports.LANGUAGES else "nl"
    job = enqueue(request, "programme_report", params={"language": language})
    return HTTPSeeOther(request.route_url("job.show", id=job.id))


@view_config(route_name="report.download", permission="view_published", request_method="GET")
def download(context, request):
    """The PDF exactly as it was published, with its checksum as the ETag."""
    return published_pdf_response(request, context.intervention, context.report)


@view_config(
    route_name="report.aggregates",
    permission="view_published",
    request_method="GET",
    renderer="json",
)
def aggregates(context, request):
    """The aggregate figures of a published version, as stored beside its PDF."""
    return reports.published_aggregates(context.intervention, context.report)
