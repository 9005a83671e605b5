"""What the webhook tests share: an intervention with two sites, its people, links and tokens,
and small helpers to raise events and run the delivery."""

from __future__ import annotations

import uuid

from evalsys.accounts.models import User
from evalsys.collection.submissions import Submission, submit
from evalsys.programme.models import Intervention
from evalsys.webhooks import delivery, hooks

from .. import builders
from ..api_client import make_link, make_token
from ..builders import BRS_ANSWERS
from ..world import grant, make_user


class HookWorld:
    def __init__(self, dbsession):
        self.iv = builders.intervention(dbsession)
        self.site_a, self.site_b = self.iv.sites
        self.t0, self.t1 = self.iv.waves
        self.link_a = make_link(dbsession, self.iv, self.site_a, self.t0)
        self.link_b = make_link(dbsession, self.iv, self.site_b, self.t0)
        self.evaluator = make_user(dbsession, f"evaluator-{self.iv.slug}", "evaluator")
        grant(dbsession, self.evaluator, self.iv)
        self.coordinator = make_user(dbsession, f"coordinator-{self.iv.slug}", "coordinator")
        grant(dbsession, self.coordinator, self.iv, self.site_a)
        self.ministry = make_user(dbsession, f"ministry-{self.iv.slug}", "ministry")
        self.submit_all = make_token(dbsession, self.evaluator, self.iv)


def body(link, code="AB12", **extra) -> dict:
    values = {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": code,
        "language": "nl",
        "answers": dict(BRS_ANSWERS),
    }
    values.update(extra)
    return values


def register(dbsession, world, owner, url, *, events=None, include_answers=False):
    hook, secret = hooks.register(
        dbsession,
        dbsession.get(Intervention, world.iv.id),  # as the session has it now, not as built
        dbsession.get(User, owner.id),
        url=url,
        events=events or ["response.stored", "response.corrected", "response.voided"],
        include_answers=include_answers,
        allow_private=True,  # the receivers listen on 127.0.0.1 (testing.ini allows it too)
    )
    return hook, secret


def store(dbsession, world, site, code="AB12", wave=None):
    """A response through the one submission path (no web request: nothing is delivered yet)."""
    return submit(
        dbsession,
        Submission(
            submission_id=str(uuid.uuid4()),
            intervention=dbsession.get(Intervention, world.iv.id),  # its webhooks flag as now
            site=site,
            wave=wave or world.t0,
            participant_code=code,
            answers=dict(BRS_ANSWERS),
            mode="paper",
        ),
    )


def run(app, settings=None, now=None) -> dict:
    """One delivery run in a session of its own (it commits as it goes), as the job runs it."""
    session = app.registry["dbsession_factory"]()
    try:
        merged = {**app.registry.settings, **(settings or {})}
        return delivery.deliver(session, merged, now=now)
    finally:
        session.close()
