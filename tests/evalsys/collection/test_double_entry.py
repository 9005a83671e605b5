"""Double data entry of paper forms: two people type the same form; it is stored once they agree."""

from __future__ import annotations

import pytest
import webtest

from evalsys.accounts.models import Membership, User
from evalsys.audit.models import AuditEvent
from evalsys.collection.models import HeldPaperEntry, Participant, Response
from evalsys.privacy import erase_participant
from evalsys.results.evaluation import load_scores

from .. import builders
from ..import_fixtures import ANSWERS, make_setup, password_hash
from ..import_fixtures import login_english as login


@pytest.fixture
def setup(dbsession, tm):
    setup = make_setup(dbsession, tm)
    site = setup.intervention.sites[0]
    dirk = User(username="dirk", role="coordinator", password_hash=password_hash())
    dbsession.add(dirk)
    dbsession.flush()
    dbsession.add(
        Membership(user_id=dirk.id, intervention_id=site.intervention_id, site_id=site.id)
    )
    builders.commit(tm)
    return setup


@pytest.fixture
def second(app, connection):
    """A second browser, for the second typist."""
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})


def switch_on(testapp, setup):
    page = testapp.get(f"{setup.base}/paper", params={"wave": "T0"})
    form = page.forms["double-entry-form"]
    assert form["double_entry"].value == "on"
    return form.submit().follow()


def type_in(testapp, setup, code: str, **answers):
    form = testapp.get(f"{setup.base}/paper", params={"wave": "T0"}).forms["paper-form"]
    form["participant_code"] = code
    for item, value in {**ANSWERS, **answers}.items():
        form[item] = str(value)
    return form


def actions(dbsession) -> list[tuple[str, str]]:
    dbsession.expire_all()
    events = dbsession.query(AuditEvent).order_by(AuditEvent.id)
    return [(e.action, e.actor) for e in events if e.action.startswith("paper_")]


def counts(dbsession) -> tuple[int, int, int]:
    dbsession.expire_all()
    return (
        dbsession.query(HeldPaperEntry).count(),
        dbsession.query(Response).count(),
        dbsession.query(Participant).count(),
    )


def test_equal_entries_by_two_people_are_stored_once(testapp, second, setup, dbsession):
    login(testapp)
    page = switch_on(testapp, setup)
    assert "Double data entry is on" in page.text
    first = type_in(testapp, setup, "de1").submit()
    assert "Typed once: DE1" in first.text
    assert counts(dbsession) == (1, 0, 0)  # held: no response, no participant
    assert load_scores(dbsession, setup.intervention).empty  # and nothing in the analysis
    assert "Waiting for the second typing" in first.html.select_one("table.held-entries").text

    login(second, "dirk")
    stored = type_in(second, setup, "DE1").submit()
    assert "Saved: DE1" in stored.text
    assert counts(dbsession) == (0, 1, 1)
    [response] = dbsession.query(Response).all()
    assert response.answers == ANSWERS and response.mode == "paper"
    assert response.submitted_by_id == dbsession.query(User).filter_by(username="dirk").one().id
    assert set(load_scores(dbsession, setup.intervention)["participant"]) == {"DE1"}
    assert actions(dbsession) == [
        ("paper_double_entry_switched", "coco"),
        ("paper_entry_held", "coco"),
        ("paper_entry_matched", "dirk"),
    ]


