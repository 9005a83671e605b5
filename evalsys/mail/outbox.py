"""Queueing a message and delivering the queue: retried with back-off, never twice queued.

A message is queued inside the transaction that decides it (a digest run), and delivered by
the ``deliver_mail`` job (evalsys.mail.deliver_job) every few minutes and at the end of each
digest run; never from a web request. A failed attempt waits 2, 4, 8, ... minutes; after
``MAX_ATTEMPTS`` the message is given up (``failed``, the reason kept). Delivery is at least
once: a worker that dies between the server's "accepted" and the commit sends that message
again on the next run.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select

from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.jobs.run import in_words
from evalsys.mail import transport
from evalsys.mail.models import MailMessage, ParticipantContact

MAX_ATTEMPTS = 6
BATCH = 500
DIGESTS = ("wave_opened", "overdue_weekly")  # templates a user can switch off


def public_url(settings: dict) -> str:
    """The address people reach evalsys at (``evalsys.public_url``), for links in mail."""
    return settings.get("evalsys.public_url", "http://localhost:6543").rstrip("/")


def written(language: str, subject, paragraphs) -> tuple[str, str]:
    """A subject and a plain-text body in ``language``, from translation strings."""
    body = "\n\n".join(in_words(language, paragraph) for paragraph in paragraphs) + "\n"
    return in_words(language, subject), body


def last_queued(dbsession, *conditions) -> dt.date | None:
    """The (UTC) day the newest message matching ``conditions`` was queued for, or None."""
    query = (
        select(MailMessage.created_at)
        .where(*conditions)
        .order_by(MailMessage.created_at.desc())
        .limit(1)
    )
    found = dbsession.execute(query).scalar()
    return None if found is None else found.astimezone(dt.UTC).date()


def queue(
    dbsession,
    *,
    template: str,
    dedupe_key: str,
    user: User | None = None,
    contact: ParticipantContact | None = None,
    subject: str,
    body: str,
    language: str = "nl",
    intervention_id: int | None = None,
    site_id: int | None = None,
    queued_at: dt.datetime | None = None,
) -> MailMessage | None:
    """Queue one message to a user or a participant's address; None when one with this
    ``dedupe_key`` was queued before. ``queued_at``: the moment the message is for (a run
    for another day than today, as a test rehearses one); default now."""
    known = select(MailMessage.id).where(MailMessage.dedupe_key == dedupe_key)
    if dbsession.execute(known).first() is not None:
        return None
    row = MailMessage(
        template=template,
        dedupe_key=dedupe_key,
        user_id=None if user is None else user.id,
        contact_id=None if contact is None else contact.id,
        intervention_id=intervention_id,
        site_id=site_id,
        language=language,
        subject=subject,
        body=body,
        created_at=queued_at or utcnow(),
    )
    dbsession.add(row)
    dbsession.flush()
    return row


def unsubscribe_url(settings: dict, contact: ParticipantContact) -> str:
    return f"{public_url(settings)}/mail/stop/{contact.token}"  # route mail.unsubscribe


def _message(
    settings: dict, row: MailMessage, address: str, contact: ParticipantContact | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = transport.sender(settings)
    message["To"] = address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="evalsys")
    message["X-Evalsys-Message"] = str(row.id)
    if row.template in DIGESTS:
        account = f"{public_url(settings)}/account/mail"  # route account.mail
        message["List-Unsubscribe"] = f"<{account}>"
    elif contact is not None:  # one click in the mail program deletes the address (RFC 8058)
        message["List-Unsubscribe"] = f"<{unsubscribe_url(settings, contact)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body)
    message["Content-Language"] = row.language
    return message


def deliver(dbsession, settings: dict, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Send what is due; returns how many were sent, will be retried, were given up."""
    now = now or utcnow()
    due = (
        select(MailMessage)
        .where(MailMessage.state == "queued", MailMessage.next_attempt_at <= now)
        .order_by(MailMessage.id)
        .limit(BATCH)
    )
    done = {"sent": 0, "retry": 0, "given_up": 0}
    for row in dbsession.execute(due).scalars():
        user = dbsession.get(User, row.user_id) if row.user_id is not None else None
        contact = (
            dbsession.get(ParticipantContact, row.contact_id)
            if row.contact_id is not None
            else None
        )
        reason = _not_wanted(user, row) if contact is None else ""
        if reason:
            row.state, row.last_error, row.body = "failed", reason, ""
            done["given_up"] += 1
            continue
        row.attempts += 1
        try:
            address = user.email if contact is None else contact.email
            transport.send(settings, _message(settings, row, address, contact))
        except transport.MailNotSent as error:
            row.last_error = str(error)
            if row.attempts >= MAX_ATTEMPTS:
                row.state, row.body = "failed", ""
                done["given_up"] += 1
            else:
                row.next_attempt_at = now + dt.timedelta(minutes=2**row.attempts)
                done["retry"] += 1
            continue
        row.state, row.sent_at, row.body, row.last_error = "sent", now, "", None
        done["sent"] += 1
    dbsession.flush()
    return done


def _not_wanted(user: User | None, row: MailMessage) -> str:
    if row.user_id is None and row.template not in DIGESTS:
        return "the participant's address is gone (unsubscribed, last round, erased)"
    if user is None or not user.active:
        return "the account is gone or blocked"
    if not user.email:
        return "the account has no e-mail address"
    if row.template in DIGESTS and not user.digests:
        return "the user switched digests off"
    return ""
