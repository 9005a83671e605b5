"""Setting a round's personal window: on the setup page and in the API, bad values refused."""

from __future__ import annotations

import pytest

from evalsys.programme.models import Intervention

from ..api_client import ApiClient
from ..world import make_user, signed_in_evaluator_of_an_intervention


@pytest.fixture
def slug(testapp, dbsession, tm):
    user = make_user(dbsession, "eva-schedule", "evaluator")
    return signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, user)


def waves(dbsession, slug):
    dbsession.expire_all()
    row = dbsession.query(Intervention).filter_by(slug=slug).one()
    return {w.label: (w.opens_after_days, w.closes_after_days) for w in row.waves}


def wave_form(page, label):
    for form in page.forms.values():
        if form.fields.get("action") and form["action"].value == "wave_change":
            if form["label"].value == label:
                return form
    raise AssertionError(f"no form for {label}")


def test_the_setup_page_sets_days_after_the_previous_round(testapp, dbsession, slug):
    page = testapp.get(f"/i/{slug}/setup")
    assert page.text.count('name="opens_after_days"') == 2  # T1's row and the new round; not T0
    form = wave_form(page, "T1")
    form["opens_after_days"], form["closes_after_days"] = "56", "84"
    form.submit().follow()
    assert waves(dbsession, slug) == {"T0": (None, None), "T1": (56, 84)}
    form = wave_form(testapp.get(f"/i/{slug}/setup"), "T1")
    form["opens_after_days"], form["closes_after_days"] = "84", "56"
    refused = form.submit(status=400)
    assert "De ronde sluit voordat hij opent" in refused.text
    form = wave_form(testapp.get(f"/i/{slug}/setup"), "T1")
    form["opens_after_days"] = "acht weken"
    assert "Vul een heel aantal dagen in" in form.submit(status=400).text
    assert waves(dbsession, slug)["T1"] == (56, 84)  # nothing half-stored


def test_the_api_sets_and_shows_the_days_and_refuses_them_on_the_first_round(
    testapp, dbsession, slug
):
    api = ApiClient(testapp)
    base = f"/interventions/{slug}/waves"
    wave = api.patch(f"{base}/T1", {"opens_after_days": 56, "closes_after_days": 84}).json
    assert (wave["opens_after_days"], wave["closes_after_days"]) == (56, 84)
    assert api.get(f"{base}/T0").json["opens_after_days"] is None
    first = api.patch(f"{base}/T0", {"opens_after_days": 7}, status=422).json
    assert first["details"][0]["field"] == "opens_after_days"
    backwards = api.patch(f"{base}/T1", {"closes_after_days": 10}, status=422).json
    assert backwards["details"][0]["field"] == "closes_after_days"
    api.patch(f"{base}/T1", {"opens_after_days": -1}, status=422, conforms=False)
    added = api.post(base, {"label": "T2", "name": "Follow-up", "opens_after_days": 182}).json
    assert added["opens_after_days"] == 182
    assert waves(dbsession, slug) == {"T0": (None, None), "T1": (56, 84), "T2": (182, None)}
    cleared = api.patch(f"{base}/T1", {"opens_after_days": None, "closes_after_days": None})
    assert cleared.json["opens_after_days"] is None


def test_invitations_are_off_until_the_evaluator_turns_them_on(testapp, dbsession, slug):
    api = ApiClient(testapp)
    assert api.get(f"/interventions/{slug}").json["invitations"] is False
    assert api.patch(f"/interventions/{slug}", {"invitations": True}).json["invitations"] is True
    api.patch(f"/interventions/{slug}", {"invitations": "ja"}, status=422, conforms=False)
    page = testapp.get(f"/i/{slug}/setup")
    assert 'id="f-invitations"' in page.text and "Zeg dit in de toestemmingstekst" in page.text
    details = next(f for f in page.forms.values() if "invitations" in f.fields)
    details["invitations"] = False
    details.submit().follow()
    dbsession.expire_all()
    assert dbsession.query(Intervention).filter_by(slug=slug).one().invitations is False
