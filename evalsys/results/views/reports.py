"""The published reports the ministry and evaluators read (publishing: views/publishing.py)."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from evalsys.jobs.queue import enqueue
from evalsys.results import reports
from evalsys.results.contexts import context_for
from evalsys.results.readable import readable_reports
from evalsys.results.report_download import published_pdf_response


@view_config(
    route_name="report.list", permission="view", request_method="GET", renderer="reports.jinja2"
)
def report_list(request):
    """Published versions this user may read: all for the ministry, their own for evaluators."""
    visible = readable_reports(request)
    return {
        "reports": visible,
        "replaces": reports.replacements(request.dbsession, [row for row, _ in visible]),
        "versions": {row.id: row.version for row, _ in visible},
        "may_withdraw": {
            row.id
            for row, intervention in visible
            if not row.withdrawn
            and request.has_permission("withdraw", context_for(row, intervention))
        },
    }


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
    """The PDF exactly as it was published, with its checksum as the ETag; for a withdrawn
    version, 410 and a page that says when, why, and which version replaced it."""
    if context.report.withdrawn:
        return withdrawn_page(request, context.intervention, context.report)
    return published_pdf_response(request, context.intervention, context.report)


def withdrawn_page(request, intervention, report):
    replaced_by = None
    if report.replaced_by_id is not None:
        replaced_by = request.dbsession.get(type(report), report.replaced_by_id)
    page = {"intervention": intervention, "report": report, "replaced_by": replaced_by}
    response = render_to_response("withdrawn.jinja2", page, request=request)
    response.status_int = 410
    return response


@view_config(
    route_name="report.aggregates",
    permission="view_published",
    request_method="GET",
    renderer="json",
)
def aggregates(context, request):
    """The aggregate figures of a published version, as stored beside its PDF, and its
    standing (a withdrawn version's figures stay readable, marked as withdrawn)."""
    replaces = reports.replacements(request.dbsession, [context.report]).get(context.report.id)
    return reports.published_aggregates(context.intervention, context.report, replaces)
