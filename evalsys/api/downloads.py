"""GET downloads of one intervention through the API: exports, the change log, the report of
the current data (PDF and figures) and a site's due list as a file.

Each answers with the service the web's download uses (evalsys.results.export_download,
evalsys.collection.change_log, evalsys.results.reports, evalsys.followup.files), with the web's
content types and file names. The permissions (evalsys.api.download_contexts) are the web's,
so the view deriver writes the same audit events.
"""

from __future__ import annotations

from pyramid.response import Response
from pyramid.view import view_config

from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.collection import change_log
from evalsys.followup import due_list, files
from evalsys.followup.schedule import STATUSES, Rules
from evalsys.results import evaluate_job, evaluation, exports, reports
from evalsys.results.export_download import export_response

LANGUAGES = ("nl", "en")
FLAGS = ("0", "1")


def choice(request, name: str, allowed, default: str | None = None) -> str | None:
    """A query parameter that must be one of ``allowed`` (422 naming it otherwise)."""
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    if value not in allowed:
        raise ApiError(
            ErrorCode.validation_failed,
            f"{name} is one of {', '.join(allowed)}",
            [detail(name, "invalid_option", f"use one of {', '.join(allowed)}")],
        )
    return value


def language(request) -> str:
    fallback = request.locale_name if request.locale_name in LANGUAGES else "nl"
    return choice(request, "lang", LANGUAGES, fallback)


def unknown_format(known) -> ApiError:
    return ApiError(
        ErrorCode.not_found, f"no such format here; the formats are: {', '.join(known)}"
    )


def attachment(body: bytes, content_type: str, name: str, *, charset=None) -> Response:
    return Response(
        body=body,
        content_type=content_type,
        charset=charset,
        content_disposition=f'attachment; filename="{name}"',
        cache_control="no-store",
    )


@view_config(route_name="api.export", request_method="GET", permission="export")
def export(context, request):
    fmt = request.matchdict["format"]
    if fmt not in exports.FORMATS:
        raise unknown_format(exports.FORMATS)
    changes = choice(request, "changes", FLAGS, "0") == "1"
    if changes and fmt != "xlsx":
        raise ApiError(
            ErrorCode.validation_failed,
            "the change log is a sheet of the xlsx export only; for the other formats "
            "GET the change log on its own: /api/v1/interventions/{slug}/change-log",
            [detail("changes", "invalid_option", "only with the format xlsx")],
        )
    lang = language(request)
    csv_style = choice(request, "csv_style", tuple(exports.CSV_STYLES))
    if csv_style and not fmt.startswith("csv"):
        raise ApiError(
            ErrorCode.validation_failed,
            "csv_style is for csv_long and csv_wide only",
            [detail("csv_style", "invalid_option", "only with the formats csv_long, csv_wide")],
        )
    return export_response(
        request,
        context.intervention,
        fmt,
        language=lang,
        free_text=choice(request, "text", FLAGS, "0") == "1",
        changes=changes,
        csv_style=csv_style or exports.default_csv_style(lang),
    )


@view_config(route_name="api.change_log", request_method="GET", permission="export")
def change_log_csv(context, request):
    intervention = context.intervention
    return attachment(
        change_log.change_log_csv(request.dbsession, intervention),
        "text/csv",
        change_log.change_log_filename(intervention),
        charset="utf-8",
    )


def _current_evaluation_allowed(context, request) -> None:
    """The web's limit: more data than a request evaluates goes through a job (409 saying so)."""
    intervention = context.intervention
    settings = request.registry.settings
    responses = evaluate_job.too_large_for_a_page(request.dbsession, intervention, settings)
    if responses:
        raise ApiError(
            ErrorCode.conflict,
            f"{intervention.slug} has {responses} current responses, more than a request "
            f"evaluates ({evaluate_job.page_max(settings)}); start a job instead: POST "
            f"/api/v1/interventions/{intervention.slug}/jobs with "
            '{"kind": "report"} (the PDF) or {"kind": "evaluate"} (the figures as JSON)',
            [detail("kind", "use_job", "report or evaluate")],
        )


def _no_results(error: evaluation.NoResults) -> ApiError:
    return ApiError(ErrorCode.conflict, f"no results to report yet: {error}")


def _no_pdf(error: reports.ReportUnavailable) -> ApiError:
    return ApiError(
        ErrorCode.unavailable,
        f"this installation cannot make PDF reports ({error}); tell the administrator",
        headers={"Retry-After": "3600"},
    )


@view_config(
    route_name="api.current_report", request_method="GET", renderer="json", permission="export"
)
def current_report(context, request):
    lang = language(request)
    _current_evaluation_allowed(context, request)
    try:
        found = evaluation.evaluate_intervention(
            request.dbsession, context.intervention, request.registry.settings, language=lang
        )
    except evaluation.NoResults as error:
        raise _no_results(error) from None
    return reports.current_aggregates(context.intervention, found, lang)


@view_config(route_name="api.current_report_pdf", request_method="GET", permission="export")
def current_report_pdf(context, request):
    lang = language(request)
    _current_evaluation_allowed(context, request)
    try:
        pdf, name = reports.current_pdf(
            request.dbsession, context.intervention, request.registry.settings, lang
        )
    except evaluation.NoResults as error:
        raise _no_results(error) from None
    except reports.ReportUnavailable as error:
        raise _no_pdf(error) from None
    return attachment(pdf, "application/pdf", name)


@view_config(route_name="api.site_due_file", request_method="GET", permission="view_participants")
def site_due_file(context, request):
    fmt = request.matchdict["format"]
    if fmt not in files.FORMATS:
        raise unknown_format(files.FORMATS)
    status = choice(request, "status", STATUSES)
    rows = due_list.due_rows(
        request.dbsession,
        context.intervention,
        site_ids=[context.site.id],
        rules=Rules.from_settings(request.registry.settings),
    )
    body, name = files.due_file(
        fmt,
        due_list.listed(rows, status),
        translate=request.localizer.translate,
        intervention=context.intervention,
        site=context.site,
        day=due_list.today(),
    )
    return attachment(body, files.MEDIA_TYPES[fmt], name, charset="utf-8" if fmt == "csv" else None)
