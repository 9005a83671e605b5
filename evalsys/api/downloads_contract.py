"""The JSON API's contract for downloads (evalsys/api/downloads.py, reports.py, jobs.py):
exports, the change log, due list files, reports and the published archive, and jobs."""

from __future__ import annotations

from evalsys.api.openapi_parts import (
    SITE,
    SLUG,
    WRITE_ERRORS,
    body,
    errors,
    ok,
    path_param,
    query,
)
from evalsys.api.schemas import object_schema
from evalsys.followup.files import FORMATS as DUE_FORMATS
from evalsys.followup.files import MEDIA_TYPES as DUE_MEDIA_TYPES
from evalsys.followup.schedule import STATUSES
from evalsys.results.exports import CSV_STYLES
from evalsys.results.exports import FORMATS as EXPORT_FORMATS
from evalsys.results.exports import MEDIA_TYPES as EXPORT_MEDIA_TYPES

JOB_KINDS = ("export", "report", "evaluate")
LANGUAGES = ("nl", "en")
_DISPOSITION = {
    "Content-Disposition": {
        "description": 'attachment; filename="..." (the name the web gives the same file)',
        "schema": {"type": "string"},
        "required": True,
    }
}
_JOB_LOCATION = {"Location": {"description": "URL of the job", "schema": {"type": "string"}}}
_ETAG = {"ETag": {"description": "the PDF's SHA-256", "schema": {"type": "string"}}}


def _files(description: str, media_types, headers: dict | None = None) -> dict:
    """A 200 answer that is a file of one of ``media_types`` (its bytes, no JSON schema)."""
    return {
        "200": {
            "description": description,
            "headers": {**_DISPOSITION, **(headers or {})},
            "content": {m: {"schema": {"contentMediaType": m}} for m in media_types},
        }
    }


_EXPORT_TYPES = sorted({m.split(";")[0] for m in EXPORT_MEDIA_TYPES.values()})
_LANG = query(
    "lang", "language of labels and texts (default: the account's)", {"enum": list(LANGUAGES)}
)
_FLAG = {"type": "string", "enum": ["0", "1"]}
_CSV_STYLE_TEXT = (
    "CSV only: excel_nl (`;` between cells, a decimal comma; what a Dutch Excel opens in "
    "columns) or international (`,` and a decimal point); default: excel_nl for the language "
    "nl, international for en. Both UTF-8 with a BOM"
)
_CSV_STYLE = {"type": "string", "enum": list(CSV_STYLES)}
_RESULT = {"type": "object", "description": "the disclosed figures (small cells suppressed)"}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
# A version's standing (evalsys.results.reports.status_of): withdrawn ones stay listed.
_STATUS = {
    "status": {
        "type": "string",
        "enum": ["published", "withdrawn", "replaced"],
        "description": "withdrawn: its PDF is refused (410 report_withdrawn); replaced: "
        "withdrawn, and replaced_by_id names the version that replaces it",
    },
    "withdrawn_at": {"type": ["string", "null"], "format": "date-time"},
    "withdrawal_reason": {**_NULLABLE_TEXT, "description": "why it was withdrawn"},
    "replaced_by_id": {"type": ["integer", "null"]},
    "replaces_id": {"type": ["integer", "null"], "description": "the version this one replaces"},
}
_STATUS_REQUIRED = tuple(_STATUS)

