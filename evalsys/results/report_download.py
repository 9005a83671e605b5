"""A published report version's PDF as a download, exactly as published, with its checksum as
the ETag (the web's /reports/{id}.pdf and the JSON API's /api/v1/reports/{id}/pdf)."""

from __future__ import annotations

from pyramid.response import Response

from evalsys.programme.models import Intervention
from evalsys.results.models import ReportVersion
from evalsys.results.reports import published_filename


def published_pdf_response(request, intervention: Intervention, report: ReportVersion) -> Response:
    response = Response(
        body=report.pdf,
        content_type="application/pdf",
        content_disposition=f'attachment; filename="{published_filename(intervention, report)}"',
        cache_control="private, max-age=3600",
    )
    response.etag = report.checksum
    if request.if_none_match and response.etag in request.if_none_match:
        not_modified = Response(status=304)
        not_modified.etag = response.etag
        return not_modified
    return response
