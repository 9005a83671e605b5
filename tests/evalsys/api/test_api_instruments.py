"""Instruments through the API: import a form for an intervention, list, export; and the reads a
``submit`` token may not make (403, as docs/api.md says)."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
import yaml

import surveys
from evalsys.programme.models import InstrumentDefinition

from .. import builders
from .. import world as worlds
from ..api_client import ApiClient, make_token, member
from ..setup.instrument_forms import xlsform_bytes
from .download_client import fetch, file_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def team(dbsession, tm):
    """An intervention, its evaluator, and their tokens: submit (whole), read, submit (one site)."""
    iv = builders.intervention(dbsession)
    evaluator = worlds.make_user(dbsession, "api-eval", "evaluator")
    member(dbsession, evaluator, iv)
    coordinator = worlds.make_user(dbsession, "api-coor", "coordinator")
    member(dbsession, coordinator, iv, iv.sites[0])
    found = {
        "slug": iv.slug,
        "prefix": iv.slug.replace("-", "_"),
        "evaluator": evaluator,
        "coordinator": coordinator,
        "submit": make_token(dbsession, evaluator, iv, permission="submit"),
        "read": make_token(dbsession, evaluator, iv, permission="read"),
        "site_submit": make_token(dbsession, evaluator, iv, permission="submit", site=iv.sites[0]),
        "coordinator_submit": make_token(
            dbsession, coordinator, iv, permission="submit", site=iv.sites[0]
        ),
        "participant": builders.participant(dbsession, iv),
    }
    found["response"] = builders.response(dbsession, found["participant"], iv.waves[0]).id
    builders.commit(tm)
    return found


def raw_import(api, data=None, status=201, query="", content_type=XLSX, **kw):
    return api.call(
        "POST",
        f"/instruments/import{query}",
        None,
        status,
        raw=xlsform_bytes() if data is None else data,
        content_type=content_type,
        **kw,
    )


def test_a_submit_token_of_the_whole_intervention_imports_a_form(testapp, dbsession, team):
    api = ApiClient(testapp, team["submit"])
    answer = raw_import(api, query="?filename=buurt.xlsx").json
    stored_id = f"{team['prefix']}_buurtgevoel"
    assert answer["added"] == [f"{stored_id}@1"] and answer["format"] == "xlsform"
    assert answer["form_ids"] == {stored_id: "buurtgevoel"}
    assert answer["intervention"] == team["slug"] and answer["consent"] == "none"
    listed = {i["id"] for i in api.get("/instruments").json["items"]}
    assert {stored_id, "brs", "demographics"} <= listed
    chosen = {"instruments": [{"id": stored_id}], "demographics": False}
    api.put(f"/interventions/{team['slug']}/questionnaire", chosen, status=201)
    body = api.get(f"/interventions/{team['slug']}/questionnaire").json
    [block] = body["instruments"]
    assert block["items"][0]["text"]["en"] == "I feel at home in the neighbourhood."
    assert block["items"][0]["choices"][2]["label"] == {"nl": "Eens", "en": "Agree"}


def test_a_token_may_send_the_form_as_multipart(testapp, dbsession, team):
    response = testapp.post(
        "/api/v1/instruments/import",
        {"format": "xlsform"},
        upload_files=[("file", "buurt.xlsx", xlsform_bytes())],
        headers={"Authorization": f"Bearer {team['submit']}"},
        status=201,
    )
    assert response.json["added"] == [f"{team['prefix']}_buurtgevoel@1"]


def test_a_session_sends_the_raw_file_and_never_a_form(testapp, dbsession, team):
    worlds.sign_in(testapp, team["evaluator"])
    refused = testapp.post(
        f"/api/v1/instruments/import?intervention={team['slug']}",
        upload_files=[("file", "buurt.xlsx", xlsform_bytes())],
        status=415,
    )
    assert refused.json["error"] == "unsupported_media_type"
    assert dbsession.query(InstrumentDefinition).count() == 0
    api = ApiClient(testapp, None)
    assert raw_import(api, status=422).json["details"][0]["field"] == "intervention"
    answer = raw_import(api, query=f"?intervention={team['slug']}").json
    assert answer["added"] == [f"{team['prefix']}_buurtgevoel@1"]


@pytest.mark.parametrize("who", ["read", "site_submit", "coordinator_submit"])
def test_only_those_who_set_up_the_intervention_may_import(testapp, dbsession, team, who):
    refused = raw_import(ApiClient(testapp, team[who]), status=403)
    assert refused.json["error"] == "forbidden"
    assert dbsession.query(InstrumentDefinition).count() == 0


def test_a_coordinators_session_and_another_intervention_are_refused(testapp, dbsession, team, tm):
    other = builders.intervention(dbsession)
    other_slug = other.slug
    builders.commit(tm)
    api = ApiClient(testapp, team["submit"])
    unknown = raw_import(api, status=422, query=f"?intervention={other_slug}").json
    assert unknown["details"][0] == {
        "field": "intervention",
        "code": "unknown",
        "message": "an intervention's slug",
    }
    worlds.sign_in(testapp, team["coordinator"])
    raw_import(ApiClient(testapp, None), status=403, query=f"?intervention={team['slug']}")
    assert dbsession.query(InstrumentDefinition).count() == 0


def test_every_problem_of_a_form_is_a_detail_in_the_asked_language(testapp, dbsession, team):
    data = xlsform_bytes(broken_row=True)
    with pytest.raises(surveys.XLSFormError) as refused:
        surveys.import_xlsform(io.BytesIO(data), name="kapot.xlsx")
    api = ApiClient(testapp, team["submit"])
    for language in ("en", "nl"):
        answer = raw_import(
            api, data, 422, "?filename=kapot.xlsx", headers={"Accept-Language": language}
        ).json
        assert answer["error"] == "validation_failed"
        assert [d["message"] for d in answer["details"]] == refused.value.lines(language)
    assert dbsession.query(InstrumentDefinition).count() == 0


def test_a_form_stored_already_is_a_conflict(testapp, dbsession, team):
    api = ApiClient(testapp, team["submit"])
    raw_import(api)
    again = raw_import(api, status=409).json
    assert again["error"] == "conflict" and again["details"][0]["code"] == "nothing_new"


def test_a_body_that_is_no_file_type_is_refused(testapp, team):
    api = ApiClient(testapp, team["submit"])
    refused = api.call("POST", "/instruments/import", {"a": 1}, 415, conforms=False).json
    assert refused["error"] == "unsupported_media_type"


@pytest.mark.parametrize("fmt", ["xlsform", "redcap", "yaml"])
def test_an_instrument_exports_and_imports_again(testapp, dbsession, team, fmt):
    response = fetch(testapp, f"/instruments/brs/export?format={fmt}", team["read"])
    brs = surveys.load_instrument("brs")
    extension = {"xlsform": "xlsx", "redcap": "csv", "yaml": "yaml"}[fmt]
    assert file_name(response) == f"brs-{brs.version}.{extension}"
    if fmt == "yaml":
        again = surveys.parse_instrument(yaml.safe_load(response.body.decode("utf-8")))
        assert again.fingerprint == brs.fingerprint
        return
    media = XLSX if fmt == "xlsform" else "text/csv"
    assert response.content_type == media
    api = ApiClient(testapp, team["submit"])
    answer = raw_import(api, response.body, content_type=media).json
    assert answer["added"] == [f"{team['prefix']}_brs@{brs.version}"]


def test_an_unknown_instrument_or_format_is_explained(testapp, team):
    fetch(testapp, "/instruments/no_such/export", team["read"], status=404)
    fetch(testapp, "/instruments/brs/export?version=9.9", team["read"], status=404)
    response = testapp.get(
        "/api/v1/instruments/brs/export?format=pdf",
        headers={"Authorization": f"Bearer {team['read']}"},
        status=422,
    )
    assert response.json["details"][0]["field"] == "format"


def test_a_submit_token_reads_no_responses(testapp, team):
    """docs/api.md: reading responses needs a read token; a submit token gets 403, not []."""
    submit, read = ApiClient(testapp, team["submit"]), ApiClient(testapp, team["read"])
    assert submit.get("/responses", status=403).json["error"] == "forbidden"
    assert [r["id"] for r in read.get("/responses").json["items"]] == [team["response"]]
    submit.get(f"/responses/{team['response']}", status=403)
    read.get(f"/responses/{team['response']}", status=200)
    submit.get(f"/responses/{team['response']}/history", status=403)
    site = quote("site-a")
    submit.get(f"/interventions/{team['slug']}/sites/{site}/due", status=403)
    read.get(f"/interventions/{team['slug']}/sites/{site}/due", status=200)
    # a submit token of one site does not learn that another site's response exists
    ApiClient(testapp, team["site_submit"]).get("/responses/987654321", status=404)
