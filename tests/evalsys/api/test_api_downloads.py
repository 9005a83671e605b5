"""GET downloads through the API: every export format, the change log, the current report (PDF and
figures), a site's due list files; their scope, the token's permission and the audit log.

The results world (tests/evalsys/results_data.py): 47 participants at four sites, T0 and T1 each,
so 94 current responses; a coordinator of "noord"; an evaluator; a ministry user.
"""

from __future__ import annotations

import io

import pyreadstat
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from evalsys.audit.models import AuditEvent
from evalsys.results.exports import FORMATS

from .. import builders, results_data
from ..api_client import ApiClient, make_token
from .download_client import csv_rows, dated, fetch, file_name

PARTICIPANTS = sum(results_data.SITES.values())
RESPONSES = 2 * PARTICIPANTS


class Tokens:
    """The results world and a token of each kind."""

    def __init__(self, dbsession, tm):
        self.world = results_data.build(dbsession, tm)
        iv, users = self.world.intervention, self.world.users
        self.iv, self.slug = iv, iv.slug
        noord = next(s for s in iv.sites if s.slug == "noord")
        self.evaluator = make_token(dbsession, users["evaluator"], iv, permission="read")
        self.evaluator_submit = make_token(dbsession, users["evaluator"], iv, permission="submit")
        self.coordinator = make_token(
            dbsession, users["coordinator"], iv, permission="read", site=noord
        )
        self.ministry = make_token(dbsession, users["ministry"], iv, permission="read")
        self.other_slug = builders.intervention(dbsession).slug
        builders.commit(tm)


@pytest.fixture
def tokens(dbsession, tm):
    return Tokens(dbsession, tm)


def audited(dbsession, action: str, path_end: str) -> list[AuditEvent]:
    dbsession.expire_all()
    events = dbsession.query(AuditEvent).filter_by(action=action).all()
    return [e for e in events if str(e.details.get("path", "")).endswith(path_end)]


def test_the_long_csv_holds_every_current_response_and_the_download_is_audited(
    testapp, tokens, dbsession
):
    response = fetch(testapp, f"/interventions/{tokens.slug}/exports/csv_long", tokens.evaluator)
    assert response.content_type == "text/csv" and response.charset == "utf-8"
    assert dated(file_name(response), tokens.slug, "csv-long.csv")  # the web's name
    rows = csv_rows(response)
    assert len(rows) == RESPONSES
    assert {r["site"] for r in rows} == set(results_data.SITES)
    (event,) = audited(dbsession, "export", "/exports/csv_long")
    assert event.actor == "evaluator-results" and event.details["api_token_id"] is not None
    assert event.intervention_id == tokens.iv.id and event.target_id == "api.export"


def test_the_wide_csv_has_a_row_per_participant(testapp, tokens):
    response = fetch(testapp, f"/interventions/{tokens.slug}/exports/csv_wide", tokens.evaluator)
    rows = csv_rows(response)
    assert len(rows) == PARTICIPANTS
    assert {"score_brs_T0", "score_brs_T1"} <= set(rows[0])


def test_the_xlsx_opens_with_its_codebook_and_can_carry_the_change_log(testapp, tokens):
    url = f"/interventions/{tokens.slug}/exports/xlsx"
    response = fetch(testapp, url, tokens.evaluator)
    assert dated(file_name(response), tokens.slug, "xlsx.xlsx")
    book = load_workbook(io.BytesIO(response.body))
    data = book[book.sheetnames[0]]
    assert data.max_row == RESPONSES + 1  # a header row
    assert "codebook" in book.sheetnames
    assert "changes" not in book.sheetnames
    with_changes = fetch(testapp, url, tokens.evaluator, params={"changes": "1"})
    assert "changes" in load_workbook(io.BytesIO(with_changes.body)).sheetnames


def test_the_sav_file_reads_with_pyreadstat_with_its_labels(testapp, tokens, tmp_path):
    response = fetch(testapp, f"/interventions/{tokens.slug}/exports/sav", tokens.evaluator)
    assert response.content_type == "application/x-spss-sav"
    path = tmp_path / file_name(response)
    path.write_bytes(response.body)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == RESPONSES
    assert meta.column_names_to_labels["brs_1"] == "Ik herstel meestal snel na moeilijke tijden."
    assert (
        meta.variable_measure["brs_1"] == "ordinal" and meta.variable_measure["site"] == "nominal"
    )


@pytest.mark.parametrize(
    ("params", "header"),
    [
        ({}, "participant_code;site;"),  # the account's language, Dutch: the Dutch Excel style
        ({"lang": "en"}, "participant_code,site,"),
        ({"csv_style": "international"}, "participant_code,site,"),
        ({"lang": "en", "csv_style": "excel_nl"}, "participant_code;site;"),
    ],
)
def test_the_csv_style_is_chosen_or_follows_the_language(testapp, tokens, params, header):
    url = f"/interventions/{tokens.slug}/exports/csv_long"
    response = fetch(testapp, url, tokens.evaluator, params=params)
    assert response.body.decode("utf-8-sig").startswith(header)
    rows = csv_rows(response, header[len("participant_code")])
    assert len(rows) == RESPONSES
    score = rows[0]["score_brs"]
    assert ("," in score) == header.endswith(";")  # the decimal comma goes with ";"


