"""evalsys report CONFIG --intervention SLUG [--lang nl|en] --out FILE.pdf: the PDF report."""

from __future__ import annotations

from pathlib import Path

from ..services import audit, evaluation, reports
from .bootstrap import CommandError, database_session, load_settings, migrated_engine
from .common import intervention_by_slug
from .progress_bar import ProgressBar

HELP = "write the evaluation report of an intervention (current data) as a PDF file"


def add_arguments(parser) -> None:
    parser.add_argument("--intervention", required=True, metavar="SLUG")
    parser.add_argument("--lang", choices=reports.LANGUAGES, default="nl")
    parser.add_argument("--out", required=True, metavar="FILE.pdf")


def run(args) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"folder {str(out.parent)!r} does not exist; create it first")
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    bar = ProgressBar("report", 3)
    with database_session(engine) as dbsession:
        intervention = intervention_by_slug(dbsession, args.intervention)
        bar.update(1)
        try:
            found = evaluation.evaluate_intervention(
                dbsession, intervention, settings, language=args.lang
            )
            bar.update(2)
            pdf = reports.make_pdf(found, args.lang)
        except evaluation.NoResults as error:
            raise CommandError(f"no report for {args.intervention}: {error}") from None
        except reports.ReportUnavailable as error:
            raise CommandError(str(error)) from None
        audit.record(
            dbsession,
            "export",
            target_type="command",
            target_id="report pdf",
            intervention_id=intervention.id,
            language=args.lang,
        )
    out.write_bytes(pdf)
    bar.close()
    print(
        f"wrote {out} ({len(pdf):,} bytes, data read at {found.data_taken_at:%Y-%m-%d %H:%M} UTC)"
    )
    return 0
