"""Spreadsheet import: the template download, the upload page and the error report download."""

from __future__ import annotations

import shutil

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import FileResponse, Response
from pyramid.view import view_config
from sqlalchemy.exc import IntegrityError

from evalsys import audit
from evalsys.i18n import _
from evalsys.imports.blank_forms import template_csv, template_xlsx
from evalsys.imports.importer import Importer, record_import
from evalsys.imports.limits import ImportLimits
from evalsys.imports.problems import FileProblem
from evalsys.imports.reports import ErrorReport, report_path, upload_path
from evalsys.imports.spreadsheets import SpreadsheetError, kind_of, open_table
from evalsys.jobs.queue import enqueue
from evalsys.programme import questionnaires

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@view_config(route_name="questionnaire.template", request_method="GET", permission="view")
def template(request):
    intervention = request.context.intervention
    ext = request.matchdict["ext"]
    if intervention.questionnaire is None or ext not in ("csv", "xlsx"):
        raise HTTPNotFound()
    questionnaire = questionnaires.load(intervention.questionnaire)
    if ext == "csv":
        body, content_type = template_csv(questionnaire), "text/csv"
    else:
        body = template_xlsx(questionnaire, intervention, request.locale_name)
        content_type = XLSX_TYPE
    response = Response(body=body, content_type=content_type)
    response.content_disposition = f'attachment; filename="{intervention.slug}-template.{ext}"'
    return response


def max_upload_bytes(settings) -> int:
    return int(float(settings.get("evalsys.max_upload_mb", 50)) * 1024 * 1024)


@view_config(route_name="site.import", renderer="import.jinja2", permission="collect")
def upload(request):
    intervention, site = request.context.intervention, request.context.site
    page = {"intervention": intervention, "site": site, "problem": None, "result": None}
    if request.method != "POST":
        return page
    settings = request.registry.settings
    limit = max_upload_bytes(settings)
    too_large = _(
        "The file is larger than ${mb} MB. Split it into smaller files and upload them one by one.",
        mapping={"mb": settings.get("evalsys.max_upload_mb", 50)},
    )
    if (request.content_length or 0) > limit + 64 * 1024:
        return _refuse(request, page, too_large, 413)
    upload = request.POST.get("file")
    if not hasattr(upload, "file") or not getattr(upload, "filename", ""):
        return _refuse(request, page, _("Choose a file to upload."))
    path = upload_path(settings, ".upload")
    queued = False
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
        size = path.stat().st_size
        if size > limit:
            return _refuse(request, page, too_large, 413)
        if size > background_above_bytes(settings):
            queued = True  # the job deletes the file once it has run
            return _start_job(request, page, path, upload.filename)
        return _import(request, page, path, upload.filename)
    finally:
        if not queued:
            path.unlink(missing_ok=True)


def background_above_bytes(settings) -> int:
    """Files larger than ``evalsys.imports.background_above_kb`` (default 256) run as a job."""
    return int(float(settings.get("evalsys.imports.background_above_kb", 256)) * 1024)


def _start_job(request, page, path, filename):
    """A large file: import it as a job, whose page shows how far it got."""
    try:
        kind = kind_of(filename, path)
    except SpreadsheetError as error:
        return _refuse(request, page, error.problem)
    params = {"upload": path.name, "kind": kind, "language": request.locale_name}
    job = enqueue(
        request, "import", intervention=page["intervention"], site=page["site"], params=params
    )
    return HTTPSeeOther(request.route_url("job.show", id=job.id))


def _import(request, page, path, filename):
    intervention, site = page["intervention"], page["site"]
    language = request.locale_name
    report = ErrorReport(
        request.registry.settings,
        site.id,
        lambda error: error.text(request.translate, language),
        (
            request.translate("row"),
            request.translate("column"),
            request.translate("value"),
            request.translate("problem"),
        ),
    )
    try:
        limits = ImportLimits.from_settings(request.registry.settings)
        table = open_table(path, kind_of(filename, path), limits)
        importer = Importer(request.dbsession, intervention, site, request.identity)
        result = importer.run(table, report.add)
    except (SpreadsheetError, FileProblem) as error:
        request.tm.doom()  # a file that breaks half-way stores nothing
        return _refuse(request, page, error.problem)
    except IntegrityError:
        # Someone stored a response for one of these participants between check and store.
        request.tm.doom()
        return _refuse(
            request,
            page,
            _(
                "Answers for some of these participants were stored at the same moment by "
                "someone else. Nothing was stored from your file: upload it again."
            ),
            409,
        )
    finally:
        report.close()
    page["result"] = result
    if result.errors:
        request.response.status_int = 400
        page["errors"] = report.shown
        page["report_url"] = request.route_url(
            "site.import_report", slug=intervention.slug, site=site.slug, report=report.report_id
        )
        return page
    record_import(request.dbsession, result, site, actor=request.identity, request=request)
    return page


def _refuse(request, page, problem, status: int = 400):
    request.response.status_int = status
    page["problem"] = request.translate(problem)
    return page


@view_config(route_name="site.import_report", request_method="GET", permission="collect")
def report(request):
    path = report_path(
        request.registry.settings, request.context.site.id, request.matchdict["report"]
    )
    if path is None:
        raise HTTPNotFound()
    # The list holds participant codes and answers: a read of participant-level data.
    site = request.context.site
    audit.record_request(
        request,
        "participant_data_viewed",
        target_type="import_report",
        target_id=request.matchdict["report"],
        intervention_id=request.context.intervention.id,
        site_id=site.id,
    )
    response = FileResponse(str(path), request=request, content_type="text/csv")
    response.content_disposition = 'attachment; filename="import-errors.csv"'
    response.cache_control = "private, no-store"
    return response