def test_free_text_only_on_request(testapp, tokens):
    url = f"/interventions/{tokens.slug}/exports/csv_wide"
    plain = fetch(testapp, url, tokens.evaluator).body.decode("utf-8-sig")
    assert "HYPERLINK" not in plain
    with_text = fetch(testapp, url, tokens.evaluator, params={"text": "1"}).body.decode("utf-8-sig")
    assert "'=HYPERLINK" in with_text  # and neutralised, as on the web


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lang": "de"}, "lang"),
        ({"text": "yes"}, "text"),
        ({"changes": "1"}, "changes"),
        ({"csv_style": "tabs"}, "csv_style"),
    ],
)
def test_wrong_export_options_are_422_naming_the_option(testapp, tokens, params, field):
    response = testapp.get(
        f"/api/v1/interventions/{tokens.slug}/exports/csv_long",
        params,
        headers={"Authorization": f"Bearer {tokens.evaluator}"},
        status=422,
    )
    assert response.json["error"] == "validation_failed"
    assert [d["field"] for d in response.json["details"]] == [field]


def test_an_unknown_format_is_404_in_the_error_shape(testapp, tokens):
    api = ApiClient(testapp, tokens.evaluator)
    error = api.get(f"/interventions/{tokens.slug}/exports/pdf", status=404, conforms=False).json
    assert error["error"] == "not_found" and "csv_long" in error["message"]
    api.get(f"/interventions/{tokens.slug}/sites/noord/due/docx", status=404, conforms=False)


def test_the_change_log_is_a_csv_with_the_webs_columns(testapp, tokens, dbsession):
    from evalsys.collection.change_log import CHANGE_LOG_COLUMNS

    response = fetch(testapp, f"/interventions/{tokens.slug}/change-log", tokens.evaluator)
    assert file_name(response) == f"{tokens.slug}-changes.csv"
    header = response.body.decode("utf-8").splitlines()[0]
    assert header.split(",") == list(CHANGE_LOG_COLUMNS)
    assert audited(dbsession, "export", "/change-log")


def test_the_report_pdf_of_the_current_data(testapp, tokens, dbsession):
    response = fetch(
        testapp, f"/interventions/{tokens.slug}/report/pdf", tokens.evaluator, params={"lang": "en"}
    )
    assert response.body.startswith(b"%PDF") and response.content_type == "application/pdf"
    assert file_name(response).startswith(tokens.slug) and file_name(response).endswith("-en.pdf")
    pdf = PdfReader(io.BytesIO(response.body))
    assert len(pdf.pages) >= 1 and "Veerkracht Test" in pdf.pages[0].extract_text()
    assert audited(dbsession, "export", "/report/pdf")


def test_the_reports_figures_as_json_hide_the_small_site(testapp, tokens, dbsession):
    found = ApiClient(testapp, tokens.evaluator).get(f"/interventions/{tokens.slug}/report").json
    assert found["intervention"] == tokens.slug and found["language"] == "nl"
    result = found["result"]
    assert result["n_participants"] == PARTICIPANTS
    rows = result["tables"]["site_effects"]
    assert {r["n"] for r in rows if r["site"] == "klein"} == {None}  # 6 < the minimum cell 10
    assert {r["n"] for r in rows if r["site"] == "west"} == {15}
    assert audited(dbsession, "export", f"/interventions/{tokens.slug}/report")


def test_large_data_is_refused_with_a_pointer_to_the_job(testapp, tokens, app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "evalsys.results.page_max_responses", "50")
    api = ApiClient(testapp, tokens.evaluator)
    for path in ("report", "report/pdf"):
        error = api.get(f"/interventions/{tokens.slug}/{path}", status=409).json
        assert error["error"] == "conflict"
        assert f"POST /api/v1/interventions/{tokens.slug}/jobs" in error["message"]
        assert f"{RESPONSES} current responses" in error["message"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_coordinator_token_fetches_its_sites_due_list_as_a_file(testapp, tokens, dbsession, fmt):
    url = f"/interventions/{tokens.slug}/sites/noord/due/{fmt}"
    response = fetch(testapp, url, tokens.coordinator, params={"status": "done"})
    assert file_name(response) == f"{tokens.slug}-noord-due.{fmt}"
    if fmt == "csv":
        rows = csv_rows(response)
        assert len(rows) == results_data.SITES["noord"]
        assert {r["participant"][:2] for r in rows} == {"NO"}  # this site's codes only
        assert {r["status"] for r in rows} == {"Alle rondes gedaan"}  # the account's language
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.body))["due"]
        assert sheet.max_row == results_data.SITES["noord"] + 1
    else:
        assert response.body.startswith(b"%PDF")
        assert "NO000" in PdfReader(io.BytesIO(response.body)).pages[0].extract_text()
    (event,) = audited(dbsession, "participant_data_viewed", f"/due/{fmt}")
    assert event.actor == "coordinator-results" and event.site_id is not None


