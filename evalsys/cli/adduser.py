"""evalsys adduser CONFIG NAME --role ROLE: create a user (for bootstrapping an installation)."""

from __future__ import annotations

import getpass
import sys

from evalsys.accounts.models import ROLES
from evalsys.accounts.users import UserError, create_user
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine


def add_arguments(parser) -> None:
    parser.add_argument("username", metavar="NAME")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--display-name", default="")
    parser.add_argument(
        "--intervention",
        metavar="SLUG",
        help="the intervention an evaluator or coordinator works on",
    )
    parser.add_argument(
        "--site",
        metavar="SLUG",
        action="append",
        default=[],
        help="a coordinator's site (repeat for several)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of asking",
    )


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for a password: pass --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise CommandError("the two passwords differ; nothing was saved")
    return first


def run(args) -> int:
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    password = read_password(args.password_stdin)
    try:
        with database_session(engine) as dbsession:
            create_user(
                dbsession,
                args.username,
                args.role,
                password,
                display_name=args.display_name,
                intervention=args.intervention,
                sites=args.site,
            )
    except (UserError, ValueError) as error:
        raise CommandError(f"{error}; nothing was saved") from None
    print(f"user {args.username} ({args.role}) created")
    return 0
