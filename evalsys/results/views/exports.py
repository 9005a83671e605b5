"""Participant-level exports for evaluators: CSV (long, wide), XLSX with codebook, SPSS .sav.

The ``export`` permission (evaluators and admins; never the ministry) records every download in
the audit log (the view deriver in evalsys/accounts/policy.py).
"""

from __future__ import annotations

import os
import tempfile

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from evalsys.i18n import _
from evalsys.jobs.queue import enqueue
from evalsys.programme.models import Intervention
from evalsys.results import export_files, exports


def _filename(intervention: Intervention, fmt: str) -> str:
    return f"{intervention.slug}-{fmt.replace('_', '-')}.{exports.EXTENSIONS[fmt]}"


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
    params = {
        "format": fmt,
        "language": language,
        "free_text": request.POST.get("text") == "1",
        "changes": fmt == "xlsx" and request.POST.get("changes") == "1",
    }
    job = enqueue(request, "export", intervention=context.intervention, params=params)
    return HTTPSeeOther(request.route_url("job.show", id=job.id))


@view_config(route_name="intervention.export", permission="export", request_method="GET")
def export(context, request):
    intervention = context.intervention
    fmt = request.matchdict["format"]
    language = request.params.get("lang") or request.locale_name
    language = language if language in ("nl", "en") else "nl"
    free_text = request.params.get("text") == "1"
    if fmt in ("csv_long", "csv_wide"):
        app_iter = _streamed_csv(request, intervention.id, fmt, language, free_text)
    else:
        changes = request.params.get("changes") == "1"
        app_iter = _file_iter(request.dbsession, intervention, fmt, language, free_text, changes)
    return Response(
        app_iter=app_iter,
        content_type=exports.MEDIA_TYPES[fmt].split(";")[0],
        charset="utf-8" if fmt.startswith("csv") else None,
        content_disposition=f'attachment; filename="{_filename(intervention, fmt)}"',
        cache_control="no-store",
    )


def _streamed_csv(request, intervention_id: int, fmt: str, language: str, free_text: bool):
    """CSV chunks read with a session of their own: the response is sent after the request's
    transaction has ended, and memory stays bounded whatever the number of responses."""
    factory = request.registry["dbsession_factory"]

    def stream():
        session = factory()
        try:
            intervention = session.get(Intervention, intervention_id)
            plan = exports.layout(intervention, language=language, free_text=free_text)
            yield from export_files.csv_bytes(session, intervention, fmt, plan)
        finally:
            session.rollback()
            session.close()

    return stream()


def _file_iter(
    dbsession, intervention: Intervention, fmt: str, language: str, free_text: bool, changes: bool
):
    """XLSX and .sav are written to a temporary file first, then sent in blocks; ``changes``:
    an XLSX file gets the change log as a sheet."""
    handle, path = tempfile.mkstemp(suffix=f".{exports.EXTENSIONS[fmt]}")
    os.close(handle)
    try:
        export_files.write_file(
            dbsession,
            intervention,
            fmt,
            path,
            language=language,
            free_text=free_text,
            change_log=changes,
        )
        opened = open(path, "rb")  # noqa: SIM115 - FileIter closes it when the response is sent
    finally:
        os.unlink(path)  # the open handle keeps the data until it is closed
    return FileIter(opened)
