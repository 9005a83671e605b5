"""An export as a download: CSV streamed, XLSX and .sav sent from a temporary file (the web's
export links and the JSON API's export endpoints both answer with :func:`export_response`)."""

from __future__ import annotations

import os
import tempfile

from pyramid.response import FileIter, Response

from evalsys.programme.models import Intervention
from evalsys.results import export_files, exports
from evalsys.results.export_job import filename


def export_response(
    request,
    intervention: Intervention,
    fmt: str,
    *,
    language: str,
    free_text: bool = False,
    changes: bool = False,
    csv_style: str | None = None,
) -> Response:
    """The export of ``fmt`` (one of exports.FORMATS) as an attachment; ``changes``: an XLSX
    file gets the change log as a sheet; ``csv_style`` (one of exports.CSV_STYLES, default:
    the language's) for the CSV formats."""
    if fmt in ("csv_long", "csv_wide"):
        style = csv_style or exports.default_csv_style(language)
        app_iter = _streamed_csv(request, intervention.id, fmt, language, free_text, style)
    else:
        app_iter = _file_iter(request.dbsession, intervention, fmt, language, free_text, changes)
    return Response(
        app_iter=app_iter,
        content_type=exports.MEDIA_TYPES[fmt].split(";")[0],
        charset="utf-8" if fmt.startswith("csv") else None,
        content_disposition=f'attachment; filename="{filename(intervention, fmt)}"',
        cache_control="no-store",
    )


def _streamed_csv(
    request, intervention_id: int, fmt: str, language: str, free_text: bool, style: str
):
    """CSV chunks read with a session of their own: the response is sent after the request's
    transaction has ended, and memory stays bounded whatever the number of responses."""
    factory = request.registry["dbsession_factory"]

    def stream():
        session = factory()
        try:
            intervention = session.get(Intervention, intervention_id)
            plan = exports.layout(intervention, language=language, free_text=free_text)
            yield from export_files.csv_bytes(session, intervention, fmt, plan, style=style)
        finally:
            session.rollback()
            session.close()

    return stream()


def _file_iter(
    dbsession, intervention: Intervention, fmt: str, language: str, free_text: bool, changes: bool
):
    """XLSX and .sav are written to a temporary file first, then sent in blocks."""
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
