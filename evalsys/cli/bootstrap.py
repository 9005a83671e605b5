"""What every command needs first: readable settings and a reachable, migrated database."""

from __future__ import annotations

import configparser
import contextlib
from pathlib import Path

import transaction
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from evalsys.db import get_engine
from evalsys.db.schema import SchemaOutOfDate, check_up_to_date
from evalsys.db.transactions import get_session_factory, get_tm_session
from evalsys.settings import ConfigurationError, apply_environment


class CommandError(Exception):
    """A problem the user can fix; the message says how."""


def load_settings(config_path: str) -> dict:
    path = Path(config_path)
    if not path.is_file():
        raise CommandError(
            f"config file {config_path!r} not found: pass the path of an .ini file, "
            "for example development.ini"
        )
    try:
        from pyramid.paster import get_appsettings, setup_logging

        setup_logging(str(path))
        return apply_environment(get_appsettings(str(path)))
    except ConfigurationError as error:
        raise CommandError(f"{config_path}: {error}") from None
    except (configparser.Error, LookupError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CommandError(
            f"cannot read {config_path} ({reason}): it must be an .ini file with an [app:main] "
            "section; compare it with development.ini"
        ) from None


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def connect(settings: dict) -> Engine:
    url = settings["sqlalchemy.url"]
    try:
        engine = get_engine(settings)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except ArgumentError:
        raise CommandError(
            f"the database URL {url!r} is not valid: use e.g. sqlite:///var/evalsys.sqlite "
            "or postgresql://user@host/dbname"
        ) from None
    except (OperationalError, DBAPIError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        raise CommandError(
            f"cannot reach the database at {safe_url(url)} ({reason}): start the database "
            "server, or point DATABASE_URL / sqlalchemy.url at one that runs"
        ) from None
    return engine


def migrated_engine(settings: dict, config_path: str) -> Engine:
    # Every table, so that a command's writes resolve foreign keys into other rooms (an audit
    # event names its user: evalsys.accounts), whatever the command itself imports.
    import evalsys.models  # noqa: F401

    engine = connect(settings)
    try:
        check_up_to_date(engine, settings, config_path)
    except SchemaOutOfDate as error:
        raise CommandError(str(error)) from None
    return engine


@contextlib.contextmanager
def database_session(engine: Engine):
    """A session in a transaction that commits when the block ends without an error."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        yield get_tm_session(get_session_factory(engine), manager)
