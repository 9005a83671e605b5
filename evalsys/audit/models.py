"""The append-only audit log: who did what, when, to which data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from evalsys.db.meta import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        # Login throttling counts recent failures per account and per client address.
        Index("ix_audit_events_action_target", "action", "target_id", "occurred_at"),
        Index("ix_audit_events_action_client", "action", "client_addr", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The name is kept as text too, so the log still says who it was after a user is removed.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(64), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    intervention_id: Mapped[int | None]
    site_id: Mapped[int | None]
    client_addr: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(default=dict)


@event.listens_for(AuditEvent, "before_update")
def _audit_is_append_only(mapper, connection, target) -> None:
    raise ValueError("the audit log is append-only: audit events are never changed")


@event.listens_for(AuditEvent, "before_delete")
def _audit_is_never_deleted(mapper, connection, target) -> None:
    raise ValueError("the audit log is append-only: audit events are never deleted")
