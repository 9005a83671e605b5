"""The retention period is set in the set-up form and the API and shown on the intervention page."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys import setup
from evalsys.programme.models import Intervention

from .. import builders
from .. import world as worlds
from ..api_client import ApiClient


@pytest.fixture
def evaluator(testapp, dbsession, tm):
    user = worlds.make_user(dbsession, "retention-eval", "evaluator")
    builders.commit(tm)
    worlds.sign_in(testapp, user)
    return user


def test_the_service_checks_and_audits_the_period(dbsession):
    intervention = builders.intervention(dbsession)
    changed = setup.update_intervention(dbsession, intervention, {"retention_days": "730"})
    assert changed == {"retention_days": 730} and intervention.retention_days == 730
    with pytest.raises(setup.SetupError) as caught:
        setup.update_intervention(dbsession, intervention, {"retention_days": 0})
    assert caught.value.field == "retention_days" and caught.value.code == "out_of_range"
    assert setup.update_intervention(dbsession, intervention, {"retention_days": ""}) == {
        "retention_days": None
    }


def test_the_form_sets_it_and_the_intervention_page_shows_when_data_goes(testapp, dbsession, tm):
    user = worlds.make_user(dbsession, "retention-form", "evaluator")
    slug = worlds.signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, user)
    page = testapp.get(f"/i/{slug}")
    assert "nog niet ingesteld" in page.text
    setup_page = testapp.get(f"/i/{slug}/setup")
    form = next(f for f in setup_page.forms.values() if "retention_days" in f.fields)
    form["retention_days"] = "abc"
    refused = form.submit(status=400)
    assert "heel aantal dagen" in refused.text
    form = next(f for f in setup_page.forms.values() if "retention_days" in f.fields)
    form["retention_days"] = "365"
    form.submit(status=303)
    assert dbsession.query(Intervention).filter_by(slug=slug).one().retention_days == 365

    intervention = dbsession.query(Intervention).filter_by(slug=slug).one()
    intervention.waves[-1].closes_on = dt.date(2030, 6, 30)
    builders.commit(tm)
    page = testapp.get(f"/i/{slug}")
    assert "365 dagen bewaard" in page.text
    assert "gewist op 2031-06-30" in page.text  # 2030-06-30 + 365 days
    assert f"/i/{slug}/erase" in page.text


def test_the_api_sets_and_shows_it(testapp, evaluator):
    api = ApiClient(testapp)
    body = {"slug": "bewaar-kort", "name": "Bewaar kort", "design": "pre_post"}
    created = api.post("/interventions", {**body, "retention_days": 90}).json
    assert created["retention_days"] == 90
    assert (
        api.patch("/interventions/bewaar-kort", {"retention_days": 3650}).json["retention_days"]
        == 3650
    )
    api.patch("/interventions/bewaar-kort", {"retention_days": 0}, status=422, conforms=False)
    assert api.get("/interventions/bewaar-kort").json["retention_days"] == 3650
    assert (
        api.patch("/interventions/bewaar-kort", {"retention_days": None}).json["retention_days"]
        is None
    )