DOWNLOAD_SCHEMAS: dict[str, dict] = {
    "CurrentReport": object_schema(
        {
            "intervention": {"type": "string"},
            "language": {"type": "string", "enum": list(LANGUAGES)},
            "data_taken_at": _TIME,
            "result": _RESULT,
        },
        ("intervention", "language", "data_taken_at", "result"),
    ),
    "PublishedReport": object_schema(
        {
            "intervention": {"type": "string"},
            "version": {"type": "integer"},
            "language": {"type": "string"},
            "published_at": _TIME,
            "data_taken_at": _TIME,
            "checksum_sha256": {"type": "string"},
            **_STATUS,
            "result": _RESULT,
        },
        (
            "intervention",
            "version",
            "language",
            "published_at",
            "data_taken_at",
            "checksum_sha256",
            *_STATUS_REQUIRED,
            "result",
        ),
    ),
    "ReportVersion": object_schema(
        {
            "id": {"type": "integer"},
            "intervention": {"type": "string"},
            "intervention_name": {"type": "string"},
            "version": {"type": "integer"},
            "language": {"type": "string"},
            "published_at": _TIME,
            "data_taken_at": _TIME,
            "checksum_sha256": {"type": "string"},
            "note": {"type": "string"},
            **_STATUS,
            "pdf": {"type": "string", "description": "URL of the PDF (410 once withdrawn)"},
            "json": {"type": "string", "description": "URL of the aggregate figures"},
        },
        (
            "id",
            "intervention",
            "intervention_name",
            "version",
            "language",
            "published_at",
            "data_taken_at",
            "checksum_sha256",
            "note",
            *_STATUS_REQUIRED,
            "pdf",
            "json",
        ),
    ),
    "ReportVersionList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/ReportVersion"}}},
        ("items",),
    ),
    "JobStart": object_schema(
        {
            "kind": {"type": "string", "enum": list(JOB_KINDS)},
            "format": {
                "type": "string",
                "enum": list(EXPORT_FORMATS),
                "description": "an export's format (required for kind export)",
            },
            "language": {"type": "string", "enum": list(LANGUAGES)},
            "free_text": {"type": "boolean", "description": "an export with free-text answers"},
            "changes": {"type": "boolean", "description": "an xlsx export with the change log"},
            "csv_style": {**_CSV_STYLE, "description": _CSV_STYLE_TEXT},
        },
        ("kind",),
    ),
    "Job": object_schema(
        {
            "id": {"type": "integer"},
            "kind": {"type": "string"},
            "intervention": _NULLABLE_TEXT,
            "site": _NULLABLE_TEXT,
            "created_at": _TIME,
            "state": {
                "type": "string",
                "enum": ["queued", "running", "done", "failed", "cancelled"],
            },
            "done": {"type": "integer"},
            "total": {"type": ["integer", "null"]},
            "percent": {"type": ["integer", "null"]},
            "elapsed_seconds": {"type": ["integer", "null"]},
            "remaining_seconds": {"type": ["integer", "null"], "description": "an estimate"},
            "finished": {"type": "boolean"},
            "cancelling": {"type": "boolean"},
            "error": {**_NULLABLE_TEXT, "description": "why it failed, in the user's language"},
            "result": {**_NULLABLE_TEXT, "description": "URL of its result, once there is one"},
        },
        (
            "id",
            "kind",
            "intervention",
            "site",
            "created_at",
            "state",
            "done",
            "total",
            "percent",
            "elapsed_seconds",
            "remaining_seconds",
            "finished",
            "cancelling",
            "error",
            "result",
        ),
    ),
    "JobList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}, ("items",)
    ),
}

