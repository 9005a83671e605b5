"""The outbox: every message evalsys sends, kept as the log of what went to whom and when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from evalsys.db.meta import Base, utcnow

STATES = ("queued", "sent", "failed")


class MailMessage(Base):
    """One message to one user or participant: queued, then sent (or given up after tries).

    The recipient is the user, never an address: the address is looked up when the message is
    sent, so the log holds who, when and which template, not where it went. ``body`` is
    emptied once the message is sent. ``dedupe_key`` makes queueing the same message twice
    (a digest run retried) a no-op.
    """

    __tablename__ = "mail_messages"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES}", name="state"),
        Index("ix_mail_messages_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant_contacts.id", ondelete="SET NULL")
    )
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE")
    )
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8), default="nl")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class ParticipantContact(Base):
    """The e-mail address a participant left for their next round, apart from the answers.

    Used only for that participant's invitations and reminders (evalsys.followup.invitations);
    never exported and shown to nobody. Deleted when the participant unsubscribes (``token``,
    the link in every such mail), after their last round, and with the participant (erasure,
    retention).
    """

    __tablename__ = "participant_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="nl")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
