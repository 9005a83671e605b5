"""Interventions, the sites where they run, their measurement waves and questionnaire versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evalsys.db.meta import Base, utcnow

DESIGNS = ("pre_post", "pre_post_comparison", "randomised")


class Intervention(Base):
    __tablename__ = "interventions"
    __table_args__ = (CheckConstraint(f"design IN {DESIGNS}", name="design"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    protective_factors: Mapped[list] = mapped_column(default=list)
    design: Mapped[str] = mapped_column(String(32), default="pre_post")
    consent_text: Mapped[dict] = mapped_column(default=dict)  # language -> text
    retention_days: Mapped[int | None]
    # Participants may leave an e-mail address for their next round (evalsys.followup.invitations)
    invitations: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Has an active webhook (evalsys.webhooks): only then does a submission write an event,
    # so an intervention without one pays nothing on the submission path.
    webhooks: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    sites: Mapped[list[Site]] = relationship(
        back_populates="intervention", order_by="Site.name", cascade="all, delete-orphan"
    )
    waves: Mapped[list[Wave]] = relationship(
        back_populates="intervention", order_by="Wave.position", cascade="all, delete-orphan"
    )
    questionnaires: Mapped[list[Questionnaire]] = relationship(
        back_populates="intervention",
        order_by="Questionnaire.version",
        cascade="all, delete-orphan",
    )

    @property
    def questionnaire(self) -> Questionnaire | None:
        """The current (latest) questionnaire version."""
        return self.questionnaires[-1] if self.questionnaires else None


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("intervention_id", "slug"),
        # Target of composite foreign keys that keep a row's site inside its intervention.
        UniqueConstraint("id", "intervention_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # Paper forms are typed twice, by two people, before they are stored (double_entry.py).
    double_entry: Mapped[bool] = mapped_column(default=False, server_default=false())

    intervention: Mapped[Intervention] = relationship(back_populates="sites")


class Wave(Base):
    """A measurement occasion: T0 (pre), T1 (post), T2 (follow-up), ordered by position."""

    __tablename__ = "waves"
    __table_args__ = (
        UniqueConstraint("intervention_id", "label"),
        UniqueConstraint("intervention_id", "position"),
        UniqueConstraint("id", "intervention_id"),
        CheckConstraint(
            "closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="dates_ordered"
        ),
        CheckConstraint(
            "(opens_after_days IS NULL OR opens_after_days >= 0) AND "
            "(closes_after_days IS NULL OR opens_after_days IS NULL "
            "OR closes_after_days >= opens_after_days)",
            name="schedule_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(16))
    # The name in Dutch, and the fallback for a language without a name in ``names``.
    name: Mapped[str] = mapped_column(String(200))
    names: Mapped[dict | None] = mapped_column(default=dict)  # language -> name
    position: Mapped[int]
    opens_on: Mapped[dt.date | None]
    closes_on: Mapped[dt.date | None]
    # A personal window: days after the participant answered the previous round
    # (evalsys.followup.schedule); None: the fixed dates only.
    opens_after_days: Mapped[int | None]
    closes_after_days: Mapped[int | None]
    # How participants identify themselves:
    # {"participant_code": "assigned" | "issued" | "self_generated"}
    settings: Mapped[dict] = mapped_column(default=dict)

    intervention: Mapped[Intervention] = relationship(back_populates="waves")

    def name_in(self, language: str) -> str:
        """The name participants and staff read in ``language``; ``name`` when it has none."""
        return (self.names or {}).get(language) or self.name


class Questionnaire(Base):
    """One version of an intervention's questionnaire: ordered instrument versions.

    Versions are append-only: once responses refer to a version, a change makes a new one.
    """

    __tablename__ = "questionnaires"
    __table_args__ = (
        UniqueConstraint("intervention_id", "version"),
        UniqueConstraint("id", "intervention_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    version: Mapped[int]
    # surveys' Questionnaire.to_dict(embed=True); large, and parsed once per process, so it is
    # only read from the database when a process meets this version for the first time.
    definition: Mapped[dict] = mapped_column(deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    intervention: Mapped[Intervention] = relationship(back_populates="questionnaires")


class InstrumentDefinition(Base):
    """An instrument an evaluator registered (imported or written), beside the bundled library."""

    __tablename__ = "instrument_definitions"
    __table_args__ = (UniqueConstraint("instrument_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def same_intervention_fk(column: str, table: str) -> ForeignKeyConstraint:
    """A foreign key on (column, intervention_id): a row can only point inside its intervention."""
    return ForeignKeyConstraint(
        [column, "intervention_id"], [f"{table}.id", f"{table}.intervention_id"]
    )
