"""The `evalsys` command: its sub-commands (COMMANDS), each a module; one-line errors."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each command is a module of this package with add_arguments(parser) and run(args). Only the
# chosen one is imported: together they import the whole app (seconds), which `--help` and a
# mistyped command should not wait for.
COMMANDS = {
    "initdb": "create the database schema, or migrate it to the latest version",
    "adduser": "create a user with a role, and the intervention or sites they work on",
    "demo": "add a synthetic demo programme and one login per role (safe to run again)",
    "token": "create an API token for a user (printed once; only its hash is stored)",
    "report": "write the evaluation report of an intervention, or of the programme, as a PDF file",
    "import": "import a spreadsheet (.csv, .xlsx) of answers into a site: every row, or none",
    "export": "export an intervention's responses (pseudonymised) as CSV, Excel or SPSS .sav",
    "retention": "delete participant data whose retention period has ended (--dry-run: list it)",
    "erase": "erase one participant (by code, at a site) and all their responses, on request",
    "worker": "run the queued jobs (imports, exports, reports, retention) on PostgreSQL",
    "due": "list who is due for their next round at a site (codes only), or write it to a file",
    "digests": "queue today's follow-up digests for coordinators and deliver the outbox now",
    "instrument": "import a form (XLSForm, REDCap data dictionary) as instruments, or export one",
}


def build_parser(command: str) -> argparse.ArgumentParser:
    """The parser, with the options of ``command`` (of none, if it names no command)."""
    parser = argparse.ArgumentParser(prog="evalsys", description="Manage an evalsys installation.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in COMMANDS.items():
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("config", metavar="CONFIG", help="the .ini file, e.g. development.ini")
        if name == command:
            _module(name).add_arguments(sub)
    return parser


# Commands whose module has another name ("import" is a Python keyword).
MODULES = {"import": "import_file"}


def _module(name: str):
    return importlib.import_module(f"{__name__}.{MODULES.get(name, name)}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The command is the first word; without one (or with --help alone) no command is loaded.
    chosen = next((word for word in argv if not word.startswith("-")), "")
    args = build_parser(chosen).parse_args(argv)
    from evalsys.cli.bootstrap import CommandError

    try:
        return _module(args.command).run(args) or 0
    except CommandError as error:
        print(f"evalsys {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"evalsys {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
