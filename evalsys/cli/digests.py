"""evalsys digests CONFIG: queue today's follow-up digests and deliver the outbox now.

The job queue does both on its own (digests at 07:00, the outbox every 5 minutes); this is for
an operator who wants to see the mail settings work (docs/deploy.md)."""

from __future__ import annotations

from evalsys.cli.bootstrap import database_session, load_settings, migrated_engine
from evalsys.followup.digests import queue_digests
from evalsys.mail import outbox, transport


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        queued = queue_digests(dbsession, settings)
        done = outbox.deliver(dbsession, settings)
    where = (
        f"through {settings.get('evalsys.mail.host', 'localhost')}"
        if settings.get("evalsys.mail.transport", "folder") == "smtp"
        else f"into {transport.mail_folder(settings)}"
    )
    print(
        f"queued {queued} digests; sent {done['sent']} {where}, "
        f"{done['retry']} to try again later, {done['given_up']} given up"
    )
    return 0
