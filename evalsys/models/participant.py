"""Participants: pseudonymous codes, never names, e-mail addresses or birth dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .intervention import Site, same_intervention_fk
from .meta import Base, utcnow

GROUPS = ("intervention", "comparison")
CONSENT_BY = ("participant", "parent")


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("intervention_id", "code"),
        UniqueConstraint("id", "intervention_id"),
        same_intervention_fk("site_id", "sites"),
        CheckConstraint(f"group_name IN {GROUPS}", name="group_name"),
        CheckConstraint(f"consent_by IS NULL OR consent_by IN {CONSENT_BY}", name="consent_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    group_name: Mapped[str] = mapped_column("group_name", String(16), default="intervention")
    consent_at: Mapped[dt.datetime | None]
    consent_by: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(
        foreign_keys="Participant.site_id",
        primaryjoin="Participant.site_id == Site.id",
    )
