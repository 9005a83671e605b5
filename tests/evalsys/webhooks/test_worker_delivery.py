"""On PostgreSQL, end to end: an API submission queues the ``deliver_webhooks`` job on
procrastinate as it commits (once, however many events), and a real `evalsys worker` process
delivers it to a real receiver."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
import transaction
import webtest

from evalsys.db.transactions import get_tm_session
from evalsys.programme.models import Intervention
from evalsys.webhooks import hooks

from .. import builders
from ..api_client import make_link, make_token
from ..builders import BRS_ANSWERS
from ..jobs.test_worker import queue_database, worker  # noqa: F401 - the fixture
from ..world import grant, make_user
from .receiver import receivers  # noqa: F401 - the fixture

QUEUED = sa.text(
    "SELECT count(*) FROM procrastinate.procrastinate_jobs "
    "WHERE task_name = 'evalsys.scheduled.deliver_webhooks' AND status = 'todo'"
)


def test_a_submission_is_delivered_by_a_worker_process(queue_database, receivers):  # noqa: F811
    app, config = queue_database
    receiver = receivers()
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    session = get_tm_session(app.registry["dbsession_factory"], tm)
    iv = builders.intervention(session)
    evaluator = make_user(session, "evaluator-worker", "evaluator")
    grant(session, evaluator, iv)
    hook, secret = hooks.register(
        session,
        session.get(Intervention, iv.id),
        evaluator,
        url=receiver.url,
        events=["response.stored"],
        include_answers=False,
        allow_private=True,  # the receiver listens on 127.0.0.1
    )
    link = make_link(session, iv, iv.sites[0], iv.waves[0]).token
    token = make_token(session, evaluator, iv)
    tm.commit()
    api = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    for code in ("WK1", "WK2"):
        api.post_json(
            "/api/v1/responses",
            {
                "submission_id": str(uuid.uuid4()),
                "link": link,
                "participant_code": code,
                "language": "nl",
                "answers": dict(BRS_ANSWERS),
            },
            headers={"Authorization": f"Bearer {token}"},
            status=201,
        )
    with app.registry["db_engine"].connect() as connection:
        assert connection.execute(QUEUED).scalar() == 1  # one waiting run is enough
    assert receiver.requests == []  # nothing is sent from the web request
    done = worker(config, "--until-empty")
    output, _ = done.communicate(timeout=120)
    assert done.returncode == 0, output
    assert sorted(r.json["participant_code"] for r in receiver.requests) == ["WK1", "WK2"]
    assert all(receiver.verifies(secret, r) for r in receiver.requests)