def test_a_due_list_file_names_a_wrong_status(testapp, tokens):
    response = testapp.get(
        f"/api/v1/interventions/{tokens.slug}/sites/noord/due/csv",
        {"status": "soon"},
        headers={"Authorization": f"Bearer {tokens.coordinator}"},
        status=422,
    )
    assert response.json["details"][0]["field"] == "status"


def test_a_coordinators_token_gets_no_export_and_no_other_site(testapp, tokens, dbsession):
    api = ApiClient(testapp, tokens.coordinator)
    for path in ("exports/csv_long", "change-log", "report", "report/pdf"):
        assert api.get(f"/interventions/{tokens.slug}/{path}", status=403).json["error"] == (
            "forbidden"
        )
    # another site of the same intervention: as if it were not there
    fetch(testapp, f"/interventions/{tokens.slug}/sites/zuid/due/csv", tokens.coordinator, 404)
    assert not audited(dbsession, "export", "/exports/csv_long")


def test_the_ministrys_token_gets_no_participant_level_file(testapp, tokens, dbsession):
    api = ApiClient(testapp, tokens.ministry)
    for path in ("exports/csv_long", "exports/sav", "change-log", "report", "report/pdf"):
        api.get(f"/interventions/{tokens.slug}/{path}", status=403)
    api.get(f"/interventions/{tokens.slug}/sites/noord/due/csv", status=404)
    assert api.get(f"/responses?intervention={tokens.slug}").json["items"] == []
    dbsession.expire_all()
    assert dbsession.query(AuditEvent).filter_by(action="export").count() == 0


def test_another_interventions_files_are_not_there_for_the_token(testapp, tokens):
    api = ApiClient(testapp, tokens.evaluator)
    for path in ("exports/csv_long", "change-log", "report", "report/pdf"):
        assert api.get(f"/interventions/{tokens.other_slug}/{path}", status=404).json["error"] == (
            "not_found"
        )
    fetch(
        testapp, f"/interventions/{tokens.other_slug}/sites/site-a/due/csv", tokens.evaluator, 404
    )
    fetch(testapp, "/interventions/no-such-one/exports/csv_long", tokens.evaluator, 404)


def test_a_token_without_read_permission_or_without_a_token_is_refused(testapp, tokens):
    url = f"/interventions/{tokens.slug}/exports/csv_long"
    submit = ApiClient(testapp, tokens.evaluator_submit)
    assert submit.get(url, status=403).json["error"] == "forbidden"
    submit.get(f"/interventions/{tokens.slug}/sites/noord/due/pdf", status=403)
    anonymous = ApiClient(testapp).get(url, status=401, token=None, conforms=False)
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    ApiClient(testapp, "evs_unknown").get(url, status=401)


def test_an_evaluators_session_downloads_as_on_the_web(testapp, tokens):
    from ..world import sign_in

    sign_in(testapp, tokens.world.users["evaluator"])
    response = fetch(testapp, f"/interventions/{tokens.slug}/exports/csv_long", None)
    web = testapp.get(f"/i/{tokens.slug}/export.csv_long")
    assert response.body == web.body  # one implementation, the same bytes
    assert response.headers["Content-Disposition"] == web.headers["Content-Disposition"]


def test_the_openapi_document_lists_every_download_path(testapp):
    paths = ApiClient(testapp).get("/openapi.json", token=None).json["paths"]
    for path, method in [
        ("/interventions/{slug}/exports/{format}", "get"),
        ("/interventions/{slug}/change-log", "get"),
        ("/interventions/{slug}/report", "get"),
        ("/interventions/{slug}/report/pdf", "get"),
        ("/interventions/{slug}/sites/{site}/due/{format}", "get"),
        ("/interventions/{slug}/jobs", "post"),
        ("/interventions/{slug}/jobs", "get"),
        ("/jobs", "get"),
        ("/jobs/{id}", "get"),
        ("/jobs/{id}/result", "get"),
        ("/jobs/{id}/cancel", "post"),
        ("/reports", "get"),
        ("/reports/{id}", "get"),
        ("/reports/{id}/pdf", "get"),
    ]:
        assert method in paths[path], path
    export = paths["/interventions/{slug}/exports/{format}"]
    assert export["parameters"][1]["schema"]["enum"] == list(FORMATS)
    options = {p["name"]: p for p in export["get"]["parameters"]}
    assert options["csv_style"]["schema"]["enum"] == ["excel_nl", "international"]


def test_a_csv_style_for_a_file_that_is_not_csv_is_422(testapp, tokens):
    response = testapp.get(
        f"/api/v1/interventions/{tokens.slug}/exports/sav",
        {"csv_style": "excel_nl"},
        headers={"Authorization": f"Bearer {tokens.evaluator}"},
        status=422,
    )
    assert [d["field"] for d in response.json["details"]] == ["csv_style"]
