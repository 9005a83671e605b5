"""Control characters (NUL and the like) in set-up names and texts: 422 / 400 naming the field.

PostgreSQL refuses NUL in text, so before these checks such a name failed in the database
(500); the JSON API and the web forms call the same set-up functions. The suite runs on both
databases.
"""

from __future__ import annotations

import pytest

from evalsys.programme.models import Intervention, Site

from .. import builders
from .. import world as worlds
from ..api_client import ApiClient

NEW = {"slug": "tekens", "name": "Tekens", "design": "pre_post"}


@pytest.fixture
def evaluator(testapp, dbsession, tm):
    user = worlds.make_user(dbsession, "tekens-eval", "evaluator")
    builders.commit(tm)
    worlds.sign_in(testapp, user)
    return user


def form_with_action(page, action: str):
    return next(
        form
        for form in page.forms.values()
        if "action" in form.fields and form["action"].value == action
    )


def fields_of(error: dict) -> list[tuple[str, str]]:
    return [(d["field"], d["code"]) for d in error["details"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Sterk\x00"),
        ("name", "Twee\nregels"),  # a name is one line
        ("description", "Mentor\x00programma"),
        ("target_group", "Jongeren\x0b14-18"),
        ("protective_factors", ["veerkracht", "inclusie\x00"]),
    ],
)
def test_an_intervention_with_a_control_character_is_422_and_not_made(
    testapp, evaluator, dbsession, field, value
):
    error = ApiClient(testapp).post("/interventions", {**NEW, field: value}, status=422).json
    assert error["error"] == "validation_failed"
    assert fields_of(error) == [(field, "invalid_characters")]
    assert "control character" in error["message"]
    dbsession.expire_all()
    assert dbsession.query(Intervention).filter_by(slug="tekens").count() == 0


def test_a_description_may_have_line_breaks_and_tabs(testapp, evaluator):
    text = "Regel een\r\n\tRegel twee"
    created = ApiClient(testapp).post("/interventions", {**NEW, "description": text}).json
    assert created["description"] == text


def test_changing_a_name_to_one_with_a_nul_is_422_and_keeps_the_old(testapp, evaluator, dbsession):
    api = ApiClient(testapp)
    api.post("/interventions", NEW)
    error = api.patch("/interventions/tekens", {"name": "Nieuw\x00"}, status=422).json
    assert fields_of(error) == [("name", "invalid_characters")]
    dbsession.expire_all()
    assert dbsession.query(Intervention).filter_by(slug="tekens").one().name == "Tekens"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/sites", {"slug": "wijk", "name": "Wijk\x00"}, "name"),
        ("/sites", {"slug": "wijk", "name": "Wijk", "municipality": "Delft\x00"}, "municipality"),
        ("/sites", {"slug": "wijk", "name": "Wijk", "organisation": "\x1b"}, "organisation"),
        ("/waves", {"label": "T0", "name": "Voor\x00"}, "name"),
    ],
)
def test_a_site_or_wave_with_a_control_character_is_422_and_not_added(
    testapp, evaluator, dbsession, path, body, field
):
    api = ApiClient(testapp)
    api.post("/interventions", NEW)
    error = api.post(f"/interventions/tekens{path}", body, status=422).json
    assert fields_of(error) == [(field, "invalid_characters")]
    dbsession.expire_all()
    iv = dbsession.query(Intervention).filter_by(slug="tekens").one()
    assert iv.sites == [] and iv.waves == []


def test_a_coordinator_username_with_a_nul_is_422(testapp, evaluator):
    api = ApiClient(testapp)
    api.post("/interventions", NEW)
    api.post("/interventions/tekens/sites", {"slug": "wijk", "name": "Wijk"})
    error = api.post(
        "/interventions/tekens/sites/wijk/coordinators",
        {"username": "co\x00en"},
        status=422,
        conforms=False,
    ).json
    assert fields_of(error) == [("username", "invalid_characters")]


def test_the_set_up_forms_explain_a_control_character_and_save_nothing(
    testapp, evaluator, dbsession
):
    page = testapp.get("/interventions/new")
    form = page.forms[1]
    form["name"], form["slug"], form["design"] = "Ster\x00k", "sterk", "pre_post"
    answer = form.submit(status=400)
    assert "hidden control character" in answer.text or "stuurteken" in answer.text
    dbsession.expire_all()
    assert dbsession.query(Intervention).filter_by(slug="sterk").count() == 0

    ApiClient(testapp).post("/interventions", NEW)
    ApiClient(testapp).post("/interventions/tekens/sites", {"slug": "oost", "name": "Oost"})
    setup = testapp.get("/i/tekens/setup")
    site = form_with_action(setup, "site")
    site["site_name"], site["slug"], site["municipality"] = "Wijk", "wijk", "Del\x00ft"
    assert site.submit(status=400).status_int == 400
    coordinator = form_with_action(setup, "coordinator")
    coordinator["site"], coordinator["username"] = "oost", "co\x00en"
    refused = coordinator.submit(status=400)
    assert "hidden control character" in refused.text or "stuurteken" in refused.text
    dbsession.expire_all()
    assert dbsession.query(Site).filter_by(slug="wijk").count() == 0
