"""Exports as jobs: the same files as a direct download, written by a worker with progress."""

from __future__ import annotations

import datetime as dt

from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.jobs.run import JobFailed
from evalsys.jobs.tasks import task
from evalsys.programme.models import Intervention
from evalsys.results import export_files, exports


def filename(intervention: Intervention, fmt: str, made_at: dt.datetime | None = None) -> str:
    """``<slug>-<YYYYMMDD-HHMM>-<format>.<ext>``: dated (UTC) as the PDF report's name is."""
    stamp = (made_at or utcnow()).strftime("%Y%m%d-%H%M")
    return f"{intervention.slug}-{stamp}-{fmt.replace('_', '-')}.{exports.EXTENSIONS[fmt]}"


def job_params(
    fmt: str, *, language: str, free_text: bool, changes: bool, csv_style: str | None = None
) -> dict:
    """What an export job is told (the web's form and the API's request): ``changes`` only
    for XLSX, the one format with a sheet for it; ``csv_style`` (default: the language's)
    only for CSV."""
    is_csv = fmt in ("csv_long", "csv_wide")
    return {
        "format": fmt,
        "language": language,
        "free_text": free_text,
        "changes": fmt == "xlsx" and changes,
        "csv_style": (csv_style or exports.default_csv_style(language)) if is_csv else None,
    }


@task("export")
def export(run, dbsession, job) -> dict:
    params = job.params
    fmt = params["format"]
    intervention = dbsession.get(Intervention, job.intervention_id)
    total = exports.count_responses(dbsession, intervention)
    run.set_total(total)
    path = run.result_path(f".{exports.EXTENSIONS[fmt]}")
    try:
        export_files.write_file(
            dbsession,
            intervention,
            fmt,
            str(path),
            language=params.get("language", "nl"),
            free_text=bool(params.get("free_text")),
            # a job queued before the styles were there: the CSV of that time
            csv_style=params.get("csv_style", "international"),
            change_log=bool(params.get("changes")),
            progress=run.progress,
        )
    except OSError as error:
        raise JobFailed(_NO_SPACE if error.errno == 28 else _NOT_WRITTEN) from None
    name = filename(intervention, fmt, job.created_at)
    run.attach(path, name, exports.MEDIA_TYPES[fmt].split(";")[0])
    return {"responses": total, "format": fmt}


_NO_SPACE = _(
    "The server's disk is full, so the file could not be written. Tell the administrator."
)
_NOT_WRITTEN = _(
    "The file could not be written on the server. Try again, or tell the administrator."
)
