"""A round's name in Dutch and English: set on the set-up page and in the API, bad ones refused."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from evalsys import setup
from evalsys.collection.models import SurveyLink
from evalsys.db import get_engine, schema
from evalsys.programme.models import Intervention, Wave
from evalsys.settings import apply_environment

from .. import builders
from ..api_client import ApiClient
from ..world import make_user, signed_in_evaluator_of_an_intervention


@pytest.fixture
def slug(testapp, dbsession, tm):
    user = make_user(dbsession, "eva-names", "evaluator")
    return signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, user)


def names(dbsession, slug) -> dict:
    dbsession.expire_all()
    row = dbsession.query(Intervention).filter_by(slug=slug).one()
    return {w.label: (w.name, w.names, w.name_in("en")) for w in row.waves}


def form_for(page, action: str, label: str | None = None):
    for form in page.forms.values():
        fields = form.fields
        if fields.get("action") and form["action"].value == action:
            if label is None or form["label"].value == label:
                return form
    raise AssertionError(f"no form for {action} {label}")


def test_a_name_without_its_own_english_one_is_the_dutch_name_in_every_language(dbsession):
    iv = builders.intervention(dbsession)
    pre = iv.waves[0]
    assert pre.name_in("en") == pre.name_in("nl") == "Voormeting"
    pre.names = {"nl": "Voormeting", "en": "Pre-test"}
    assert (pre.name_in("nl"), pre.name_in("en"), pre.name_in("fr")) == (
        "Voormeting",
        "Pre-test",
        "Voormeting",
    )


def test_the_setup_page_adds_and_changes_both_names(testapp, dbsession, slug):
    testapp.set_cookie("lang", "en")  # the interface's language, as the language menu sets it
    page = testapp.get(f"/i/{slug}/setup")
    form = form_for(page, "wave")
    form["label"], form["wave_name"], form["wave_name_en"] = "T2", "Follow-up", "Follow-up test"
    page = form.submit().follow()
    assert names(dbsession, slug)["T2"] == (
        "Follow-up",
        {"nl": "Follow-up", "en": "Follow-up test"},
        "Follow-up test",
    )
    row = form_for(page, "wave_change", "T2")
    assert (row["wave_name"].value, row["wave_name_en"].value) == ("Follow-up", "Follow-up test")

    form = form_for(page, "wave_change", "T1")
    assert form["wave_name"].value == "Nameting" and form["wave_name_en"].value == ""
    form["wave_name"], form["wave_name_en"] = "Nameting", "Post-test"
    form.submit().follow()
    assert names(dbsession, slug)["T1"] == (
        "Nameting",
        {"nl": "Nameting", "en": "Post-test"},
        "Post-test",
    )
    form = form_for(testapp.get(f"/i/{slug}/setup"), "wave_change", "T1")
    form["wave_name"], form["wave_name_en"] = "Na de training", ""  # empty: no English name
    form.submit().follow()
    assert names(dbsession, slug)["T1"] == (
        "Na de training",
        {"nl": "Na de training"},
        "Na de training",
    )


def test_the_setup_page_refuses_an_empty_or_too_long_name_and_keeps_the_old_one(
    testapp, dbsession, slug
):
    before = names(dbsession, slug)
    testapp.set_cookie("lang", "en")
    form = form_for(testapp.get(f"/i/{slug}/setup"), "wave_change", "T1")
    form["wave_name"] = "  "
    refused = form.submit(status=400)
    assert "Give the Dutch name of the round, at most 200 characters." in refused.text
    form = form_for(testapp.get(f"/i/{slug}/setup"), "wave_change", "T1")
    form["wave_name_en"] = "x" * 201
    refused = form.submit(status=400)
    assert "Give the English name of the round, at most 200 characters" in refused.text
    form = form_for(testapp.get(f"/i/{slug}/setup"), "wave")
    form["label"], form["wave_name"], form["wave_name_en"] = "T2", "Later", "y" * 201
    assert "English name of the round" in form.submit(status=400).text
    assert names(dbsession, slug) == before  # nothing half-stored


def test_the_api_sets_shows_and_removes_the_names_per_language(testapp, dbsession, slug):
    api = ApiClient(testapp)
    base = f"/interventions/{slug}/waves"
    assert api.get(f"{base}/T1").json["names"] == {"nl": "Nameting"}
    wave = api.patch(f"{base}/T1", {"names": {"en": "Post-test"}}).json
    assert (wave["name"], wave["names"]) == ("Nameting", {"nl": "Nameting", "en": "Post-test"})
    wave = api.patch(f"{base}/T1", {"names": {"nl": "Nameting 1"}}).json
    assert (wave["name"], wave["names"]) == ("Nameting 1", {"nl": "Nameting 1", "en": "Post-test"})
    wave = api.patch(f"{base}/T1", {"name": "Nameting"}).json  # name is the Dutch name
    assert wave["names"] == {"nl": "Nameting", "en": "Post-test"}
    added = api.post(
        base, {"label": "T2", "name": "Follow-up", "names": {"en": "Follow-up (6 months)"}}
    ).json
    assert added["names"] == {"nl": "Follow-up", "en": "Follow-up (6 months)"}
    wave = api.patch(f"{base}/T1", {"names": {"en": None}}).json
    assert wave["names"] == {"nl": "Nameting"}
    assert names(dbsession, slug)["T2"][2] == "Follow-up (6 months)"


@pytest.mark.parametrize(
    ("names", "field"),
    [
        ({"en": ""}, "names.en"),
        ({"en": "x" * 201}, "names.en"),
        ({"fr": "Prétest"}, "names.fr"),
        ({"nl": None}, "names.nl"),
    ],
)
def test_the_api_refuses_a_bad_name_naming_the_field(testapp, dbsession, slug, names, field):
    api = ApiClient(testapp)
    answer = api.patch(
        f"/interventions/{slug}/waves/T1", {"names": names}, status=422, conforms=False
    ).json
    assert answer["error"] == "validation_failed"
    assert answer["details"][0]["field"].startswith(field)
    assert answer["details"][0]["message"]


def test_the_service_refuses_a_name_in_a_language_the_pages_do_not_have(dbsession):
    iv = builders.intervention(dbsession)
    with pytest.raises(setup.SetupError) as refused:
        setup.update_wave(dbsession, iv.waves[1], {"names": {"fr": "Post-test"}})
    assert refused.value.field == "names.fr" and "nl, en" in refused.value.message
    with pytest.raises(setup.SetupError) as refused:
        setup.update_wave(dbsession, iv.waves[1], {"names": {"en": " "}})
    assert refused.value.field == "names.en" and "English name" in refused.value.message
    assert iv.waves[1].names in ({}, None) and iv.waves[1].name == "Nameting"


def test_the_migration_gives_every_existing_round_its_name_as_its_dutch_name(scratch_database):
    settings = apply_environment(scratch_database)
    engine = get_engine(settings)
    try:
        schema.upgrade(engine, settings)
        with Session(engine) as session:
            iv = builders.intervention(session)  # a link points at T0: the column drop must cope
            session.add(
                SurveyLink(
                    token="tok-names",
                    intervention_id=iv.id,
                    site_id=iv.sites[0].id,
                    wave_id=iv.waves[0].id,
                )
            )
            session.commit()
        schema.downgrade(engine, settings, "0018")
        schema.upgrade(engine, settings)
        with Session(engine) as session:
            waves = session.query(Wave).order_by(Wave.position).all()
            assert [(w.label, w.names) for w in waves] == [
                ("T0", {"nl": "Voormeting"}),
                ("T1", {"nl": "Nameting"}),
            ]
    finally:
        engine.dispose()
