"""Alembic environment: the database URL comes from the app's settings (DATABASE_URL wins)."""

from alembic import context

from evalsys.db import get_engine
from evalsys.models import metadata
from evalsys.settings import apply_environment

config = context.config


def settings_from_config() -> dict:
    # Called from `evalsys initdb` the caller hands in the settings; from the alembic
    # command line we read the [app:main] section of the same .ini file.
    settings = config.attributes.get("settings")
    if settings is None:
        from pyramid.paster import get_appsettings

        settings = apply_environment(get_appsettings(config.config_file_name))
    return settings


def run_migrations_offline() -> None:
    context.configure(
        url=settings_from_config()["sqlalchemy.url"],
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = get_engine(settings_from_config())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
