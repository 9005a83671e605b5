"""The Alembic migrations: they build exactly the models' schema, and go down and up again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from evalsys.db import get_engine, schema
from evalsys.models import metadata
from evalsys.settings import apply_environment


def test_head_schema_matches_the_models(dbengine):
    with dbengine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == [], "a model changed without a migration: run alembic revision"


def test_upgrade_head_then_downgrade_base_then_upgrade_again(scratch_database):
    settings = apply_environment(scratch_database)
    engine = get_engine(settings)
    try:
        schema.upgrade(engine, settings)
        tables = set(sa.inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
        assert schema.current_revision(engine) == schema.head_revision(settings)

        schema.downgrade(engine, settings, "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        assert schema.current_revision(engine) is None

        schema.upgrade(engine, settings)
        assert set(metadata.tables) <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_unmigrated_database_is_reported(scratch_database):
    settings = apply_environment(scratch_database)
    engine = get_engine(settings)
    try:
        with pytest.raises(schema.SchemaOutOfDate, match="run `evalsys initdb"):
            schema.check_up_to_date(engine, settings)
    finally:
        engine.dispose()
