"""evalsys retention CONFIG [--dry-run]: delete participant data whose retention period ended."""

from __future__ import annotations

import datetime as dt
import getpass

from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.privacy import run_retention


def add_arguments(parser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="act as if today were this date (to rehearse a run with --dry-run)",
    )


def operator() -> str:
    """The system account that runs the command (a scheduled run: the service's account)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid, e.g. in a bare container
        return ""


def run(args) -> int:
    today = None
    if args.as_of:
        try:
            today = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise CommandError(f"--as-of {args.as_of!r} is not a date like 2027-01-31") from None
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        items = run_retention(
            dbsession, settings, today=today, dry_run=args.dry_run, operator=operator()
        )
    if not items:
        print("no intervention has participant data past its retention period")
        return 0
    verb = "would delete" if args.dry_run else "deleted"
    for item in items:
        print(f"{item.slug} (retention ended on {item.ends_on.isoformat()}): {verb}")
        for slug, counts in item.sites.items():
            print(f"  {slug}: {_counts(counts)}")
        print(f"  total: {_counts(item.total)}")
    if args.dry_run:
        print("dry run: nothing was deleted")
    return 0


def _counts(counts) -> str:
    return (
        f"{counts.participants:,} participants, {counts.responses:,} responses "
        f"(all versions), {counts.scores:,} scores"
    )
