"""The `evalsys` command (initdb, adduser, demo, token, report, export); one-line errors."""

from __future__ import annotations

import argparse
import sys

from . import adduser, demo, export, initdb, report, token
from .bootstrap import CommandError

COMMANDS = {
    "initdb": initdb,
    "adduser": adduser,
    "demo": demo,
    "token": token,
    "report": report,
    "export": export,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evalsys", description="Manage an evalsys installation.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        sub.add_argument("config", metavar="CONFIG", help="the .ini file, e.g. development.ini")
        module.add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args) or 0
    except CommandError as error:
        print(f"evalsys {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"evalsys {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
