"""On the SQLite default, the served process's job thread delivers as soon as it is asked to
(``run_soon``), without waiting for the next minute's scheduled run."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

import evalsys.webhooks.deliver_job  # noqa: F401 - registers the task, as the app does
from evalsys.db import get_engine, schema
from evalsys.db.transactions import get_session_factory
from evalsys.jobs.queue import ThreadBackend
from evalsys.jobs.run import Runtime
from evalsys.settings import apply_environment
from evalsys.webhooks import hooks
from evalsys.webhooks.events import JOB

from .. import builders
from ..world import grant, make_user
from .hook_world import store
from .receiver import receivers  # noqa: F401 - the fixture


def test_the_job_thread_delivers_when_asked(scratch_database, receivers):  # noqa: F811
    settings = apply_environment(scratch_database)
    if sa.make_url(settings["sqlalchemy.url"]).get_backend_name() != "sqlite":
        pytest.skip("the job thread is SQLite's; PostgreSQL has procrastinate's workers")
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    factory = get_session_factory(engine)
    receiver = receivers()
    session = factory()
    iv = builders.intervention(session)
    evaluator = make_user(session, "evaluator-thread", "evaluator")
    grant(session, evaluator, iv)
    hooks.register(
        session,
        iv,
        evaluator,
        url=receiver.url,
        events=["response.stored"],
        include_answers=False,
        allow_private=True,  # the receiver listens on 127.0.0.1
    )

    class World:  # what hook_world.store reads
        pass

    world = World()
    world.iv, world.t0 = iv, iv.waves[0]
    store(session, world, iv.sites[0], code="TH1")
    session.commit()
    session.close()
    backend = ThreadBackend(Runtime(settings, engine, factory))
    backend.run_soon(JOB)
    deadline = time.monotonic() + 20
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.1)
    backend.stop()  # else it runs the schedule a minute later on a database that is gone
    assert [r.json["participant_code"] for r in receiver.requests] == ["TH1"]
    assert not backend.thread.is_alive()
    engine.dispose()
