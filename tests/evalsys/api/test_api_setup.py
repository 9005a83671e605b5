"""Setting up an intervention through the JSON API, and reading its structure within scope."""

from __future__ import annotations

import uuid

import pytest

from evalsys.accounts.models import Membership
from evalsys.audit.models import AuditEvent
from evalsys.programme.models import Intervention, Questionnaire

from .. import builders
from .. import world as worlds
from ..api_client import ApiClient, make_link, make_token, member
from ..builders import BRS_ANSWERS

NEW = {
    "slug": "samen-sterk",
    "name": "Samen sterk",
    "description": "Mentorprogramma voor jongeren",
    "target_group": "Jongeren 14-18",
    "protective_factors": ["veerkracht", "sociale inclusie"],
    "design": "pre_post_comparison",
}


@pytest.fixture
def evaluator(testapp, dbsession, tm):
    user = worlds.make_user(dbsession, "api-eval", "evaluator")
    builders.commit(tm)
    worlds.sign_in(testapp, user)
    return user


def test_an_evaluator_sets_up_an_intervention_step_by_step(testapp, evaluator, dbsession):
    api = ApiClient(testapp)
    created = api.post("/interventions", NEW, status=201)
    assert created.location.endswith("/api/v1/interventions/samen-sterk")
    assert created.json["design"] == "pre_post_comparison" and created.json["sites"] == []
    base = "/interventions/samen-sterk"
    api.post(f"{base}/sites", {"slug": "tilburg-noordwest", "name": "Tilburg Noordwest"})
    api.post(f"{base}/waves", {"label": "T0", "name": "Voormeting", "opens_on": "2027-01-10"})
    t1 = api.post(f"{base}/waves", {"label": "T1", "name": "Nameting"}).json
    assert t1["position"] == 1
    chosen = {"instruments": [{"id": "gse"}, {"id": "brs", "version": "1.0"}]}
    questionnaire = api.put(f"{base}/questionnaire", chosen, status=201).json
    assert questionnaire["version"] == 1
    ids = [i["id"] for i in questionnaire["instruments"] if i["kind"] != "demographics"]
    assert ids == ["gse", "brs"]
    detail = api.get(base).json
    assert [s["slug"] for s in detail["sites"]] == ["tilburg-noordwest"]
    assert [(w["label"], w["opens_on"]) for w in detail["waves"]] == [
        ("T0", "2027-01-10"),
        ("T1", None),
    ]
    assert detail["questionnaire_version"] == 1
    # Survey links are made for every site x wave x group, as the web form does.
    links = api.get(f"{base}/links").json["items"]
    assert sorted((li["site"], li["wave"], li["group"]) for li in links) == [
        ("tilburg-noordwest", wave, group)
        for wave in ("T0", "T1")
        for group in ("comparison", "intervention")
    ]
    assert all(li["url"].endswith("/s/" + li["link"]) for li in links)
    # The creating evaluator now evaluates it.
    iv = dbsession.query(Intervention).filter_by(slug="samen-sterk").one()
    assert (
        dbsession.query(Membership)
        .filter_by(user_id=evaluator.id, intervention_id=iv.id, site_id=None)
        .count()
        == 1
    )
    assert dbsession.query(AuditEvent).filter_by(action="intervention_created").count() == 1


def test_the_same_instruments_again_keep_the_version(testapp, evaluator):
    api = ApiClient(testapp)
    api.post("/interventions", NEW)
    chosen = {"instruments": [{"id": "brs"}]}
    first = api.put("/interventions/samen-sterk/questionnaire", chosen, status=201).json
    again = api.put("/interventions/samen-sterk/questionnaire", chosen, status=200).json
    assert again["version"] == first["version"] == 1


