"""evalsys initdb CONFIG: create or migrate the database schema to the latest version."""

from __future__ import annotations

from evalsys.cli.bootstrap import connect, load_settings, safe_url
from evalsys.db.schema import current_revision, head_revision, upgrade


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    settings = load_settings(args.config)
    engine = connect(settings)
    before = current_revision(engine)
    upgrade(engine, settings)
    after = head_revision(settings)
    where = safe_url(settings["sqlalchemy.url"])
    if before == after:
        print(f"database {where} is up to date (schema {after})")
    else:
        print(f"database {where} migrated from {before or 'empty'} to schema {after}")
    return 0
