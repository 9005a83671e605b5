"""Published report versions: the PDF exactly as published, its checksum and its aggregates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column

from evalsys.db.meta import Base, utcnow

# What a withdrawal sets, once, on a version that was live; nothing else ever changes.
WITHDRAWAL_COLUMNS = frozenset(
    ("withdrawn_at", "withdrawn_by_id", "withdrawal_reason", "replaced_by_id")
)


class ReportVersion(Base):
    """One published version of an intervention's evaluation report; never changed afterwards.

    ``data_taken_at`` is when the scores were read (the data snapshot), ``checksum`` the sha256
    of ``pdf``, and ``aggregates`` the disclosed EvaluationResult.to_dict(): aggregate figures
    only, the same numbers the PDF shows.

    A version may be withdrawn once, with a reason its readers see (``withdrawn_at``,
    ``withdrawn_by_id``, ``withdrawal_reason``); when a newer version replaces it,
    ``replaced_by_id`` names that one. The PDF, its checksum and its figures stay as they were.
    """

    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("intervention_id", "version"),
        CheckConstraint(
            "(withdrawn_at IS NULL AND withdrawal_reason IS NULL) "
            "OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name="withdrawal_has_reason",
        ),
    )

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
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_versions.id", ondelete="SET NULL")
    )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@event.listens_for(ReportVersion, "before_update")
def _published_reports_never_change(mapper, connection, target) -> None:
    """Only a withdrawal may touch a stored version, and only once: its own columns, from empty."""
    state = inspect(target)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    withdrawing = changed <= WITHDRAWAL_COLUMNS and all(
        not any(v is not None for v in state.attrs[key].history.deleted) for key in changed
    )
    if changed and not withdrawing:
        raise ValueError(
            "a published report version is never changed; publish a new version instead"
        )