def test_a_questionnaire_with_responses_changes_into_a_new_version(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    evaluator = worlds.make_user(dbsession, "api-eval-2", "evaluator")
    member(dbsession, evaluator, iv)
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    token = make_token(dbsession, evaluator, iv)
    builders.commit(tm)
    api = ApiClient(testapp, token)
    submitted = {
        "submission_id": str(uuid.uuid4()),
        "link": link.token,
        "participant_code": "QV01",
        "language": "nl",
        "answers": BRS_ANSWERS,
    }
    stored = api.post("/responses", submitted).json
    before = api.get(f"/interventions/{iv.slug}/questionnaire").json
    assert before["has_responses"] is True
    changed = {"instruments": [{"id": "brs"}, {"id": "gse"}]}
    after = api.put(f"/interventions/{iv.slug}/questionnaire", changed, status=201).json
    assert after["version"] == before["version"] + 1 and after["has_responses"] is False
    # The stored response keeps the version it was given with.
    assert dbsession.query(Questionnaire).filter_by(intervention_id=iv.id).count() == 2
    assert stored["questionnaire_version"] == before["version"]


def test_set_up_validation_errors_name_the_field(testapp, evaluator):
    api = ApiClient(testapp)
    error = api.post(
        "/interventions",
        {**NEW, "design": "rct", "slug": "Met Spaties"},
        status=422,
        conforms=False,
    ).json
    assert {d["field"] for d in error["details"]} == {"design", "slug"}
    api.post("/interventions", NEW)
    taken = api.post("/interventions", NEW, status=409).json
    assert taken["error"] == "conflict" and taken["details"][0]["field"] == "slug"
    base = "/interventions/samen-sterk"
    unknown = api.put(f"{base}/questionnaire", {"instruments": [{"id": "swemwbs"}]}, status=422)
    assert unknown.json["details"][0]["field"] == "instruments[0].id"
    dates = {"label": "T0", "name": "Voor", "opens_on": "2027-02-01", "closes_on": "2027-01-01"}
    assert api.post(f"{base}/waves", dates, status=422).json["details"][0]["field"] == "closes_on"
    api.post(f"{base}/waves", {"label": "T0", "name": "Voor"})
    again = api.post(f"{base}/waves", {"label": "T0", "name": "Voor"}, status=409).json
    assert again["details"][0]["field"] == "label"
    empty = api.patch(base, {}, status=422, conforms=False).json
    assert empty["error"] == "validation_failed"


def test_changing_the_intervention_and_a_wave(testapp, evaluator):
    api = ApiClient(testapp)
    api.post("/interventions", NEW)
    base = "/interventions/samen-sterk"
    changed = api.patch(base, {"design": "randomised", "target_group": "Ouders"}).json
    assert (changed["design"], changed["target_group"]) == ("randomised", "Ouders")
    api.post(f"{base}/waves", {"label": "T0", "name": "Voor"})
    wave = api.patch(
        f"{base}/waves/T0", {"closes_on": "2027-03-01", "participant_code": "self_generated"}
    ).json
    assert (wave["closes_on"], wave["participant_code"]) == ("2027-03-01", "self_generated")
    assert api.get(f"{base}/waves/T0").json == wave
    api.patch(f"{base}/waves/T9", {"name": "x"}, status=404)


def test_assigning_a_coordinator_to_a_site(testapp, evaluator, dbsession, tm):
    coordinator = worlds.make_user(dbsession, "coord-new", "coordinator")
    worlds.make_user(dbsession, "ministerie-x", "ministry")
    builders.commit(tm)
    api = ApiClient(testapp)
    api.post("/interventions", NEW)
    api.post("/interventions/samen-sterk/sites", {"slug": "delft-west", "name": "Delft West"})
    url = "/interventions/samen-sterk/sites/delft-west/coordinators"
    assigned = api.post(url, {"username": "coord-new"}, status=201).json
    assert assigned == {
        "username": "coord-new",
        "intervention": "samen-sterk",
        "site": "delft-west",
    }
    api.post(url, {"username": "coord-new"}, status=200)
    assert api.get(url).json["items"] == [assigned]
    assert dbsession.query(Membership).filter_by(user_id=coordinator.id).count() == 1
    wrong = api.post(url, {"username": "ministerie-x"}, status=422).json
    assert wrong["details"][0] == {
        "field": "username",
        "code": "not_a_coordinator",
        "message": "ministerie-x is not a coordinator account.",
    }
    assert (
        api.post(url, {"username": "niemand"}, status=422).json["details"][0]["field"] == "username"
    )


def test_the_instrument_library_lists_bundled_instruments(testapp, evaluator):
    items = ApiClient(testapp).get("/instruments").json["items"]
    ids = {(i["id"], i["version"]) for i in items}
    assert ("brs", "1.0") in ids and ("gse", "1.0") in ids


# --- who may set up -------------------------------------------------------------------------


def test_a_coordinator_cannot_create_or_change_an_intervention(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    coordinator = worlds.make_user(dbsession, "coord-x", "coordinator")
    member(dbsession, coordinator, iv, iv.sites[0])
    builders.commit(tm)
    worlds.sign_in(testapp, coordinator)
    api = ApiClient(testapp)
    assert api.post("/interventions", NEW, status=403).json["error"] == "forbidden"
    api.patch(f"/interventions/{iv.slug}", {"name": "Anders"}, status=403)
    api.post(f"/interventions/{iv.slug}/sites", {"slug": "x1", "name": "X"}, status=403)
    # ... but reads its own site of it
    sites = api.get(f"/interventions/{iv.slug}/sites").json["items"]
    assert [s["slug"] for s in sites] == ["site-a"]


def test_an_evaluator_of_another_intervention_sees_it_as_missing(testapp, evaluator, dbsession, tm):
    other = builders.intervention(dbsession)
    builders.commit(tm)
    api = ApiClient(testapp)
    assert api.get(f"/interventions/{other.slug}", status=404).json["error"] == "not_found"
    api.get(f"/interventions/{other.slug}/waves", status=404)
    api.put(
        f"/interventions/{other.slug}/questionnaire", {"instruments": [{"id": "brs"}]}, status=404
    )
    assert other.slug not in {i["slug"] for i in api.get("/interventions").json["items"]}


def test_tokens_read_the_structure_within_their_scope(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    other = builders.intervention(dbsession)
    coordinator = builders.user(dbsession, role="coordinator")
    member(dbsession, coordinator, iv, iv.sites[1])
    token = make_token(dbsession, coordinator, iv, site=iv.sites[1], permission="read")
    builders.commit(tm)
    api = ApiClient(testapp, token)
    assert [i["slug"] for i in api.get("/interventions").json["items"]] == [iv.slug]
    assert [s["slug"] for s in api.get(f"/interventions/{iv.slug}").json["sites"]] == ["site-b"]
    assert [w["label"] for w in api.get(f"/interventions/{iv.slug}/waves").json["items"]] == [
        "T0",
        "T1",
    ]
    items = api.get(f"/interventions/{iv.slug}/questionnaire").json["instruments"]
    brs = next(i for i in items if i["id"] == "brs")
    assert [item["id"] for item in brs["items"]] == [f"brs_{n}" for n in range(1, 7)]
    api.get(f"/interventions/{other.slug}", status=404)
    own_link = make_link(dbsession, iv, iv.sites[1], iv.waves[0])
    make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    builders.commit(tm)
    listed = api.get(f"/interventions/{iv.slug}/links").json["items"]
    assert [(li["link"], li["site"]) for li in listed] == [(own_link.token, "site-b")]
    # A site token never sets up: not even its own site.
    api.post(f"/interventions/{iv.slug}/waves", {"label": "T2", "name": "x"}, status=403)


def test_a_whole_intervention_submit_token_of_an_evaluator_may_set_up(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    evaluator = builders.user(dbsession, role="evaluator")
    member(dbsession, evaluator, iv)
    read = make_token(dbsession, evaluator, iv, permission="read")
    write = make_token(dbsession, evaluator, iv, permission="submit")
    builders.commit(tm)
    site = {"slug": "lelystad-oost", "name": "Lelystad Oost"}
    ApiClient(testapp, read).post(f"/interventions/{iv.slug}/sites", site, status=403)
    ApiClient(testapp, write).post(f"/interventions/{iv.slug}/sites", site, status=201)
    # A token carries no role, so it cannot create interventions.
    ApiClient(testapp, write).post("/interventions", NEW, status=403)


def test_the_openapi_document_is_public_and_lists_every_api_route(testapp, app):
    from pyramid.interfaces import IRoutesMapper

    from evalsys.api.openapi import ALL_OPERATIONS, route_pattern

    doc = ApiClient(testapp).get("/openapi.json", token=None).json
    assert doc["openapi"].startswith("3.1")
    routes = {
        r.name: r.pattern
        for r in app.registry.getUtility(IRoutesMapper).get_routes()
        if r.name.startswith("api.")
    }
    assert routes == {name: route_pattern(name) for name in ALL_OPERATIONS}


def test_an_unexpected_error_is_a_500_in_the_error_shape(testapp, evaluator, monkeypatch):
    from evalsys.api import instruments

    def broken(dbsession):
        raise RuntimeError("the library is on fire")

    monkeypatch.setattr(instruments.stored, "available", broken)
    error = ApiClient(testapp).get("/instruments", status=500).json
    assert error["error"] == "internal_error"
    assert "fire" not in error["message"]
