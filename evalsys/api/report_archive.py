"""The published reports archive through the API: the versions the asker may read, and each
one's aggregate figures and PDF, exactly as stored when it was published.

A withdrawn version stays in the list and its figures stay readable, both with ``status``
(``withdrawn`` or ``replaced``), the time and the reason; its PDF is refused with
``410 report_withdrawn``, whose message gives the reason (and the version that replaced it).
"""

from __future__ import annotations

from pyramid.view import view_config

from evalsys.api.download_contexts import report_acl
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.programme.models import Intervention
from evalsys.results import reports
from evalsys.results.report_download import published_pdf_response


class _Readable:
    """A published version with the API's ACL (the web's readers and the tokens that read
    published reports), to ask ``has_permission`` of it in a list."""

    def __init__(self, report, intervention):
        self.report, self.intervention = report, intervention
        self.__acl__ = report_acl(report)


def _summary(request, report, intervention: Intervention, replaces=None) -> dict:
    return {
        "id": report.id,
        "intervention": intervention.slug,
        "intervention_name": intervention.name,
        "version": report.version,
        "language": report.language,
        "published_at": report.published_at.isoformat(),
        "data_taken_at": report.data_taken_at.isoformat(),
        "checksum_sha256": report.checksum,
        "note": report.note or "",
        **reports.status_of(report, replaces),
        "pdf": request.route_url("api.report_version_pdf", id=report.id),
        "json": request.route_url("api.report_version", id=report.id),
    }


@view_config(route_name="api.reports", request_method="GET", renderer="json", permission="api")
def list_reports(request):
    """Newest first: the ministry's and evaluators' readers as on the web's /reports."""
    rows = reports.published_reports(request.dbsession)
    ids = {row.intervention_id for row in rows}
    interventions = {
        i.id: i
        for i in request.dbsession.query(Intervention).filter(Intervention.id.in_(ids)).all()
    }
    replaced = reports.replacements(request.dbsession, rows)
    items = []
    for row in rows:
        intervention = interventions[row.intervention_id]
        if request.has_permission("view_published", _Readable(row, intervention)):
            items.append(_summary(request, row, intervention, replaced.get(row.id)))
    return {"items": items}


@view_config(
    route_name="api.report_version",
    request_method="GET",
    renderer="json",
    permission="view_published",
)
def report_version(context, request):
    replaces = reports.replacements(request.dbsession, [context.report]).get(context.report.id)
    return reports.published_aggregates(context.intervention, context.report, replaces)


@view_config(route_name="api.report_version_pdf", request_method="GET", permission="view_published")
def report_version_pdf(context, request):
    report = context.report
    if report.withdrawn:
        message = (
            f"version {report.version} of {context.intervention.slug} was withdrawn on "
            f"{report.withdrawn_at.date().isoformat()}: {report.withdrawal_reason}"
        )
        if report.replaced_by_id is not None:
            url = request.route_url("api.report_version_pdf", id=report.replaced_by_id)
            message += f"; the version that replaces it: {url}"
        raise ApiError(ErrorCode.report_withdrawn, message, [detail("id", "withdrawn", message)])
    return published_pdf_response(request, context.intervention, report)
