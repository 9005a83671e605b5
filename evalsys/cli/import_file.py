"""evalsys import CONFIG --intervention SLUG --site SLUG --file FILE: a spreadsheet, all or none.

The same import as the site's upload page (evalsys.imports): every row is checked first, then
all rows are stored or none; a file run again stores nothing twice.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.cli.common import intervention_by_slug, site_by_slug
from evalsys.cli.progress_bar import ProgressBar
from evalsys.imports.import_job import estimated_rows
from evalsys.imports.importer import Importer, record_import
from evalsys.imports.limits import ImportLimits
from evalsys.imports.problems import FileProblem
from evalsys.imports.reports import ErrorReport
from evalsys.imports.spreadsheets import SpreadsheetError, kind_of, open_table

SHOWN = 20  # problems printed; --errors FILE gets them all


def add_arguments(parser) -> None:
    parser.add_argument("--intervention", required=True, metavar="SLUG")
    parser.add_argument("--site", required=True, metavar="SLUG")
    parser.add_argument("--file", required=True, metavar="FILE", help="a .csv or .xlsx file")
    parser.add_argument(
        "--errors", metavar="FILE.csv", help="write every problem to this file (row;column;...)"
    )


def run(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"file {args.file!r} not found")
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        intervention = intervention_by_slug(dbsession, args.intervention)
        site = site_by_slug(intervention, args.site)
        report = ErrorReport(
            settings,
            site.id,
            lambda error: error.text(None, "en"),
            ("row", "column", "value", "problem"),
            path=Path(args.errors) if args.errors else None,
        )
        try:
            kind = kind_of(path.name, path)
            rows = estimated_rows(path, kind) or 0
            bar = ProgressBar("import", 2 * rows or None)
            table = open_table(path, kind, ImportLimits.from_settings(settings))
            importer = Importer(dbsession, intervention, site)

            def progress(step: str, done: int) -> None:
                bar.update(done if step == "checked" else rows + done)

            result = importer.run(table, report.add, progress)
            bar.close()
        except (SpreadsheetError, FileProblem) as error:
            raise CommandError(f"nothing was stored: {error.problem.interpolate()}") from None
        except IntegrityError:
            raise CommandError(
                "nothing was stored: answers for some of these participants were stored at the "
                "same moment by someone else; run the command again"
            ) from None
        finally:
            report.close()
        if result.errors:
            for error, text in report.shown[:SHOWN]:
                print(f"row {error.row}, {error.column} = {error.value!r}: {text}", file=sys.stderr)
            more = f" (all of them in {args.errors})" if args.errors else " (--errors FILE: all)"
            raise CommandError(
                f"nothing was stored (problems: {result.errors}, rows checked: {result.rows})"
                f"{more}; correct the file and run the command again"
            )
        record_import(dbsession, result, site, command=True)
    print(
        f"stored {result.stored:,} responses from {result.rows:,} rows "
        f"({result.already_stored:,} were stored before)"
    )
    return 0
