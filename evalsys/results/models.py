"""Published report versions: the PDF exactly as published, its checksum and its aggregates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from evalsys.db.meta import Base, utcnow


class ReportVersion(Base):
    """One published version of an intervention's evaluation report; never changed afterwards.

    ``data_taken_at`` is when the scores were read (the data snapshot), ``checksum`` the sha256
    of ``pdf``, and ``aggregates`` the disclosed EvaluationResult.to_dict(): aggregate figures
    only, the same numbers the PDF shows.
    """

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("intervention_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data_taken_at: Mapped[dt.datetime]
    checksum: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    aggregates: Mapped[dict]
    note: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(ReportVersion, "before_update")
def _published_reports_never_change(mapper, connection, target) -> None:
    raise ValueError("a published report version is never changed; publish a new version instead")
