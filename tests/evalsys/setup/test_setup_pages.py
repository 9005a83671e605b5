"""Evaluators set up an intervention in the web UI: describe, questionnaire, rounds, sites."""

from __future__ import annotations

import pytest

from evalsys.accounts.models import Membership
from evalsys.collection.models import SurveyLink
from evalsys.programme.models import Intervention

from .. import builders
from ..builders import BRS_ANSWERS
from ..world import make_user, sign_in, signed_in_evaluator_of_an_intervention


@pytest.fixture
def evaluator(dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    coordinator = make_user(dbsession, "coen", "coordinator")
    builders.commit(tm)
    return user, coordinator


def form_with_action(page, action: str):
    for form in page.forms.values():
        if "action" in form.fields and form["action"].value == action:
            return form
    raise AssertionError(f"no form for {action}")


def test_an_evaluator_sets_up_a_whole_intervention(testapp, dbsession, evaluator):
    user, coordinator = evaluator
    sign_in(testapp, user)
    page = testapp.get("/interventions/new")
    form = page.forms[1]
    form["name"] = "Sterk in de wijk"
    form["slug"] = "sterk-in-de-wijk"
    form["design"] = "pre_post_comparison"
    form["protective_factors"] = "veerkracht\nsociale inclusie"
    setup = form.submit().follow()
    assert "Sterk in de wijk" in setup.text

    form = form_with_action(setup, "questionnaire")
    form["instrument_0"] = "brs@1.0"
    form["instrument_1"] = "gse@1.0"
    setup = form.submit().follow()

    for label, name in (("T0", "Voormeting"), ("T1", "Nameting")):
        form = form_with_action(setup, "wave")
        form["label"], form["wave_name"] = label, name
        form["opens_on"], form["closes_on"] = "2026-01-05", "2026-12-20"
        setup = form.submit().follow()

    form = form_with_action(setup, "site")
    form["site_name"], form["slug"], form["municipality"] = "Delft West", "delft-west", "Delft"
    setup = form.submit().follow()

    form = form_with_action(setup, "coordinator")
    form["site"], form["username"] = "delft-west", "coen"
    setup = form.submit().follow()
    assert "coen" in setup.text

    intervention = dbsession.query(Intervention).filter_by(slug="sterk-in-de-wijk").one()
    assert intervention.design == "pre_post_comparison"
    assert intervention.protective_factors == ["veerkracht", "sociale inclusie"]
    assert [w.label for w in intervention.waves] == ["T0", "T1"]
    definition = intervention.questionnaire.definition
    assert [ref["id"] for ref in definition["instruments"]] == ["brs", "gse"]
    # Links for every site x round x group were made.
    assert dbsession.query(SurveyLink).filter_by(intervention_id=intervention.id).count() == 4
    # The creator is its evaluator; the coordinator works on the site.
    memberships = dbsession.query(Membership).filter_by(intervention_id=intervention.id).all()
    assert {(m.user_id, m.site_id is None) for m in memberships} == {
        (user.id, True),
        (coordinator.id, False),
    }


def test_a_questionnaire_with_responses_changes_by_a_new_version(testapp, dbsession, tm, evaluator):
    user, _ = evaluator
    iv = builders.intervention(dbsession)
    dbsession.add(Membership(user_id=user.id, intervention_id=iv.id))
    person = builders.participant(dbsession, iv)
    builders.response(dbsession, person, iv.waves[0], answers=dict(BRS_ANSWERS))
    slug = iv.slug
    builders.commit(tm)
    sign_in(testapp, user)
    setup = testapp.get(f"/i/{slug}/setup")
    form = form_with_action(setup, "questionnaire")
    form["instrument_1"] = "gse@1.0"
    form.submit().follow()
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    assert [q.version for q in iv.questionnaires] == [1, 2]
    old, new = iv.questionnaires
    assert [r["id"] for r in old.definition["instruments"]] == ["brs"]
    assert [r["id"] for r in new.definition["instruments"]] == ["brs", "gse"]


def test_bad_input_is_explained_and_nothing_is_saved(testapp, dbsession, tm, evaluator):
    user, _ = evaluator
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, user)
    setup = testapp.get(f"/i/{slug}/setup")
    form = form_with_action(setup, "wave")
    form["label"], form["wave_name"] = "T9", "Later"
    form["opens_on"], form["closes_on"] = "2026-05-01", "2026-04-01"
    answer = form.submit(status=400)
    assert "error-summary" in answer.text and 'href="#f-closes_on"' in answer.text
    duplicate = form_with_action(answer, "wave")
    duplicate["label"], duplicate["wave_name"] = "T0", "Nog een keer"
    duplicate["opens_on"], duplicate["closes_on"] = "", ""
    assert duplicate.submit(status=409).status_int == 409
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    assert [w.label for w in iv.waves] == ["T0", "T1"]


def test_coordinators_cannot_set_up(testapp, dbsession, tm, evaluator):
    _, coordinator = evaluator
    iv = builders.intervention(dbsession)
    dbsession.add(Membership(user_id=coordinator.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    slug = iv.slug
    builders.commit(tm)
    sign_in(testapp, coordinator)
    testapp.get(f"/i/{slug}/setup", status=403)
    testapp.get("/interventions/new", status=403)
    assert testapp.get(f"/i/{slug}").status_int == 200
