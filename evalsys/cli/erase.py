"""evalsys erase CONFIG --intervention SLUG --site SLUG --code CODE --reason TEXT [--yes]."""

from __future__ import annotations

from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.cli.common import intervention_by_slug, site_by_slug
from evalsys.cli.retention import operator
from evalsys.privacy import ErasureError, erase_participant, find_participant
from evalsys.privacy.erasure import checked_reason, preview


def add_arguments(parser) -> None:
    parser.add_argument("--intervention", required=True, metavar="SLUG")
    parser.add_argument("--site", required=True, metavar="SLUG")
    parser.add_argument("--code", required=True, help="the participant's code")
    parser.add_argument(
        "--reason", required=True, help="why (kept in the audit log; no names or codes)"
    )
    parser.add_argument("--yes", action="store_true", help="erase without asking to confirm")


def run(args) -> int:
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        intervention = intervention_by_slug(dbsession, args.intervention)
        site = site_by_slug(intervention, args.site)
        try:
            participant = find_participant(dbsession, intervention, site, args.code)
            checked_reason(args.reason, participant.code)
        except ErasureError as error:
            raise CommandError(_english(error)) from None
        code, where = participant.code, site.slug  # read now: erasure expires the session
        what = preview(dbsession, participant)
        waves = ", ".join(what.waves) or "no round"
        print(
            f"participant {code} at {where}: {what.counts.responses} responses "
            f"(all versions; {waves}), {what.counts.scores} scores"
        )
        if not args.yes and not _confirmed(code):
            print("nothing erased")
            return 1
        erasure = erase_participant(
            dbsession, settings, participant, args.reason, operator=operator()
        )
    print(
        f"erased participant {code} at {where}: {erasure.counts.responses} responses, "
        f"{erasure.counts.scores} scores, {erasure.error_report_lines} error report lines "
        f"(audit event {erasure.tombstone_id})"
    )
    return 0


def _english(error: ErasureError) -> str:
    text = error.args[0]
    return text.interpolate() if hasattr(text, "interpolate") else str(text)


def _confirmed(code: str) -> bool:
    try:
        answer = input(f"This cannot be undone. Type the code {code} to erase: ")
    except EOFError:  # no terminal to ask on: only --yes erases
        return False
    return answer.strip().upper() == code
