"""Participant-level exports for evaluators: CSV (long, wide), XLSX with codebook, SPSS .sav.

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
    language = request.locale_name if request.locale_name in ("nl", "en") else "nl"
    params = job_params(
        fmt,
        language=language,
        free_text=request.POST.get("text") == "1",
        changes=request.POST.get("changes") == "1",
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
    )
