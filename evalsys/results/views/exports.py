"""Participant-level exports for evaluators: CSV (long, wide), XLSX with codebook, SPSS .sav.

CSV in the style a user's spreadsheet opens (``csv_style``: ``excel_nl`` or ``international``;
default: the interface language's, exports.default_csv_style).

The ``export`` permission (evaluators and admins; never the ministry) records every download in
the audit log (the view deriver in evalsys/accounts/policy.py).
"""

from __future__ import annotations

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config

from evalsys.i18n import _
from evalsys.jobs.queue import enqueue
from evalsys.results import exports
from evalsys.results.export_download import export_response
from evalsys.results.export_job import job_params


def _language(request) -> str:
    return request.locale_name if request.locale_name in ("nl", "en") else "nl"


def _csv_style(request, given: str | None) -> str:
    """The chosen CSV style, or the language's; a style that does not exist is a 400."""
    if not given:
        return exports.default_csv_style(_language(request))
    if given not in exports.CSV_STYLES:
        raise HTTPBadRequest(
            request.translate(
                _(
                    "There is no CSV style ${style}. Choose excel_nl (Dutch Excel: ; and a "
                    "decimal comma) or international (, and a decimal point).",
                    mapping={"style": given[:40]},
                )
            )
        )
    return given


@view_config(route_name="intervention.export_job", permission="export", request_method="POST")
def export_job(context, request):
    """The same export as a job (evalsys.results.export_job): its page shows the progress."""
    fmt = request.POST.get("format", "")
    if fmt not in exports.FORMATS:
        raise HTTPBadRequest(
            request.translate(
                _(
                    "Choose one of the formats of the list: ${formats}.",
                    mapping={"formats": ", ".join(exports.FORMATS)},
                )
            )
        )
    params = job_params(
        fmt,
        language=_language(request),
        free_text=request.POST.get("text") == "1",
        changes=request.POST.get("changes") == "1",
        csv_style=_csv_style(request, request.POST.get("csv_style")),
    )
    job = enqueue(request, "export", intervention=context.intervention, params=params)
    return HTTPSeeOther(request.route_url("job.show", id=job.id))


@view_config(route_name="intervention.export", permission="export", request_method="GET")
def export(context, request):
    language = request.params.get("lang") or request.locale_name
    return export_response(
        request,
        context.intervention,
        request.matchdict["format"],
        language=language if language in ("nl", "en") else "nl",
        free_text=request.params.get("text") == "1",
        changes=request.params.get("changes") == "1",
        csv_style=_csv_style(request, request.params.get("csv_style")),
    )
