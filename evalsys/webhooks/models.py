"""The webhooks of an intervention, the outbox of its events and the log of every delivery."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evalsys.accounts.models import User
from evalsys.db.meta import Base, utcnow

EVENTS = (
    "response.stored",
    "response.corrected",
    "response.voided",
    "report.published",
    "report.withdrawn",
)
STATES = ("pending", "delivered", "given_up")


class Webhook(Base):
    """A URL that is told of an intervention's events, with the rights of the user who made it.

    ``secret`` signs every body (evalsys.webhooks.signing); it is shown once, when the hook is
    made, and never again. ``failures_in_row`` counts deliveries given up one after the other:
    after ``evalsys.webhooks.off_after`` of them the hook is switched off
    (``switched_off_at``, ``switched_off_reason``) and its owner gets a notice.
    """

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(default=list)
    include_answers: Mapped[bool] = mapped_column(default=False)
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    failures_in_row: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    switched_off_at: Mapped[dt.datetime | None]
    switched_off_reason: Mapped[str | None] = mapped_column(String(300))

    owner: Mapped[User] = relationship()


class WebhookEvent(Base):
    """An event not yet handed to the webhooks: written in the transaction that caused it (a
    rolled-back submission leaves none), turned into deliveries and deleted by the next run of
    the ``deliver_webhooks`` job. ``payload`` holds the plain facts of the event, answers
    included; each delivery's body takes from it only what its webhook may carry."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event (or test ping) for one webhook: its body, and how its attempts went.

    ``uuid`` is the delivery id a receiver sees (the same in every retry, so it can drop a
    repeat). Tried again after 2, 4, 8, ... minutes; given up after
    ``evalsys.webhooks.max_attempts``. ``body`` is emptied once the delivery is delivered or
    given up: the log keeps the event, the state, the attempts and the last answer, never the
    secret.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES}", name="state"),
        Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text, default="")
    has_answers: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
