"""Every constraint that protects the data rejects the bad row, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from evalsys.accounts.models import Membership
from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Participant, Response, Score, SurveyLink

from .. import builders


def rejected(dbsession, *rows) -> None:
    """Assert that flushing these rows fails, then undo the failed flush."""
    savepoint = dbsession.begin_nested()
    dbsession.add_all(rows)
    with pytest.raises(IntegrityError):
        dbsession.flush()
    savepoint.rollback()


def test_submission_id_is_unique(dbsession):
    iv = builders.intervention(dbsession)
    first = builders.participant(dbsession, iv)
    second = builders.participant(dbsession, iv)
    stored = builders.response(dbsession, first, iv.waves[0])
    savepoint = dbsession.begin_nested()
    with pytest.raises(IntegrityError):
        builders.response(dbsession, second, iv.waves[0], submission_id=stored.submission_id)
    savepoint.rollback()


def test_one_current_response_per_participant_and_wave(dbsession):
    iv = builders.intervention(dbsession)
    person = builders.participant(dbsession, iv)
    builders.response(dbsession, person, iv.waves[0])
    savepoint = dbsession.begin_nested()
    with pytest.raises(IntegrityError):
        builders.response(dbsession, person, iv.waves[0])
    savepoint.rollback()


def test_a_correction_supersedes_and_keeps_the_old_response(dbsession):
    iv = builders.intervention(dbsession)
    person = builders.participant(dbsession, iv)
    old = builders.response(dbsession, person, iv.waves[0], answers={"brs_1": 2})
    old.superseded_at = dt.datetime.now(dt.UTC)
    dbsession.flush()
    new = builders.response(
        dbsession, person, iv.waves[0], answers={"brs_1": 4}, supersedes_id=old.id
    )
    rows = dbsession.query(Response).filter_by(participant_id=person.id).order_by(Response.id)
    assert [r.answers for r in rows] == [{"brs_1": 2}, {"brs_1": 4}]
    assert new.supersedes_id == old.id
    # A second correction of the same old row is refused: a response is superseded once.
    savepoint = dbsession.begin_nested()
    with pytest.raises(IntegrityError):
        builders.response(dbsession, person, iv.waves[1], supersedes_id=old.id)
    savepoint.rollback()


def test_answers_are_never_edited_in_place(dbsession):
    iv = builders.intervention(dbsession)
    stored = builders.response(dbsession, builders.participant(dbsession, iv), iv.waves[0])
    stored.answers = {"brs_1": 5}
    with pytest.raises(ValueError, match="never edited in place"):
        dbsession.flush()


def test_participant_code_is_unique_per_intervention(dbsession):
    iv = builders.intervention(dbsession)
    other = builders.intervention(dbsession)
    builders.participant(dbsession, iv, code="ABC123")
    builders.participant(dbsession, other, code="ABC123")  # another intervention: allowed
    rejected(dbsession, Participant(intervention_id=iv.id, site_id=iv.sites[1].id, code="ABC123"))


def test_participant_site_must_belong_to_its_intervention(dbsession):
    iv = builders.intervention(dbsession)
    other = builders.intervention(dbsession)
    rejected(dbsession, Participant(intervention_id=iv.id, site_id=other.sites[0].id, code="X1"))


def test_response_wave_must_belong_to_the_participants_intervention(dbsession):
    iv = builders.intervention(dbsession)
    other = builders.intervention(dbsession)
    person = builders.participant(dbsession, iv)
    savepoint = dbsession.begin_nested()
    with pytest.raises(IntegrityError):
        builders.response(dbsession, person, other.waves[0])
    savepoint.rollback()


@pytest.mark.parametrize(
    "column, value",
    [("mode", "fax"), ("duration_seconds", -1)],
)
def test_response_checks(dbsession, column, value):
    iv = builders.intervention(dbsession)
    person = builders.participant(dbsession, iv)
    savepoint = dbsession.begin_nested()
    with pytest.raises(IntegrityError):
        builders.response(dbsession, person, iv.waves[0], **{column: value})
    savepoint.rollback()


def test_group_and_design_and_role_checks(dbsession):
    iv = builders.intervention(dbsession)
    rejected(
        dbsession,
        Participant(intervention_id=iv.id, site_id=iv.sites[0].id, code="G1", group_name="control"),
    )
    savepoint = dbsession.begin_nested()
    iv.design = "quasi"
    with pytest.raises(IntegrityError):
        dbsession.flush()
    savepoint.rollback()
    savepoint = dbsession.begin_nested()
    with pytest.raises(IntegrityError):
        builders.user(dbsession, role="superuser")
    savepoint.rollback()


def test_wave_close_date_cannot_precede_open_date(dbsession):
    iv = builders.intervention(dbsession)
    savepoint = dbsession.begin_nested()
    iv.waves[0].opens_on = dt.date(2026, 3, 1)
    iv.waves[0].closes_on = dt.date(2026, 2, 1)
    with pytest.raises(IntegrityError):
        dbsession.flush()
    savepoint.rollback()


def test_foreign_keys_are_enforced(dbsession):
    iv = builders.intervention(dbsession)
    rejected(dbsession, Participant(intervention_id=iv.id, site_id=999_999, code="FK1"))
    rejected(
        dbsession,
        Score(response_id=999_999, instrument_key="brs", scale="brs", value=3.0, items_answered=6),
    )
    rejected(
        dbsession,
        SurveyLink(token="t-fk", intervention_id=iv.id, site_id=iv.sites[0].id, wave_id=999_999),
    )


def test_score_is_unique_per_response_and_scale(dbsession):
    iv = builders.intervention(dbsession)
    stored = builders.response(dbsession, builders.participant(dbsession, iv), iv.waves[0])
    dbsession.add(
        Score(response_id=stored.id, instrument_key="brs", scale="brs", value=3.5, items_answered=6)
    )
    dbsession.flush()
    rejected(
        dbsession,
        Score(
            response_id=stored.id, instrument_key="brs", scale="brs", value=4.0, items_answered=6
        ),
    )


def test_survey_link_is_unique_per_site_wave_and_group(dbsession):
    iv = builders.intervention(dbsession)
    site, wave = iv.sites[0], iv.waves[0]
    dbsession.add(
        SurveyLink(token="tok-1", intervention_id=iv.id, site_id=site.id, wave_id=wave.id)
    )
    dbsession.flush()
    rejected(
        dbsession,
        SurveyLink(token="tok-2", intervention_id=iv.id, site_id=site.id, wave_id=wave.id),
    )


def test_membership_is_unique_per_user_and_site(dbsession):
    iv = builders.intervention(dbsession)
    person = builders.user(dbsession, role="coordinator")
    dbsession.add(Membership(user_id=person.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    dbsession.flush()
    rejected(
        dbsession, Membership(user_id=person.id, intervention_id=iv.id, site_id=iv.sites[0].id)
    )
    evaluator = builders.user(dbsession, role="evaluator")
    dbsession.add(Membership(user_id=evaluator.id, intervention_id=iv.id))
    dbsession.flush()
    rejected(dbsession, Membership(user_id=evaluator.id, intervention_id=iv.id))


def test_timestamps_are_stored_and_returned_in_utc(dbsession):
    amsterdam = dt.timezone(dt.timedelta(hours=1))
    event = AuditEvent(action="test", occurred_at=dt.datetime(2026, 1, 5, 13, 0, tzinfo=amsterdam))
    dbsession.add(event)
    dbsession.flush()
    dbsession.expire(event)
    assert event.occurred_at == dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
    assert event.occurred_at.utcoffset() == dt.timedelta(0)
    raw = dbsession.execute(
        text("SELECT occurred_at FROM audit_events WHERE id = :id"), {"id": event.id}
    ).scalar_one()
    if isinstance(raw, dt.datetime):  # PostgreSQL: timestamptz, an instant
        assert raw == dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
    else:  # SQLite: text holding the UTC wall time
        assert raw.startswith("2026-01-05 12:00:00")


def test_naive_timestamps_are_refused(dbsession):
    dbsession.add(AuditEvent(action="test", occurred_at=dt.datetime(2026, 1, 5, 13, 0)))
    with pytest.raises(StatementError, match="timezone-aware"):
        dbsession.flush()


def test_audit_log_is_append_only(dbsession):
    event = AuditEvent(action="login")
    dbsession.add(event)
    dbsession.flush()
    event.action = "something else"
    with pytest.raises(ValueError, match="append-only"):
        dbsession.flush()
