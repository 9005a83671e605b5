"""evalsys due CONFIG --intervention SLUG --site SLUG [--status S] [--out FILE]: who is due for
their next round, by participant code (the due list of docs/follow-up.md)."""

from __future__ import annotations

from pathlib import Path

from evalsys import audit
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.cli.common import intervention_by_slug, site_by_slug
from evalsys.followup import due_list, files
from evalsys.followup.schedule import STATUSES, Rules, counts
from evalsys.jobs.run import in_words

FORMATS = ("csv", "xlsx", "pdf")


def add_arguments(parser) -> None:
    parser.add_argument("--intervention", required=True, metavar="SLUG")
    parser.add_argument("--site", required=True, metavar="SLUG")
    parser.add_argument(
        "--status", choices=STATUSES, help="only this status (default: those that need action)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write a .csv, .xlsx or .pdf file instead of a table"
    )
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="language of words")


def run(args) -> int:
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.suffix.lstrip(".") not in FORMATS:
            raise CommandError(f"--out must end in .csv, .xlsx or .pdf, not {out.name!r}")
        if not out.parent.is_dir():
            raise CommandError(f"folder {str(out.parent)!r} does not exist; create it first")
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    words = {key: in_words(args.lang, text) for key, text in files.STATUS_WORDS.items()}
    with database_session(engine) as dbsession:
        intervention = intervention_by_slug(dbsession, args.intervention)
        site = site_by_slug(intervention, args.site)
        rows = due_list.due_rows(
            dbsession, intervention, site_ids=[site.id], rules=Rules.from_settings(settings)
        )
        shown = due_list.listed(rows, args.status)
        cells = files.records(shown, words)
        if out is not None:
            _write(out, cells, intervention, site, args.lang)
        if shown:
            audit.record(
                dbsession,
                "participant_data_viewed",
                target_type="command",
                target_id="due",
                intervention_id=intervention.id,
                site_id=site.id,
                due_list=len(shown),
            )
    found = counts(rows)
    print(", ".join(f"{words[s]}: {found[s]}" for s in STATUSES))
    if out is not None:
        print(f"wrote {out}: {len(shown)} participants")
    else:
        for row in cells:
            print("  ".join(cell or "-" for cell in row))
    return 0


def _write(out: Path, cells, intervention, site, language: str) -> None:
    if out.suffix == ".csv":
        body = files.csv_bytes(cells)
    elif out.suffix == ".xlsx":
        body = files.xlsx_bytes(cells)
    else:
        body = files.pdf_bytes(
            cells,
            title=in_words(language, files.title(site.name)),
            subtitle=in_words(language, files.subtitle(intervention.name, due_list.today())),
            headers=[in_words(language, h) for h in files.HEADERS],
        )
    try:
        out.write_bytes(body)
    except OSError as error:
        raise CommandError(f"cannot write {out}: {error.strerror}") from None
