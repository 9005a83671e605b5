"""Test fixtures: one database per test session, migrated with Alembic; each test rolled back."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
import transaction
import webtest
from pyramid.paster import get_appsettings
from transaction.interfaces import NoTransaction

from evalsys import main
from evalsys.db import get_engine, schema
from evalsys.db.transactions import get_tm_session
from evalsys.models import metadata
from evalsys.settings import apply_environment

ROOT = Path(__file__).resolve().parent.parent


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("EVALSYS_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'evalsys-test.sqlite'}"


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory) -> dict:
    settings = dict(get_appsettings(str(ROOT / "testing.ini")))
    settings["sqlalchemy.url"] = database_url(tmp_path_factory)
    settings["evalsys.session_secret_file"] = str(tmp_path_factory.mktemp("secret") / "secret")
    os.environ.pop("DATABASE_URL", None)  # the app must use the URL chosen above
    return settings


@pytest.fixture(scope="session")
def dbengine(app_settings):
    settings = apply_environment(app_settings)
    engine = get_engine(settings)
    # Start from nothing, even if an earlier run left tables behind.
    with engine.begin() as connection:
        metadata.drop_all(connection)
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    schema.upgrade(engine, settings)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(app_settings, dbengine):
    return main({}, **app_settings)


@pytest.fixture
def connection(app, dbengine):
    """A connection in an outer transaction; everything a test commits is rolled back after it."""
    connection = dbengine.connect()
    outer = connection.begin()
    app.registry["dbsession_factory"].configure(
        bind=connection, join_transaction_mode="create_savepoint"
    )
    yield connection
    outer.rollback()
    connection.close()


@pytest.fixture
def tm():
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    yield manager
    try:
        manager.abort()
    except NoTransaction:  # the test ended its transaction itself
        pass


@pytest.fixture
def dbsession(app, connection, tm):
    """A session for tests of services and models, joined to the rolled-back connection."""
    return get_tm_session(app.registry["dbsession_factory"], tm)


@pytest.fixture
def testapp(app, connection):
    """The application through the real WSGI stack, pyramid_tm committing each request."""
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})


def _scratch_database(app_settings, folder):
    """An empty database of the same kind as the suite's; yields its settings, then drops it."""
    url = sa.make_url(apply_environment(app_settings)["sqlalchemy.url"])
    if url.get_backend_name() == "sqlite":
        yield {**app_settings, "sqlalchemy.url": f"sqlite:///{folder}/scratch.sqlite"}
        return
    name = f"evalsys_scratch_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield {**app_settings, "sqlalchemy.url": url.set(database=name).render_as_string(False)}
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def scratch_database(app_settings, tmp_path):
    yield from _scratch_database(app_settings, tmp_path)


@pytest.fixture(scope="module")
def scratch_database_module(app_settings, tmp_path_factory):
    """An empty database for one test module alone (one whose writes others must not see)."""
    yield from _scratch_database(app_settings, tmp_path_factory.mktemp("scratch_module"))


@pytest.fixture(scope="session")
def scratch_database_session(app_settings, tmp_path_factory):
    yield from _scratch_database(app_settings, tmp_path_factory.mktemp("scratch"))
