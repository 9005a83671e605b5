"""evalsys report CONFIG --intervention SLUG [--lang nl|en] --out FILE.pdf: the PDF report."""

from __future__ import annotations

from pathlib import Path

from evalsys import audit
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.cli.common import intervention_by_slug
from evalsys.cli.progress_bar import ProgressBar
from evalsys.results import evaluation, reports


def add_arguments(parser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--intervention", metavar="SLUG")
    which.add_argument(
        "--programme",
        action="store_true",
        help="one report across all interventions that have results",
    )
    parser.add_argument("--lang", choices=reports.LANGUAGES, default="nl")
    parser.add_argument("--out", required=True, metavar="FILE.pdf")


def run(args) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"folder {str(out.parent)!r} does not exist; create it first")
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    if args.programme:
        return programme(args, engine, settings, out)
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


def programme(args, engine, settings: dict, out: Path) -> int:
    with database_session(engine) as dbsession:
        found = reports.programme_evaluations(dbsession, settings, args.lang)
        if not found:
            raise CommandError("no intervention has results yet: nothing to report")
        pdf = reports.make_programme_pdf(found, args.lang)
        audit.record(
            dbsession,
            "export",
            target_type="command",
            target_id="programme report",
            language=args.lang,
            interventions=len(found),
        )
    out.write_bytes(pdf)
    print(f"wrote {out} ({len(pdf):,} bytes, {len(found)} interventions)")
    return 0
