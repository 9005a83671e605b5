"""Erasure on request: nothing of the erased participant is left in any table or file."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Participant, Response, Score
from evalsys.privacy import ErasureError, erase_participant, find_participant
from evalsys.results.evaluation import load_scores

from .. import builders
from . import people as people_module
from .leftovers import found_in_files, found_in_tables
from .people import ANSWER, CODE, KEPT, KEPT_ANSWER


@pytest.fixture
def people(dbsession, tmp_path, app_settings):
    return people_module.build(dbsession, tmp_path, app_settings)


def test_erasure_leaves_nothing_of_the_person_in_any_table_or_file(dbsession, people):
    assert found_in_tables(dbsession, [CODE, ANSWER])  # the scan finds them before
    site = people.intervention.sites[0]
    participant = find_participant(dbsession, people.intervention, site, CODE.lower())
    erasure = erase_participant(
        dbsession, people.settings, participant, f"asked by phone; code {CODE}", operator="ops"
    )
    assert erasure.counts.as_dict() == {"participants": 1, "responses": 3, "scores": 3}
    assert erasure.waves == ("T0", "T1")
    assert erasure.error_report_lines == 2

    assert found_in_tables(dbsession, [CODE, ANSWER]) == []
    assert found_in_files(people.work, [CODE, ANSWER]) == []
    # The other participant of the site keeps everything.
    assert {table for table, _, _ in found_in_tables(dbsession, [KEPT_ANSWER])} == {"responses"}
    assert found_in_files(people.work, [KEPT_ANSWER])
    assert (
        dbsession.query(Participant).filter_by(intervention_id=people.intervention.id).count() == 1
    )
    assert dbsession.query(Score).count() >= 1

    tombstone = dbsession.get(AuditEvent, erasure.tombstone_id)
    assert tombstone.action == "participant_erased"
    assert tombstone.site_id == site.id
    assert tombstone.details["responses"] == 3
    assert tombstone.details["reason"] == "asked by phone; code [erased]"
    assert tombstone.details["operator"] == "ops"
    corrected = dbsession.query(AuditEvent).filter_by(action="response_corrected").one()
    assert corrected.details == {"scrubbed_by": tombstone.id}
    export = dbsession.query(AuditEvent).filter_by(action="export").one()
    assert export.details["note"] == f"asked for [erased] and {KEPT}"


def test_the_next_analysis_runs_without_the_erased_participant(dbsession, people):
    assert set(load_scores(dbsession, people.intervention)["participant"]) == {CODE, KEPT}
    erase_participant(dbsession, people.settings, people.erased, "withdrew consent")
    assert set(load_scores(dbsession, people.intervention)["participant"]) == {KEPT}
    assert dbsession.query(Response).filter_by(participant_id=people.kept.id).count() == 1


def test_erasure_needs_a_known_code_and_a_reason(dbsession, people):
    site_a, site_b = people.intervention.sites
    with pytest.raises(ErasureError) as caught:
        find_participant(dbsession, people.intervention, site_b, CODE)
    assert caught.value.field == "code"  # the code exists, but at another site
    with pytest.raises(ErasureError) as caught:
        erase_participant(dbsession, people.settings, people.erased, "   ")
    assert caught.value.field == "reason"
    assert dbsession.query(Participant).filter_by(code=CODE).count() == 1


def test_a_response_moved_away_from_the_erased_code_stays_with_its_new_participant(
    dbsession, people
):
    """A paper form typed under the wrong code and moved to the right one: the move's new
    version belongs to the other participant and stays; the old version under the erased code
    goes, and the new one no longer points at it."""
    t1 = people.intervention.waves[1]
    wrong = builders.participant(dbsession, people.intervention, code="XMOVE-1")
    typed = builders.response(
        dbsession, wrong, t1, superseded_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    )
    moved = builders.response(dbsession, people.kept, t1, supersedes_id=typed.id)
    typed_id, moved_id = typed.id, moved.id
    erase_participant(dbsession, people.settings, wrong, "wrong code, asked to remove it")
    assert dbsession.get(Response, typed_id) is None
    assert dbsession.get(Response, moved_id).supersedes_id is None
    assert found_in_tables(dbsession, ["XMOVE-1"]) == []
