"""Exports through the web: streamed CSV, XLSX and .sav downloads, audited, evaluators only;
the CSV style chosen or following the interface language; dated file names."""

from __future__ import annotations

import csv
import io
import re

import pyreadstat
import pytest
from openpyxl import load_workbook

from evalsys.audit.models import AuditEvent

from .. import results_data
from ..web_session import csrf_token
from ..world import sign_in


def csv_rows(body: bytes, delimiter: str = ";") -> list[dict]:
    """Rows of a CSV download; ``;`` is the style a Dutch interface gets by default."""
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def test_the_long_csv_streams_every_response_and_is_audited(testapp, world, dbsession):
    sign_in(testapp, world.users["evaluator"])
    response = testapp.get(f"/i/{world.intervention.slug}/export.csv_long")
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response.body)
    assert len(rows) == 2 * sum(results_data.SITES.values())
    assert {r["site"] for r in rows} == set(results_data.SITES)  # participant level: all sites
    events = dbsession.query(AuditEvent).filter_by(action="export", actor="evaluator-results")
    assert any(e.details["path"].endswith("/export.csv_long") for e in events)


def test_free_text_only_on_request_and_then_neutralised(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    url = f"/i/{world.intervention.slug}/export.csv_wide"
    plain = testapp.get(url).body.decode("utf-8-sig")
    assert "gender_other" not in plain and "HYPERLINK" not in plain
    rows = csv_rows(testapp.get(url, {"text": "1"}).body)
    assert len(rows) == sum(results_data.SITES.values())
    assert "'" + results_data.INJECTION in [r["gender_other_T0"] for r in rows]


def test_xlsx_and_sav_downloads(testapp, world, tmp_path):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    book = load_workbook(io.BytesIO(testapp.get(f"/i/{slug}/export.xlsx").body), read_only=True)
    assert book.sheetnames == ["data", "codebook"]
    path = tmp_path / "data.sav"
    path.write_bytes(testapp.get(f"/i/{slug}/export.sav").body)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 2 * sum(results_data.SITES.values())
    assert meta.variable_value_labels["brs_2"][1.0] == "Helemaal mee oneens"


def test_an_unknown_format_is_not_found(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    assert testapp.get(f"/i/{world.intervention.slug}/export.json", status=404)


def test_the_csv_style_follows_the_interface_language_or_the_choice(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    url = f"/i/{world.intervention.slug}/export.csv_long"
    dutch = testapp.get(url).body.decode("utf-8-sig")
    assert dutch.startswith("participant_code;site;group;wave;")
    chosen = testapp.get(url, {"csv_style": "international"}).body
    english = testapp.get(url, {"lang": "en"}).body
    assert chosen.decode("utf-8-sig").startswith("participant_code,site,group,wave,")
    assert english == chosen
    rows = csv_rows(chosen, ",")
    assert len(rows) == len(csv_rows(dutch.encode())) == 2 * sum(results_data.SITES.values())
    comma = testapp.get(url, {"lang": "en", "csv_style": "excel_nl"}).body.decode("utf-8-sig")
    assert comma.startswith("participant_code;")


def test_an_unknown_csv_style_is_a_clear_400(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    url = f"/i/{world.intervention.slug}/export.csv_wide"
    answer = testapp.get(url, {"csv_style": "tabs", "lang": "en"}, status=400)
    assert "There is no CSV style tabs" in answer.text and "excel_nl" in answer.text


def test_the_file_names_carry_the_date(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    for fmt, ending in [("csv_wide", "csv-wide.csv"), ("sav", "sav.sav")]:
        disposition = testapp.get(f"/i/{slug}/export.{fmt}").headers["Content-Disposition"]
        name = disposition.split('filename="')[1].rstrip('"')
        assert re.fullmatch(rf"{slug}-20\d{{6}}-\d{{4}}-{re.escape(ending)}", name), name


def test_the_results_page_offers_both_styles_and_a_job_writes_the_chosen_one(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    page = testapp.get(f"/i/{slug}/results", {"lang": "en"})
    assert page.html.select_one('a[data-csv-style="excel_nl"]')["href"].endswith(
        "csv_style=excel_nl"
    )
    chosen = page.html.select_one("#export-csv-style option[selected]")
    assert chosen["value"] == "international"  # English: the international style first
    form = {"format": "csv_wide", "csv_style": "excel_nl", "csrf_token": csrf_token(page)}
    job_page = testapp.get(testapp.post(f"/i/{slug}/export-job", form, status=303).location)
    result = job_page.click(href="/result$")
    assert result.body == testapp.get(f"/i/{slug}/export.csv_wide", {"csv_style": "excel_nl"}).body
    assert len(csv_rows(result.body)) == sum(results_data.SITES.values())