def test_differences_are_shown_side_by_side_and_resolved(testapp, second, setup, dbsession):
    login(testapp)
    switch_on(testapp, setup)
    type_in(testapp, setup, "DE2").submit()
    login(second, "dirk")
    differs = type_in(second, setup, "DE2", brs_2=3, gse_4=4).submit(status=303).follow()
    assert counts(dbsession) == (1, 0, 0)
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in differs.html.select("table.differences tbody tr")
    ]
    assert (
        rows[0][0] == "6" and rows[0][1] == "I have a hard time making it through stressful events."
    )
    assert rows[0][2].startswith("2 = ") and rows[0][3].startswith("3 = ")
    assert rows[1][0] == "14" and rows[1][2].startswith("3 = ") and rows[1][3].startswith("4 = ")
    assert len(rows) == 2

    # Every difference needs a decision; the person resolving may be either typist.
    form = differs.forms["resolve-form"]
    form["choice-brs_2"] = "second"
    missing = form.submit(status=400)
    assert "Choose the right value for question 14." in missing.text
    assert counts(dbsession) == (1, 0, 0)
    form = missing.forms["resolve-form"]
    assert form["choice-brs_2"].value == "second"
    form["choice-gse_4"] = "first"
    done = form.submit(status=303).follow()
    assert "Saved: DE2" in done.text
    assert counts(dbsession) == (0, 1, 1)
    [response] = dbsession.query(Response).all()
    assert response.answers == {**ANSWERS, "brs_2": 3}
    resolved = dbsession.query(AuditEvent).filter_by(action="paper_entry_resolved").one()
    assert resolved.details["choices"] == {"brs_2": "second", "gse_4": "first"}
    assert [a for a, _ in actions(dbsession)][-2:] == [
        "paper_entry_differed",
        "paper_entry_resolved",
    ]
    differed = dbsession.query(AuditEvent).filter_by(action="paper_entry_differed").one()
    assert differed.details["fields"] == ["brs_2", "gse_4"]  # which questions, never an answer


def test_the_first_typist_cannot_be_the_second(testapp, setup, dbsession):
    login(testapp)
    switch_on(testapp, setup)
    type_in(testapp, setup, "DE3").submit()
    again = type_in(testapp, setup, "DE3").submit(status=400)
    assert "You typed form DE3 for round T0 the first time. Another person" in again.text
    assert counts(dbsession) == (1, 0, 0)
    # The very same form sent twice (Enter pressed twice) is only held once.
    form = type_in(testapp, setup, "DE4")
    form.submit()
    assert "Typed once: DE4" in form.submit().text
    assert counts(dbsession) == (2, 0, 0)


def test_a_held_form_is_answered_as_such_after_the_switch_went_off(
    testapp, second, setup, dbsession
):
    login(testapp)
    switch_on(testapp, setup)
    type_in(testapp, setup, "DE5").submit()
    page = testapp.get(f"{setup.base}/paper", params={"wave": "T0"})
    assert "Double data entry is off" in page.forms["double-entry-form"].submit().follow().text
    login(second, "dirk")
    assert "Saved: DE5" in type_in(second, setup, "DE5").submit().text
    assert "Saved: DE6" in type_in(second, setup, "DE6").submit().text  # off: stored at once
    assert counts(dbsession) == (0, 2, 2)


def test_erasure_removes_the_held_forms_of_the_code(app, testapp, setup, dbsession, tm):
    login(testapp)
    type_in(testapp, setup, "GONE1").submit()  # T0 stored at once (double entry still off)
    switch_on(testapp, setup)
    form = testapp.get(f"{setup.base}/paper", params={"wave": "T1"}).forms["paper-form"]
    form["participant_code"] = "GONE1"
    for item, value in ANSWERS.items():
        form[item] = str(value)
    assert "Typed once: GONE1" in form.submit().text
    type_in(testapp, setup, "STAYS").submit()
    assert counts(dbsession) == (2, 1, 1)
    participant = dbsession.query(Participant).filter_by(code="GONE1").one()
    erase_participant(dbsession, app.registry.settings, participant, "asked by the parent")
    tm.commit()
    tm.begin()
    codes = [h.participant_code for h in dbsession.query(HeldPaperEntry)]
    assert codes == ["STAYS"]
    held = dbsession.query(AuditEvent).filter_by(action="paper_entry_held").all()
    assert sorted(e.target_id for e in held) == ["STAYS", "[erased]"]


def test_a_coordinator_of_another_site_cannot_switch_or_resolve(testapp, setup, dbsession):
    login(testapp)
    switch_on(testapp, setup)
    type_in(testapp, setup, "DE7").submit()
    [held] = dbsession.query(HeldPaperEntry).all()
    login(testapp, "bea")
    testapp.get(f"{setup.base}/paper/held/{held.id}", status=404)
    other = testapp.get(f"/i/{setup.slug}/sites/{setup.other}/paper/held/{held.id}", status=404)
    assert other.status_int == 404
