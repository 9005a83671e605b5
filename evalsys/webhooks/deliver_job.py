"""Delivering webhooks as a scheduled job: every minute on the queue's workers (and in the
served process's thread on SQLite), and as soon as a request that raised an event commits."""

from __future__ import annotations

from evalsys.jobs.tasks import task
from evalsys.webhooks import delivery
from evalsys.webhooks.events import JOB


# writes=True: the run commits its own short transactions (evalsys.webhooks.delivery) and holds
# no lock while the receivers answer.
@task(JOB, writes=True, cron="* * * * *", every=60)
def deliver_webhooks(run, dbsession, job) -> dict:
    return delivery.deliver(dbsession, run.runtime.settings)
