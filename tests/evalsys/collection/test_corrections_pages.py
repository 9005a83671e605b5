"""Corrections, moves and voids through the pages (a pre-filled form, a reason, 409 for the
second of two open forms, Dutch and English messages) and the JSON API, and the change log."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from evalsys.audit.models import AuditEvent
from evalsys.collection import corrections
from evalsys.collection.corrections import Reason
from evalsys.collection.models import Response

from .. import builders
from ..api_client import ApiClient, make_token, member
from ..builders import BRS_ANSWERS
from ..import_fixtures import ANSWERS, make_setup
from ..import_fixtures import login_english as login
from ..world import make_user, sign_in
from .test_corrections import stored

# --- the pages -----------------------------------------------------------------------------


@pytest.fixture
def setup(dbsession, tm):
    return make_setup(dbsession, tm)


def paper_response(dbsession, tm, setup, code="AB12", wave=0, site=0) -> Response:
    iv = setup.intervention
    response = stored(dbsession, iv, code=code, wave=wave, site=site, answers=ANSWERS)
    builders.commit(tm)
    return response


def test_a_coordinator_corrects_through_the_pre_filled_form(testapp, setup, dbsession, tm):
    old = paper_response(dbsession, tm, setup)
    login(testapp)
    listing = testapp.get(f"{setup.base}/responses")
    link = listing.html.select_one("table a")
    assert link.get_text(strip=True) == "AB12"
    page = testapp.get(f"{setup.base}/responses/{old.id}/correct")
    form = page.forms["correct-form"]
    assert form["brs_1"].value == "4" and form["gse_1"].value == "3"  # the stored answers
    form["brs_1"] = "1"
    refused = form.submit(status=400)  # no reason
    assert "Choose a reason for this change." in refused.text
    form = refused.forms["correct-form"]
    assert form["brs_1"].value == "1"
    form["brs_1"] = "9"
    form["reason"] = "typing_error"
    invalid = form.submit(status=400)
    assert invalid.html.select_one("#e-brs_1")  # the same validation as paper entry
    form = invalid.forms["correct-form"]
    form["brs_1"] = "1"
    done = form.submit(status=303).follow()
    assert "The change is saved." in done.text
    changes = done.html.select_one("#changes").get_text(" ", strip=True)
    assert "brs_1 4 → 1" in changes and "Typing error" in changes and "coco" in changes
    dbsession.expire_all()
    current = dbsession.query(Response).filter(Response.superseded_at.is_(None)).one()
    assert current.supersedes_id == old.id and current.answers["brs_1"] == 1


def test_the_second_of_two_open_forms_gets_409_with_the_current_version(
    testapp, setup, dbsession, tm
):
    old = paper_response(dbsession, tm, setup)
    login(testapp)
    url = f"{setup.base}/responses/{old.id}/correct"
    first, second = testapp.get(url).forms["correct-form"], testapp.get(url).forms["correct-form"]
    for form, value in ((first, "1"), (second, "2")):
        form["brs_1"] = value
        form["reason"] = "typing_error"
    first.submit(status=303)
    conflict = second.submit(status=409)
    dbsession.expire_all()
    current = dbsession.query(Response).filter(Response.superseded_at.is_(None)).one()
    assert current.answers["brs_1"] == 1  # the first one, not overwritten
    assert f"/responses/{current.id}" in conflict.html.select_one("[role=alert] a")["href"]
    assert "Nothing was saved." in conflict.text


def test_a_move_into_a_taken_wave_is_refused_in_english_and_dutch(testapp, setup, dbsession, tm):
    paper_response(dbsession, tm, setup, code="AB12", wave=1)
    pre = paper_response(dbsession, tm, setup, code="AB12", wave=0)
    login(testapp)
    form = testapp.get(f"{setup.base}/responses/{pre.id}/move").forms["move-form"]
    assert form["participant_code"].value == "AB12"
    form["wave"] = "T1"
    form["reason"] = "wrong_wave"
    refused = form.submit(status=409)
    assert "already has a response in that round" in refused.text
    testapp.get("/language/nl")
    dutch = refused.forms["move-form"].submit(status=409)
    assert "heeft al een antwoord in die ronde" in dutch.text
    form = dutch.forms["move-form"]
    form["participant_code"] = "AB99"
    moved = form.submit(status=303).follow()
    assert "AB99" in moved.text


def test_a_void_through_the_page(testapp, setup, dbsession, tm):
    response = paper_response(dbsession, tm, setup)
    login(testapp)
    form = testapp.get(f"{setup.base}/responses/{response.id}/void").forms["void-form"]
    form["reason"] = "other"
    assert "Describe the reason" in form.submit(status=400).text
    form["reason_text"] = "a test form"
    done = form.submit(status=303).follow()
    assert "This response was voided" in done.text
    assert testapp.get(f"{setup.base}/responses").html.select_one("table") is None


def test_an_evaluator_corrects_at_any_site_of_the_intervention(testapp, setup, dbsession, tm):
    theirs = paper_response(dbsession, tm, setup, code="ZZ01", site=1)
    evaluator = make_user(dbsession, "eva-pages", "evaluator")
    member(dbsession, evaluator, setup.intervention)
    builders.commit(tm)
    sign_in(testapp, evaluator)
    base_other = f"/i/{setup.slug}/sites/{setup.other}"
    form = testapp.get(f"{base_other}/responses/{theirs.id}/correct").forms["correct-form"]
    form["gse_1"] = "4"
    form["reason"] = "participant_request"
    form.submit(status=303)
    dbsession.expire_all()
    event = dbsession.query(AuditEvent).filter_by(action="response_corrected").one()
    assert event.actor == "eva-pages" and event.details["changes"] == {"gse_1": [3, 4]}


def test_a_coordinator_cannot_reach_another_sites_response(testapp, setup, dbsession, tm):
    theirs = paper_response(dbsession, tm, setup, code="ZZ01", site=1)
    login(testapp)  # coco, coordinator of the first site
    base_other = f"/i/{setup.slug}/sites/{setup.other}"
    testapp.get(f"{base_other}/responses/{theirs.id}", status=404)
    # nor through their own site's URL
    testapp.get(f"{setup.base}/responses/{theirs.id}/correct", status=404)


def test_an_ambiguous_code_match_is_confirmed_on_the_history_page(testapp, setup, dbsession, tm):
    iv = setup.intervention
    pre = stored(dbsession, iv, code="A-B-01-1", answers=ANSWERS, code_elements=True)
    stored(dbsession, iv, code="A-B-02-2", answers=ANSWERS, code_elements=True)
    post = stored(dbsession, iv, code="A-B-01-2", wave=1, answers=ANSWERS, code_elements=True)
    pre_person = pre.participant_id
    assert "code_match_ambiguous" in post.quality_flags
    builders.commit(tm)
    login(testapp)
    page = testapp.get(f"{setup.base}/responses/{post.id}")
    links = [f for f in page.forms.values() if "participant_code" in f.fields]
    offered = [f["participant_code"].value for f in links]
    # Both one element away (neither has a T1), and last: a person of their own.
    assert offered == ["A-B-01-1", "A-B-02-2", "A-B-01-2"]
    form = links[0]
    form["reason_text"] = "same birthday on the paper form"
    done = form.submit(status=303).follow()
    assert "wrong match of a self-generated code" in done.text.lower()
    dbsession.expire_all()
    current = dbsession.query(Response).filter_by(supersedes_id=post.id).one()
    assert current.participant_id == pre_person
    assert "code_match_ambiguous" not in current.quality_flags  # a person chose the link


def test_a_person_of_their_own_clears_the_ambiguous_flag_on_the_history_page(
    testapp, setup, dbsession, tm
):
    iv = setup.intervention
    stored(dbsession, iv, code="A-B-01-1", answers=ANSWERS, code_elements=True)
    stored(dbsession, iv, code="A-B-02-2", answers=ANSWERS, code_elements=True)
    post = stored(dbsession, iv, code="A-B-01-2", wave=1, answers=ANSWERS, code_elements=True)
    builders.commit(tm)
    login(testapp)
    page = testapp.get(f"{setup.base}/responses/{post.id}")
    codes = [f for f in page.forms.values() if "participant_code" in f.fields]
    form = next(f for f in codes if f["participant_code"].value == "A-B-01-2")
    form["reason_text"] = "a new child in the group"
    done = form.submit(status=303).follow()
    assert "confirmed the code match" in done.text
    assert 'id="code-match"' not in done.text  # nothing left to resolve
    dbsession.expire_all()
    current = dbsession.query(Response).filter_by(supersedes_id=post.id).one()
    assert current.participant_id == post.participant_id
    assert "code_match_ambiguous" not in current.quality_flags


def test_a_wrong_link_is_undone_on_the_history_page_with_the_code_on_the_form(
    testapp, setup, dbsession, tm
):
    iv = setup.intervention
    pre = stored(dbsession, iv, code="M-J-17-2", answers=ANSWERS, code_elements=True)
    post = stored(dbsession, iv, code="M-J-17-5", wave=1, answers=ANSWERS, code_elements=True)
    assert post.participant_id == pre.participant_id
    builders.commit(tm)
    login(testapp)
    page = testapp.get(f"{setup.base}/responses/{post.id}")
    assert "The code on the form, M-J-17-5, was linked to participant M-J-17-2" in page.text
    offered = {
        f["participant_code"].value: f
        for f in page.forms.values()
        if "participant_code" in f.fields
    }
    assert set(offered) == {"M-J-17-2", "M-J-17-5"}  # keep the link, or undo it
    form = offered["M-J-17-5"]
    form["reason_text"] = "the mother's initial differs: another child"
    done = form.submit(status=303).follow()
    assert "M-J-17-2 → M-J-17-5" in done.text
    dbsession.expire_all()
    current = dbsession.query(Response).filter_by(supersedes_id=post.id).one()
    assert current.participant.code == "M-J-17-5"
    assert "code_matched_with_one_difference" not in current.quality_flags
    assert current.participant_id != pre.participant_id


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def api_world(dbsession, tm):
    iv = builders.intervention(dbsession)
    evaluator = make_user(dbsession, "eva-corr", "evaluator")
    member(dbsession, evaluator, iv)
    coordinator = make_user(dbsession, "coco-corr", "coordinator")
    member(dbsession, coordinator, iv, iv.sites[1])
    response = stored(dbsession, iv)
    tokens = {
        "submit": make_token(dbsession, evaluator, iv, permission="submit"),
        "read": make_token(dbsession, evaluator, iv, permission="read"),
        "other site": make_token(dbsession, coordinator, iv, site=iv.sites[1]),
    }
    builders.commit(tm)
    return iv, response.id, tokens


def test_the_api_corrects_and_answers_a_stale_version_with_409(testapp, api_world):
    iv, response_id, tokens = api_world
    api = ApiClient(testapp, tokens["submit"])
    body = {"answers": {**BRS_ANSWERS, "brs_1": 1}, "reason": "typing_error"}
    created = api.post(f"/responses/{response_id}/corrections", body, status=201)
    new = created.json
    assert new["supersedes_id"] == response_id and new["answers"]["brs_1"] == 1
    assert new["scores"]["brs"]["brs"] == pytest.approx(21 / 6)
    assert created.location.endswith(f"/api/v1/responses/{new['id']}")
    stale = api.post(f"/responses/{response_id}/corrections", body, status=409)
    assert stale.json["error"] == "superseded"
    assert stale.json["details"][0]["message"] == f"the current version is {new['id']}"
    assert stale.headers["Content-Location"].endswith(f"/responses/{new['id']}")
    invalid = {"answers": {**BRS_ANSWERS, "brs_1": 9}, "reason": "typing_error"}
    refused = api.post(f"/responses/{new['id']}/corrections", invalid, status=422)
    assert refused.json["details"][0]["field"] == "answers.brs_1"
    no_reason = {"answers": {**BRS_ANSWERS, "brs_1": 2}}
    api.post(f"/responses/{new['id']}/corrections", no_reason, status=422, conforms=False)

    history = api.get(f"/responses/{response_id}/history", token=tokens["read"]).json
    assert history["current_id"] == new["id"]
    assert [v["id"] for v in history["versions"]] == [response_id, new["id"]]
    (change,) = history["changes"]
    assert change["changes"] == {"brs_1": [4, 1]} and change["actor"] == "eva-corr"
    listed = api.get("/responses", token=tokens["read"]).json["items"]
    assert [item["id"] for item in listed] == [new["id"]]


def test_the_api_moves_and_voids(testapp, api_world):
    iv, response_id, tokens = api_world
    api = ApiClient(testapp, tokens["submit"])
    moved = api.post(
        f"/responses/{response_id}/moves",
        {"wave": "T1", "reason": "wrong_wave"},
        status=201,
    ).json
    assert moved["wave"] == "T1" and moved["participant_code"] == "AB12"
    unknown = api.post(
        f"/responses/{moved['id']}/moves", {"wave": "T9", "reason": "wrong_wave"}, status=422
    )
    assert unknown.json["details"][0]["field"] == "wave"
    voided = api.post(
        f"/responses/{moved['id']}/void", {"reason": "entered_by_mistake"}, status=200
    ).json
    assert voided["voided_at"] is not None
    assert api.get("/responses", token=tokens["read"]).json["items"] == []
    history = api.get(f"/responses/{response_id}/history", token=tokens["read"]).json
    assert history["current_id"] is None
    assert [c["action"] for c in history["changes"]] == ["response_moved", "response_voided"]


def test_the_api_shows_the_code_on_the_form_and_confirms_a_code_match(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    evaluator = make_user(dbsession, "eva-match", "evaluator")
    member(dbsession, evaluator, iv)
    token = make_token(dbsession, evaluator, iv, permission="submit")
    read = make_token(dbsession, evaluator, iv, permission="read")
    stored(dbsession, iv, code="M-J-17-2", code_elements=True)
    post = stored(dbsession, iv, code="M-J-17-3", wave=1, code_elements=True)
    builders.commit(tm)
    api = ApiClient(testapp, token)
    got = api.get(f"/responses/{post.id}", token=read).json
    assert got["participant_code"] == "M-J-17-2" and got["entered_code"] == "M-J-17-3"
    assert "code_matched_with_one_difference" in got["quality_flags"]
    kept = api.post(
        f"/responses/{post.id}/moves",
        {"participant_code": "M-J-17-2", "reason": "wrong_code_match"},
        status=201,
    ).json
    assert kept["participant_code"] == "M-J-17-2" and kept["quality_flags"] == []
    again = api.post(
        f"/responses/{kept['id']}/moves",
        {"participant_code": "M-J-17-2", "reason": "wrong_code_match"},
        status=422,
    ).json
    assert "nothing to move" in again["message"]
    history = api.get(f"/responses/{post.id}/history", token=read).json
    assert [c["code_match_confirmed"] for c in history["changes"]] == [True]


def test_the_api_keeps_other_scopes_out(testapp, api_world):
    iv, response_id, tokens = api_world
    body = {"answers": {**BRS_ANSWERS, "brs_1": 1}, "reason": "typing_error"}
    reader = ApiClient(testapp, tokens["read"])
    assert reader.post(f"/responses/{response_id}/corrections", body, status=403)
    other = ApiClient(testapp, tokens["other site"])
    other.post(f"/responses/{response_id}/corrections", body, status=404)
    other.get(f"/responses/{response_id}/history", status=404)
    anonymous = ApiClient(testapp, None)
    anonymous.post(f"/responses/{response_id}/corrections", body, status=401, conforms=False)


def test_the_change_log_export_for_evaluators(testapp, setup, dbsession, tm):
    old = paper_response(dbsession, tm, setup)
    old = dbsession.get(Response, old.id)
    corrections.correct(dbsession, old, {**ANSWERS, "brs_2": 5}, Reason("other", "=1+1"))
    evaluator = make_user(dbsession, "eva-log", "evaluator")
    member(dbsession, evaluator, setup.intervention)
    builders.commit(tm)
    url = f"/i/{setup.slug}/export-changes.csv"
    login(testapp)  # coco, a coordinator: no participant-level exports
    testapp.get(url, status=403)
    testapp.reset()
    sign_in(testapp, evaluator)
    rows = list(csv.DictReader(io.StringIO(testapp.get(url).text)))
    assert [(r["participant_code"], r["item"], r["old"], r["new"]) for r in rows] == [
        ("AB12", "brs_2", "2", "5")
    ]
    assert rows[0]["reason_text"] == "'=1+1"  # no formula for a spreadsheet program
    book = load_workbook(io.BytesIO(testapp.get(f"/i/{setup.slug}/export.xlsx?changes=1").body))
    sheet = list(book["changes"].iter_rows(values_only=True))
    assert sheet[1][sheet[0].index("item")] == "brs_2" and len(sheet) == 2
    data = list(book["data"].iter_rows(values_only=True))
    assert data[1][data[0].index("brs_2")] == 5  # the data sheet holds the current version
    plain = load_workbook(io.BytesIO(testapp.get(f"/i/{setup.slug}/export.xlsx").body))
    assert "changes" not in plain.sheetnames
