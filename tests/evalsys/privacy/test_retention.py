"""The retention run: when it is due, what a dry run lists, and that a real run leaves nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Participant, SurveyLink
from evalsys.db.meta import utcnow
from evalsys.privacy import retention_ends_on, run_retention
from evalsys.results.models import ReportVersion
from evalsys.setup import SetupError
from evalsys.setup.interventions import checked_retention_days

from .. import builders
from . import people as people_module
from .leftovers import found_in_files, found_in_tables
from .people import ANSWER, CODE, KEPT, KEPT_ANSWER


@pytest.fixture
def today(people):
    """The day the people's responses came in (read after them: a run over midnight agrees)."""
    return utcnow().date()


@pytest.fixture
def people(dbsession, tmp_path, app_settings):
    people = people_module.build(dbsession, tmp_path, app_settings, retention_days=30)
    site = people.intervention.sites[0]
    dbsession.add(
        SurveyLink(
            token="retention-link-token",
            intervention_id=people.intervention.id,
            site_id=site.id,
            wave_id=people.intervention.waves[0].id,
        )
    )
    dbsession.add(
        ReportVersion(
            intervention_id=people.intervention.id,
            version=1,
            language="nl",
            data_taken_at=utcnow(),
            checksum="0" * 64,
            pdf=b"%PDF-1.4 published aggregates",
            aggregates={"sites": {"site-a": {"n": 2}}},
        )
    )
    dbsession.flush()
    return people


def test_retention_counts_from_the_end_of_collection(dbsession, people, today):
    # The responses came in today and no round has a closing date: the period starts today.
    assert retention_ends_on(dbsession, people.intervention) == today + dt.timedelta(days=30)
    # A round that closes later moves the start to its closing date.
    people.intervention.waves[1].closes_on = today + dt.timedelta(days=100)
    dbsession.flush()
    assert retention_ends_on(dbsession, people.intervention) == today + dt.timedelta(days=130)
    people.intervention.retention_days = None
    assert retention_ends_on(dbsession, people.intervention) is None


def test_a_dry_run_lists_by_site_and_deletes_nothing(dbsession, people, today):
    day_before = today + dt.timedelta(days=29)
    assert run_retention(dbsession, people.settings, today=day_before, dry_run=True) == []
    items = run_retention(
        dbsession, people.settings, today=today + dt.timedelta(days=30), dry_run=True
    )
    assert [item.slug for item in items] == [people.intervention.slug]
    counts = {slug: c.as_dict() for slug, c in items[0].sites.items()}
    assert counts == {"site-a": {"participants": 2, "responses": 4, "scores": 4}}
    assert dbsession.query(Participant).filter_by(intervention_id=people.intervention.id).count()
    assert not dbsession.query(AuditEvent).filter_by(action="retention_erased").count()


def test_a_run_leaves_no_participant_data_but_keeps_reports_and_a_tombstone(
    dbsession, people, today
):
    untouched = builders.intervention(dbsession)  # no retention period: it keeps its data
    builders.participant(dbsession, untouched, code="STAYS-01")
    items = run_retention(
        dbsession, people.settings, today=today + dt.timedelta(days=31), operator="cron"
    )
    assert [item.slug for item in items] == [people.intervention.slug]
    assert (items[0].error_reports, items[0].job_results) == (1, 1)

    needles = [CODE, KEPT, ANSWER, KEPT_ANSWER]
    assert found_in_tables(dbsession, needles) == []
    assert found_in_files(people.work, needles) == []
    assert dbsession.query(Participant).filter_by(code="STAYS-01").count() == 1
    report = dbsession.query(ReportVersion).filter_by(intervention_id=people.intervention.id)
    assert report.one().pdf.startswith(b"%PDF")
    link = dbsession.query(SurveyLink).filter_by(token="retention-link-token").one()
    assert not link.is_open and link.closed_at is not None

    tombstone = dbsession.query(AuditEvent).filter_by(action="retention_erased").one()
    assert tombstone.target_id == people.intervention.slug
    assert tombstone.details["total"] == {"participants": 2, "responses": 4, "scores": 4}
    assert tombstone.details["operator"] == "cron"
    assert tombstone.details["retention_days"] == 30
    # Run again: nothing left to do, no second tombstone.
    assert run_retention(dbsession, people.settings, today=today + dt.timedelta(days=32)) == []


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "abc", "36526", True, 2.0])
def test_a_retention_period_is_a_whole_number_of_days_in_range(value):
    with pytest.raises(SetupError):
        checked_retention_days(value)


def test_an_empty_retention_period_means_none_set():
    assert checked_retention_days("") is None
    assert checked_retention_days(None) is None
    assert checked_retention_days(" 3650 ") == 3650
    assert checked_retention_days(1) == 1
