"""evalsys export CONFIG --intervention SLUG --format FORMAT --out FILE: participant-level data
(CSV long or wide, XLSX, SPSS .sav, Stata .dta, R: a zip with the CSV and a script)."""

from __future__ import annotations

from pathlib import Path

from evalsys import audit
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.cli.common import intervention_by_slug
from evalsys.cli.progress_bar import ProgressBar
from evalsys.results import export_files, exports

# "csv" is the long CSV; the web's names (exports.FORMATS) work too.
FORMAT_NAMES = {"csv": "csv_long"} | {f: f for f in exports.FORMATS}


def add_arguments(parser) -> None:
    parser.add_argument("--intervention", required=True, metavar="SLUG")
    parser.add_argument("--format", required=True, choices=sorted(FORMAT_NAMES))
    parser.add_argument("--out", required=True, metavar="FILE")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="language of labels")
    parser.add_argument(
        "--free-text", action="store_true", help="include free-text answers (may be personal)"
    )
    parser.add_argument(
        "--csv-style",
        choices=tuple(exports.CSV_STYLES),
        help="CSV: excel_nl (; and a decimal comma) or international (, and a decimal point); "
        "default: excel_nl with --lang nl, international with --lang en",
    )


def run(args) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"folder {str(out.parent)!r} does not exist; create it first")
    fmt = FORMAT_NAMES[args.format]
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        intervention = intervention_by_slug(dbsession, args.intervention)
        total = exports.count_responses(dbsession, intervention)
        bar = ProgressBar(f"export {fmt}", total)
        try:
            export_files.write_file(
                dbsession,
                intervention,
                fmt,
                str(out),
                language=args.lang,
                free_text=args.free_text,
                csv_style=args.csv_style,
                progress=bar.update,
            )
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
        bar.close()
        audit.record(
            dbsession,
            "export",
            target_type="command",
            target_id=f"export {fmt}",
            intervention_id=intervention.id,
            rows=total,
            free_text=args.free_text,
        )
    print(f"wrote {out}: {total:,} responses ({fmt})")
    return 0
