"""The database schema's state: migrate to head, and tell whether a database needs migrating."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine


class SchemaOutOfDate(Exception):
    """The database is not at the schema this code expects."""


def alembic_config(settings: dict) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("evalsys") / "migrations"))
    config.attributes["settings"] = settings
    return config


def head_revision(settings: dict) -> str:
    return ScriptDirectory.from_config(alembic_config(settings)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, settings: dict, revision: str = "head") -> None:
    config = alembic_config(settings)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, settings: dict, revision: str = "base") -> None:
    config = alembic_config(settings)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def check_up_to_date(engine: Engine, settings: dict, config_path: str = "CONFIG") -> None:
    current, head = current_revision(engine), head_revision(settings)
    if current != head:
        state = "is empty" if current is None else f"is at schema {current}"
        raise SchemaOutOfDate(
            f"the database {state} but this version of evalsys needs schema {head}: "
            f"run `evalsys initdb {config_path}` first"
        )
