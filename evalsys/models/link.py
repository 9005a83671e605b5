"""Survey links: the participant's only key, one per intervention × site × wave × group."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .intervention import Site, Wave, same_intervention_fk
from .meta import Base, utcnow
from .participant import GROUPS


class SurveyLink(Base):
    __tablename__ = "survey_links"
    __table_args__ = (
        UniqueConstraint("site_id", "wave_id", "group_name"),
        same_intervention_fk("site_id", "sites"),
        same_intervention_fk("wave_id", "waves"),
        CheckConstraint(f"group_name IN {GROUPS}", name="group_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int]
    wave_id: Mapped[int]
    group_name: Mapped[str] = mapped_column(String(16), default="intervention")
    is_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]

    site: Mapped[Site] = relationship(
        foreign_keys="SurveyLink.site_id",
        primaryjoin="SurveyLink.site_id == Site.id",
    )
    wave: Mapped[Wave] = relationship(
        foreign_keys="SurveyLink.wave_id",
        primaryjoin="SurveyLink.wave_id == Wave.id",
    )
