"""Instruments through the API: the library, importing a form for an intervention, exporting one.

An import has the rights of setting up its intervention (api.contexts.ApiIntervention's
``manage``). With a session the file must be the raw body under its own media type: a
cross-site form can only send form bodies, so refusing those keeps other sites out, as the JSON
body does for the rest of the API. A bearer token may send multipart/form-data as well.
"""

from __future__ import annotations

from pyramid.response import Response
from pyramid.view import view_config

import surveys
from evalsys.api.contexts import ApiIntervention
from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.instruments_contract import FILE_TYPES, RAW_TYPES
from evalsys.api.representations import library_instrument
from evalsys.programme.models import Intervention
from evalsys.setup import instruments as stored
from evalsys.setup.instrument_export import export_file, file_name
from evalsys.setup.instrument_import import FORMATS, format_of, import_form

DEFAULT_MAX_IMPORT_BYTES = 5 * 1024 * 1024
# bodies a browser form sends (and so a cross-site page can): refused with a session
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded", "text/plain")
_TYPE_FORMAT = {RAW_TYPES[0]: "xlsform", RAW_TYPES[1]: "xlsform", "text/csv": "redcap"}


class ImportTarget(ApiIntervention):
    """The intervention an import is for, with the set-up rights of api.contexts."""

    def __init__(self, intervention: Intervention):
        self.intervention = intervention


@view_config(route_name="api.instruments", request_method="GET", renderer="json", permission="api")
def list_instruments(request):
    """The library: what a questionnaire can be made of, blocks about the participant too."""
    found = stored.available(request.dbsession) + stored.demographics_blocks(request.dbsession)
    found.sort(key=lambda i: (i.kind, i.id, i.version))
    return {"items": [library_instrument(i) for i in found]}


@view_config(
    route_name="api.instrument_import",
    request_method="POST",
    renderer="json",
    permission="api",
    require_csrf=False,  # see the module docstring
)
def import_instruments(request):
    data, filename, params = _upload(request)
    intervention = _target(request, params.get("intervention"))
    fmt = params.get("format") or _TYPE_FORMAT.get(request.content_type)
    if fmt is not None and fmt not in FORMATS:
        raise ApiError(
            ErrorCode.validation_failed,
            "format is xlsform or redcap",
            [detail("format", "invalid_option", "use xlsform or redcap")],
        )
    try:
        result = import_form(
            request.dbsession,
            data,
            filename,
            owner=intervention.slug,
            fmt=fmt,
            intervention=intervention,
            actor=request.identity,
            language=request.locale_name,
        )
    except stored.InstrumentImportError as error:
        raise _import_error(request, error) from None
    request.response.status_int = 201
    demographics = result.demographics
    return {
        "intervention": intervention.slug,
        "format": fmt or format_of(filename, data),
        "added": list(result.added),
        "instruments": [library_instrument(i) for i in result.instruments],
        "demographics": None if demographics is None else library_instrument(demographics),
        "form_ids": result.form_ids,
        "consent": result.consent,
    }


def _upload(request) -> tuple[bytes, str, dict]:
    """The file's bytes, its name and the parameters (query string, or the multipart fields)."""
    limit = int(
        request.registry.settings.get("evalsys.api.max_import_bytes", DEFAULT_MAX_IMPORT_BYTES)
    )
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(ErrorCode.request_too_large, f"the file may be at most {limit} bytes")
    params = {k: request.GET.get(k) for k in ("format", "intervention", "filename")}
    media = request.content_type
    if media in _FORM_TYPES and (media != "multipart/form-data" or request.access.grant is None):
        raise ApiError(
            ErrorCode.unsupported_media_type,
            "send the file as the body with its own Content-Type ("
            + ", ".join(RAW_TYPES)
            + "); with a token, multipart/form-data with a file field works too",
        )
    if media == "multipart/form-data":
        upload = request.POST.get("file")
        if upload is None or not hasattr(upload, "file"):
            raise ApiError(
                ErrorCode.validation_failed,
                "the form has no file",
                [detail("file", "required", "send the form as the field file")],
            )
        for name in ("format", "intervention"):
            params[name] = request.POST.get(name) or params[name]
        data = upload.file.read(limit + 1)
        filename = upload.filename or params["filename"] or ""
    elif media in RAW_TYPES:
        stream = request.body_file_seekable
        stream.seek(0)
        data = stream.read(limit + 1)
        stream.seek(0)  # pyramid_retry may run the request again
        filename = params["filename"] or ""
    else:
        raise ApiError(
            ErrorCode.unsupported_media_type,
            "send the file with one of these Content-Types: " + ", ".join(RAW_TYPES),
        )
    if len(data) > limit:
        raise ApiError(ErrorCode.request_too_large, f"the file may be at most {limit} bytes")
    if not data:
        raise ApiError(
            ErrorCode.validation_failed,
            "the file is empty",
            [detail("file", "required", "send the form's file as the body")],
        )
    return data, filename, params


def _target(request, slug: str | None) -> Intervention:
    """The intervention the import is for; 403 unless the asker may set it up."""
    grant = request.access.grant
    intervention = None
    if slug:
        found = request.dbsession.query(Intervention).filter_by(slug=slug).one_or_none()
        if found is not None and request.access.knows(found.id):
            intervention = found
    elif grant is not None:
        intervention = request.dbsession.get(Intervention, grant.intervention_id)
    else:
        raise ApiError(
            ErrorCode.validation_failed,
            "name the intervention the instruments are for",
            [detail("intervention", "required", "add ?intervention=<slug>")],
        )
    if intervention is None:
        raise ApiError(
            ErrorCode.validation_failed,
            "no intervention with this slug that you may see",
            [detail("intervention", "unknown", "an intervention's slug")],
        )
    if not request.has_permission("manage", ImportTarget(intervention)):
        raise ApiError(
            ErrorCode.forbidden,
            "importing instruments needs the rights of setting up this intervention: its "
            "evaluator's or an admin's session, or a submit token for the whole intervention",
        )
    return intervention


def _import_error(request, error: stored.InstrumentImportError) -> ApiError:
    message = request.localizer.translate(error.args[0])
    if error.code in ("nothing_new", "version_taken"):
        return ApiError(ErrorCode.conflict, message, [detail("file", error.code, message)])
    details = [detail("file", error.code, line) for line in error.problems]
    return ApiError(
        ErrorCode.validation_failed, message, details or [detail("file", error.code, message)]
    )


@view_config(route_name="api.instrument_export", request_method="GET", permission="api")
def export_instrument(request):
    fmt = request.GET.get("format") or "xlsform"
    if fmt not in FILE_TYPES:
        raise ApiError(
            ErrorCode.validation_failed,
            "format is xlsform, redcap or yaml",
            [detail("format", "invalid_option", "use xlsform, redcap or yaml")],
        )
    try:
        instrument = stored.find(
            request.dbsession, request.matchdict["id"], request.GET.get("version") or None
        )
    except surveys.UnknownInstrumentError:
        raise ApiError(ErrorCode.not_found, "no instrument with this id and version") from None
    request.tm.doom()  # never writes
    try:
        data = export_file(instrument, fmt)
    except stored.InstrumentImportError as error:
        message = request.localizer.translate(error.args[0])
        raise ApiError(
            ErrorCode.validation_failed, message, [detail("format", error.code, message)]
        ) from None
    name = file_name(instrument.id, instrument.version, fmt)
    response = Response(body=data, content_type=FILE_TYPES[fmt])
    if fmt != "xlsform":
        response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{name}"'
    return response
