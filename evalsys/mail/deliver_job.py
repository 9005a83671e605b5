"""Delivering the outbox as a scheduled job: every 5 minutes on the queue's workers (and in the
served process's thread on SQLite)."""

from __future__ import annotations

from evalsys.jobs.tasks import task
from evalsys.mail import outbox


@task("deliver_mail", writes=True, cron="*/5 * * * *", every=300)
def deliver_mail(run, dbsession, job) -> dict:
    return outbox.deliver(dbsession, run.runtime.settings)
