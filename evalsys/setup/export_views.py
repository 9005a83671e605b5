"""Downloads on the set-up page: an instrument as XLSForm, REDCap or YAML, the questionnaire as
one XLSForm; with the rights of importing one (``manage`` on the intervention).

The files are evalsys.setup.instrument_export's, the same the API and the command line write.
"""

from __future__ import annotations

from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config

import surveys
from evalsys.i18n import _
from evalsys.programme import questionnaires
from evalsys.setup import SetupError
from evalsys.setup import instruments as stored
from evalsys.setup.instrument_export import (
    MEDIA_TYPES,
    export_file,
    export_questionnaire,
    file_name,
)
from evalsys.setup.views import setup_page


@view_config(route_name="intervention.instrument_export", permission="manage", request_method="GET")
def export_instrument(context, request):
    """One library or imported instrument (``?version=``; default: the newest) as a file."""
    fmt = request.matchdict["format"]
    version = request.GET.get("version") or None
    try:
        instrument = stored.find(request.dbsession, request.matchdict["id"], version)
    except surveys.UnknownInstrumentError:
        return _not_found(request, _("There is no instrument with this id and version."))
    request.tm.doom()  # a download never writes
    try:
        data = export_file(instrument, fmt)
    except stored.InstrumentImportError as problem:
        return _refused(context, request, problem)
    return _download(data, file_name(instrument.id, instrument.version, fmt), fmt)


@view_config(
    route_name="intervention.questionnaire_export", permission="manage", request_method="GET"
)
def export_current_questionnaire(context, request):
    """The intervention's current questionnaire, every block and the consent text, as XLSForm."""
    intervention = context.intervention
    row = intervention.questionnaire
    if row is None:
        return _not_found(request, _("This intervention has no questionnaire yet."))
    request.tm.doom()
    try:
        data = export_questionnaire(questionnaires.load(row), "xlsform")
    except stored.InstrumentImportError as problem:
        return _refused(context, request, problem)
    return _download(data, f"{intervention.slug}-questionnaire-{row.version}.xlsx", "xlsform")


def _download(data: bytes, name: str, fmt: str) -> Response:
    response = Response(body=data, content_type=MEDIA_TYPES[fmt])
    if fmt != "xlsform":
        response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{name}"'
    return response


def _not_found(request, message):
    """The 404 page, saying what is not there."""
    request.response.status_int = 404
    page = {"title": request.translate("Page not found"), "message": request.translate(message)}
    return render_to_response("error.jinja2", page, request=request, response=request.response)


def _refused(context, request, problem: stored.InstrumentImportError):
    """The set-up page saying why this cannot be written (409): never a broken file or a 500."""
    error = SetupError("export", problem.code, problem.args[0], conflict=True)
    page = setup_page(context, request, error, section="export")
    return render_to_response("setup.jinja2", page, request=request, response=request.response)