_JOB_ID = path_param("id", "the job's id", {"type": "integer"})
_REPORT_ID = path_param("id", "the published version's id", {"type": "integer"})
_LARGE = (
    " More current responses than `evalsys.results.page_max_responses` (as on the web): 409 "
    "with a message pointing to `POST /interventions/{slug}/jobs`. No results yet: 409."
)
DOWNLOAD_OPERATIONS: dict[str, tuple[str, dict]] = {
    "api.export": (
        "/interventions/{slug}/exports/{format}",
        {
            "parameters": [
                SLUG,
                path_param("format", "the export's format", {"enum": list(EXPORT_FORMATS)}),
            ],
            "get": {
                "operationId": "getExport",
                "summary": "The intervention's responses as CSV, XLSX, SPSS .sav, Stata .dta or R",
                "description": "Participant-level data: a `read` token for the whole "
                "intervention (or an evaluator's session); never a site token or the ministry. "
                "Each download is audited (`export`). Free-text answers only with `text=1`; "
                "`changes=1` adds the change log to an xlsx file as a sheet; `csv_style` chooses "
                "how a CSV file separates cells and decimals. The file name carries the date "
                "and time (UTC) it was made.",
                "parameters": [
                    _LANG,
                    query("text", "1: include free-text answers", _FLAG),
                    query("changes", "1: an xlsx file gets the change log as a sheet", _FLAG),
                    query("csv_style", _CSV_STYLE_TEXT, _CSV_STYLE),
                ],
                "responses": {
                    **_files("the export", _EXPORT_TYPES),
                    **errors(403, 404, 422),
                },
            },
        },
    ),
    "api.change_log": (
        "/interventions/{slug}/change-log",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "getChangeLog",
                "summary": "Every correction, move and void of the responses (CSV)",
                "description": "As the exports: whole-intervention `read` token; audited.",
                "responses": {**_files("the change log", ["text/csv"]), **errors(403, 404)},
            },
        },
    ),
    "api.current_report": (
        "/interventions/{slug}/report",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "getCurrentReport",
                "summary": "The report's aggregate figures from the current data (JSON)",
                "description": "What the PDF of the current data shows, disclosed (small cells "
                "suppressed); whole-intervention `read` token; audited as an export." + _LARGE,
                "parameters": [_LANG],
                "responses": {
                    **ok(200, "CurrentReport", "the disclosed figures"),
                    **errors(403, 404, 409, 422),
                },
            },
        },
    ),
    "api.current_report_pdf": (
        "/interventions/{slug}/report/pdf",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "getCurrentReportPdf",
                "summary": "The evaluation report (PDF) of the current data, not published",
                "description": "Whole-intervention `read` token; audited as an export." + _LARGE,
                "parameters": [_LANG],
                "responses": {
                    **_files("the PDF", ["application/pdf"]),
                    **errors(403, 404, 409, 422),
                },
            },
        },
    ),
    "api.site_due_file": (
        "/interventions/{slug}/sites/{site}/due/{format}",
        {
            "parameters": [
                SLUG,
                SITE,
                path_param("format", "the file's format", {"enum": list(DUE_FORMATS)}),
            ],
            "get": {
                "operationId": "getDueListFile",
                "summary": "The site's due list as CSV, XLSX or an A4 PDF (participant codes)",
                "description": "The same rows as GET .../due, in the account's language; a "
                "`read` token for the intervention or this site. Audited as a read of "
                "participant-level data.",
                "parameters": [
                    query("status", "only this status", {"enum": list(STATUSES)}),
                ],
                "responses": {
                    **_files("the due list", list(DUE_MEDIA_TYPES.values())),
                    **errors(403, 404, 422),
                },
            },
        },
    ),
    "api.intervention_jobs": (
        "/interventions/{slug}/jobs",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "listInterventionJobs",
                "summary": "Your newest jobs about this intervention",
                "description": "Whole-intervention `read` token (as starting one).",
                "responses": {**ok(200, "JobList", "jobs, newest first"), **errors(403, 404)},
            },
            "post": {
                "operationId": "startJob",
                "summary": "Start an export, report (PDF) or evaluate job for large data",
                "description": "Whole-intervention `read` token. 202 with the job and its URL in "
                "`Location`; poll it until `finished`, then GET its `result`. An export job is "
                "audited as an export, an evaluate job as a read of participant data.",
                "requestBody": body("JobStart"),
                "responses": {
                    **ok(202, "Job", "the job, queued", _JOB_LOCATION),
                    **errors(*WRITE_ERRORS),
                },
            },
        },
    ),
    "api.jobs": (
        "/jobs",
        {
            "get": {
                "operationId": "listJobs",
                "summary": "The newest jobs of the token's user (within the token's scope)",
                "responses": {**ok(200, "JobList", "jobs, newest first"), **errors(403)},
            }
        },
    ),
    "api.job": (
        "/jobs/{id}",
        {
            "parameters": [_JOB_ID],
            "get": {
                "operationId": "getJob",
                "summary": "A job's progress (the fields of the web's status.json)",
                "description": "Only the user who started it (404 for anyone else).",
                "responses": {**ok(200, "Job", "the job"), **errors(404)},
            },
        },
    ),
    "api.job_result": (
        "/jobs/{id}/result",
        {
            "parameters": [_JOB_ID],
            "get": {
                "operationId": "getJobResult",
                "summary": "A finished job's file (an evaluate job's: its figures as JSON)",
                "description": "Kept 24 hours (`evalsys.jobs.keep_results_hours`). Not finished "
                "yet: 409. Failed, cancelled, expired, or outside the token's read scope: 404. "
                "Audited (`job_result_downloaded`).",
                "responses": {
                    "200": {
                        "description": "the result",
                        "headers": _DISPOSITION,
                        "content": {
                            **{m: {"schema": {"contentMediaType": m}} for m in _EXPORT_TYPES},
                            "application/pdf": {"schema": {"contentMediaType": "application/pdf"}},
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CurrentReport"}
                            },
                        },
                    },
                    **errors(404, 409),
                },
            },
        },
    ),
    "api.job_cancel": (
        "/jobs/{id}/cancel",
        {
            "parameters": [_JOB_ID],
            "post": {
                "operationId": "cancelJob",
                "summary": "Ask a job to stop (a queued one at once, a running one soon)",
                "description": "No body needed with a token; with a session send "
                "`Content-Type: application/json` (that guards against cross-site requests).",
                "responses": {
                    **ok(202, "Job", "asked to stop"),
                    **ok(200, "Job", "had finished already: nothing changed"),
                    **errors(404, 415),
                },
            },
        },
    ),
    "api.reports": (
        "/reports",
        {
            "get": {
                "operationId": "listReports",
                "summary": "The published report versions the token may read, newest first",
                "description": "A whole-intervention `read` token of an evaluator or a ministry "
                "user: that intervention's versions; a ministry session: all.",
                "responses": {**ok(200, "ReportVersionList", "published versions"), **errors(403)},
            }
        },
    ),
    "api.report_version": (
        "/reports/{id}",
        {
            "parameters": [_REPORT_ID],
            "get": {
                "operationId": "getPublishedReport",
                "summary": "A published version's aggregate figures, as stored beside its PDF",
                "description": "Also for a withdrawn version, marked by `status` with the reason.",
                "responses": {**ok(200, "PublishedReport", "the version"), **errors(403, 404)},
            },
        },
    ),
    "api.report_version_pdf": (
        "/reports/{id}/pdf",
        {
            "parameters": [_REPORT_ID],
            "get": {
                "operationId": "getPublishedReportPdf",
                "summary": "A published version's PDF, exactly as published",
                "description": "A withdrawn version's PDF is refused: `410 report_withdrawn`, "
                "its message giving when and why, and the URL of the version that replaces it.",
                "responses": {
                    **_files("the PDF", ["application/pdf"], _ETAG),
                    "304": {"description": "If-None-Match named its ETag: not changed"},
                    **errors(403, 404, 410),
                },
            },
        },
    ),
}
