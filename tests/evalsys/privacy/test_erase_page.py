"""The erasure page: find by code and site, see what would go, type the code again, erased."""

from __future__ import annotations

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Participant, Response
from evalsys.programme.models import Intervention

from .. import builders
from ..web_session import csrf_token
from ..world import make_user, signed_in_evaluator_of_an_intervention
from .leftovers import found_in_tables


def test_an_evaluator_erases_a_participant_in_two_steps(testapp, dbsession, tm):
    evaluator = make_user(dbsession, "eva-erase", "evaluator")
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    intervention = dbsession.query(Intervention).filter_by(slug=slug).one()
    person = builders.participant(dbsession, intervention, code="WIS-0042")
    builders.response(dbsession, person, intervention.waves[0])
    builders.commit(tm)

    page = testapp.get(f"/i/{slug}/erase")
    fields = {"csrf_token": csrf_token(page), "site": "site-a", "reason": "ouder vroeg het"}
    unknown = testapp.post(f"/i/{slug}/erase", {**fields, "code": "WIS-9999"}, status=400)
    assert "Er is geen deelnemer WIS-9999" in unknown.text
    other_site = testapp.post(
        f"/i/{slug}/erase", {**fields, "site": "site-b", "code": "wis-0042"}, status=400
    )
    assert "Er is geen deelnemer" in other_site.text

    check = testapp.post(f"/i/{slug}/erase", {**fields, "step": "check", "code": "wis-0042"})
    assert "WIS-0042" in check.text and "1 vragenlijsten" in check.text
    assert dbsession.query(Participant).filter_by(code="WIS-0042").count() == 1  # not yet

    erase = {**fields, "step": "erase", "code": "WIS-0042"}
    wrong = testapp.post(f"/i/{slug}/erase", {**erase, "confirm_code": "WIS-0043"}, status=400)
    assert "Typ de deelnemerscode nog een keer" in wrong.text
    assert dbsession.query(Participant).filter_by(code="WIS-0042").count() == 1

    done = testapp.post(f"/i/{slug}/erase", {**erase, "confirm_code": "wis-0042"}, status=303)
    assert "is gewist" in done.follow().text
    dbsession.expire_all()
    assert dbsession.query(Participant).filter_by(code="WIS-0042").count() == 0
    assert dbsession.query(Response).filter_by(intervention_id=intervention.id).count() == 0
    tombstone = dbsession.query(AuditEvent).filter_by(action="participant_erased").one()
    assert tombstone.actor == "eva-erase"
    assert tombstone.details["reason"] == "ouder vroeg het"
    assert "WIS-0042" not in str(tombstone.details) + tombstone.target_id
    viewed = dbsession.query(AuditEvent).filter_by(target_type="participant").all()
    assert [(e.action, e.target_id) for e in viewed] == [("participant_data_viewed", "[erased]")]
    assert found_in_tables(dbsession, ["WIS-0042"]) == []


def test_a_form_without_its_csrf_token_erases_nothing(testapp, dbsession, tm):
    evaluator = make_user(dbsession, "eva-csrf", "evaluator")
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    intervention = dbsession.query(Intervention).filter_by(slug=slug).one()
    builders.participant(dbsession, intervention, code="CSRF-001")
    builders.commit(tm)
    form = {"site": "site-a", "code": "CSRF-001", "reason": "x", "step": "erase"}
    testapp.post(f"/i/{slug}/erase", {**form, "confirm_code": "CSRF-001"}, status=400)
    assert dbsession.query(Participant).filter_by(code="CSRF-001").count() == 1
