"""evalsys token CONFIG --user NAME --intervention SLUG ...: create an API token for a user."""

from __future__ import annotations

from evalsys import audit
from evalsys.accounts.models import TOKEN_PERMISSIONS, User
from evalsys.accounts.tokens import create_token
from evalsys.accounts.users import UserError
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.programme.models import Intervention


def add_arguments(parser) -> None:
    parser.add_argument("--user", required=True, metavar="NAME", help="whose token it is")
    parser.add_argument("--intervention", required=True, metavar="SLUG")
    parser.add_argument("--site", metavar="SLUG", help="limit the token to one site")
    parser.add_argument("--permission", required=True, choices=TOKEN_PERMISSIONS)
    parser.add_argument("--name", default="command line", help="what the token is for")
    parser.add_argument(
        "--expires-days",
        type=int,
        metavar="DAYS",
        help="valid this many days (default: until revoked)",
    )


def run(args) -> int:
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        user = dbsession.query(User).filter_by(username=args.user).one_or_none()
        if user is None:
            raise CommandError(f"no user {args.user!r}; create one with `evalsys adduser`")
        intervention = dbsession.query(Intervention).filter_by(slug=args.intervention).one_or_none()
        if intervention is None:
            raise CommandError(f"no intervention with the short name {args.intervention!r}")
        site = None
        if args.site:
            site = next((s for s in intervention.sites if s.slug == args.site), None)
            if site is None:
                known = ", ".join(sorted(s.slug for s in intervention.sites)) or "none yet"
                raise CommandError(
                    f"intervention {args.intervention!r} has no site {args.site!r}; "
                    f"its sites are: {known}"
                )
        if args.expires_days is not None and args.expires_days < 1:
            raise CommandError("--expires-days must be 1 or more")
        try:
            token, secret = create_token(
                dbsession,
                user,
                name=args.name,
                permission=args.permission,
                intervention=intervention,
                site=site,
                expires_in_days=args.expires_days,
            )
        except UserError as error:
            raise CommandError(f"{error}; nothing was saved") from None
        audit.record(
            dbsession,
            "token_created",
            actor=user,
            target_type="api_token",
            target_id=token.id,
            intervention_id=token.intervention_id,
            site_id=token.site_id,
            permission=token.permission,
            name=token.name,
            via="command line",
        )
        scope = intervention.slug + (f"/{site.slug}" if site else " (all sites)")
    print(f"token for {args.user}, {args.permission} on {scope}:")
    print(secret)
    print("store it now: it is not shown again. Send it as: Authorization: Bearer <token>")
    return 0
