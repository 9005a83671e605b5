"""What collection stores: participants (pseudonymous codes, never names, e-mail addresses or
birth dates), their responses (raw answers as submitted, never edited in place), the scores
derived from them, and the survey links that are a participant's only key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evalsys.collection.typed_codes import random_code
from evalsys.db.meta import Base, utcnow
from evalsys.programme.models import Site, Wave, same_intervention_fk

GROUPS = ("intervention", "comparison")
CONSENT_BY = ("participant", "parent")
# The code of a test participant starts so; no participant code can (CODE_PATTERN has no
# colon), so a test never takes or meets a real participant (evalsys.privacy.test_responses).
TEST_CODE_PREFIX = "TEST:"


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
    # Made by a test response (code TEST_CODE_PREFIX + code); holds only test responses.
    test: Mapped[bool] = mapped_column(default=False, server_default=false())

    site: Mapped[Site] = relationship(
        foreign_keys="Participant.site_id",
        primaryjoin="Participant.site_id == Site.id",
    )


MODES = ("web", "paper", "import", "api")


class Response(Base):
    """One participant's answers at one wave.

    A correction or a move is a new row whose ``supersedes_id`` names the old one; the old row
    only gets ``superseded_at`` set. A voided row gets ``voided_at`` and ``superseded_at``
    without a successor. So ``superseded_at IS NULL`` means current everywhere, and a partial
    unique index allows one current row per participant × wave (evalsys.collection.corrections).
    """

    __tablename__ = "responses"
    __table_args__ = (
        same_intervention_fk("participant_id", "participants"),
        same_intervention_fk("wave_id", "waves"),
        same_intervention_fk("questionnaire_id", "questionnaires"),
        CheckConstraint(f"mode IN {MODES}", name="mode"),
        CheckConstraint("duration_seconds IS NULL OR duration_seconds >= 0", name="duration"),
        Index(
            "uq_responses_current_participant_wave",
            "participant_id",
            "wave_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    participant_id: Mapped[int]
    wave_id: Mapped[int]
    questionnaire_id: Mapped[int]
    answers: Mapped[dict]
    instruments: Mapped[dict]  # instrument id -> version used
    language: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(8))
    duration_seconds: Mapped[int | None]
    quality_flags: Mapped[list] = mapped_column(default=list)
    # When the participant answered (on paper, on a device offline); received_at is when the
    # row arrived. Every insert path names both (migration 0012 gives old rows submitted_at).
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"), unique=True)
    superseded_at: Mapped[dt.datetime | None]
    voided_at: Mapped[dt.datetime | None]
    # The code on the form when a self-generated code was linked to a participant whose code
    # differs in one element (flag code_matched_with_one_difference); NULL otherwise.
    entered_code: Mapped[str | None] = mapped_column(String(64))
    # Stored by staff in a link's test mode: shown on the site's list, and read by no
    # analysis, report, export, count, due list or webhook (evalsys.privacy.test_responses).
    test: Mapped[bool] = mapped_column(default=False, server_default=false())

    participant: Mapped[Participant] = relationship(
        foreign_keys="Response.participant_id",
        primaryjoin="Response.participant_id == Participant.id",
    )
    wave: Mapped[Wave] = relationship(
        foreign_keys="Response.wave_id",
        primaryjoin="Response.wave_id == Wave.id",
    )
    scores: Mapped[list[Score]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Score(Base):
    """A scale score derived from a response by ``surveys``; it can always be recomputed."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("response_id", "instrument_key", "scale"),
        CheckConstraint("items_answered >= 0", name="items_answered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    instrument_key: Mapped[str] = mapped_column(String(100))
    scale: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    items_answered: Mapped[int]
    band: Mapped[str | None] = mapped_column(String(64))

    response: Mapped[Response] = relationship(back_populates="scores")


IMMUTABLE_RESPONSE_FIELDS = (
    "submission_id",
    "answers",
    "participant_id",
    "wave_id",
    "questionnaire_id",
    "submitted_at",
    "received_at",
    "mode",
    "language",
    "test",
)


@event.listens_for(Response, "before_update")
def _responses_are_never_edited(mapper, connection, target: Response) -> None:
    from sqlalchemy import inspect

    state = inspect(target)
    changed = [f for f in IMMUTABLE_RESPONSE_FIELDS if state.attrs[f].history.has_changes()]
    if changed:
        raise ValueError(
            f"responses are never edited in place (tried to change {', '.join(changed)}); "
            "store a correction as a new response that supersedes this one"
        )


SHORT_CODE_LENGTH = 6


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
    # ODK Collect may use the token as its server key (evalsys.odk); a coordinator can say no.
    odk_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Typed at /k instead of the token (evalsys.collection.views.short_links): case-insensitive,
    # from an alphabet without look-alikes; stored as its 6 characters, shown as ABC-DEF.
    # NULL only for a link made by a code version before migration 0017 (links.ensure_links
    # gives it one).
    short_code: Mapped[str | None] = mapped_column(
        String(16), unique=True, default=lambda: random_code(SHORT_CODE_LENGTH)
    )
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


class HeldPaperEntry(Base):
    """A paper form typed once at a site with double data entry, held until a second person
    types it (evalsys.collection.double_entry).

    Not a response: nothing that analyses, exports or counts reads this table. ``second_*`` is
    the second entry when it differed from the first; the differences wait to be resolved.
    """

    __tablename__ = "held_paper_entries"
    __table_args__ = (
        UniqueConstraint("intervention_id", "wave_id", "participant_code"),
        same_intervention_fk("site_id", "sites"),
        same_intervention_fk("wave_id", "waves"),
        CheckConstraint(f"group_name IN {GROUPS}", name="group_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int]
    wave_id: Mapped[int]
    participant_code: Mapped[str] = mapped_column(String(64))
    group_name: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict]
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    second_answers: Mapped[dict | None]
    second_group: Mapped[str | None] = mapped_column(String(16))
    second_language: Mapped[str | None] = mapped_column(String(16))
    second_submission_id: Mapped[str | None] = mapped_column(String(36))
    second_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    second_at: Mapped[dt.datetime | None]

    wave: Mapped[Wave] = relationship(
        foreign_keys="HeldPaperEntry.wave_id",
        primaryjoin="HeldPaperEntry.wave_id == Wave.id",
    )


class IssuedCode(Base):
    """A participant code a coordinator issued for a site (evalsys.collection.issued_codes).

    Where a wave takes only issued codes, a code is accepted only at the site it was issued
    for. ``code`` is stored as printed (``ABCD-EFG``), which is the participant's code too.
    """

    __tablename__ = "issued_codes"
    __table_args__ = (
        UniqueConstraint("intervention_id", "code"),
        same_intervention_fk("site_id", "sites"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int]
    code: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
