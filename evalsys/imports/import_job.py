"""Spreadsheet imports as jobs: the same check-everything-then-store-all, with progress.

The upload is kept in the work folder until the job has run (it is deleted then, whatever
the outcome). The rows are stored in the job's one transaction, with the job's end: a worker
that dies half-way stores nothing, and the job's next run stores every row once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError

from evalsys.accounts.models import User
from evalsys.i18n import _
from evalsys.imports.importer import Importer, record_import
from evalsys.imports.limits import ImportLimits
from evalsys.imports.problems import FileProblem
from evalsys.imports.reports import ErrorReport
from evalsys.imports.spreadsheets import SpreadsheetError, open_table
from evalsys.jobs.run import JobFailed, in_words
from evalsys.jobs.tasks import task
from evalsys.programme.models import Intervention, Site
from evalsys.settings import work_dir

STORED_AT_THE_SAME_MOMENT = _(
    "Answers for some of these participants were stored at the same moment by "
    "someone else. Nothing was stored from your file: upload it again."
)
NOTHING_STORED = _("Nothing was stored. Problems: ${count}. Rows checked: ${rows}.")


def upload_of(settings: dict, name: str) -> Path:
    return work_dir(settings) / "uploads" / Path(name).name


def estimated_rows(path: Path, kind: str) -> int | None:
    """About how many data rows the file has (for the progress bar; the import counts them)."""
    try:
        if kind == "csv":
            with path.open("rb") as f:
                lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
            return max(lines - 1, 1)
        import openpyxl

        with path.open("rb") as f:
            book = openpyxl.load_workbook(f, read_only=True)
            try:
                rows = book.worksheets[0].max_row
            finally:
                book.close()
        return max((rows or 2) - 1, 1)
    except Exception:  # the import itself says what is wrong with the file
        return None


@task("import", writes=True)
def import_file(run, dbsession, job) -> dict:
    settings, params = run.runtime.settings, job.params
    language = params.get("language", "nl")
    path = upload_of(settings, params["upload"])
    try:
        site = dbsession.get(Site, job.site_id)
        intervention = dbsession.get(Intervention, job.intervention_id)
        user = dbsession.get(User, job.user_id) if job.user_id is not None else None
        rows = estimated_rows(path, params["kind"])
        run.set_total(None if rows is None else 2 * rows)

        def progress(step: str, done: int) -> None:
            run.progress(done if step == "checked" else (rows or 0) + done)

        report = ErrorReport(
            settings,
            site.id,
            lambda error: error.text(lambda message: in_words(language, message), language),
            tuple(in_words(language, _(h)) for h in ("row", "column", "value", "problem")),
            path=run.result_path(".csv"),
        )
        try:
            limits = ImportLimits.from_settings(settings)
            table = open_table(path, params["kind"], limits)
            result = Importer(dbsession, intervention, site, user).run(table, report.add, progress)
        except (SpreadsheetError, FileProblem) as error:
            raise JobFailed(error.problem) from None
        except IntegrityError:
            raise JobFailed(STORED_AT_THE_SAME_MOMENT) from None
        finally:
            report.close()
        summary = {
            "rows": result.rows,
            "stored": result.stored,
            "already_stored": result.already_stored,
            "errors": result.errors,
        }
        if result.errors:
            run.attach(report.path, "import-errors.csv", "text/csv")
            summary["shown"] = [
                [error.row, error.column, str(error.value), text] for error, text in report.shown
            ]
            message = _(NOTHING_STORED, mapping={"count": result.errors, "rows": result.rows})
            raise JobFailed(message, summary)
        record_import(dbsession, result, site, actor=user, job=job.id)
        run.total = run.done = 2 * result.rows  # the estimate is replaced by the count
        return summary
    finally:
        path.unlink(missing_ok=True)
