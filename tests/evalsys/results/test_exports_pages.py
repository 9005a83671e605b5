"""Exports through the web: streamed CSV, XLSX and .sav downloads, audited, evaluators only."""

from __future__ import annotations

import csv
import io

import pyreadstat
import pytest
from openpyxl import load_workbook

from evalsys.audit.models import AuditEvent

from .. import results_data
from ..world import sign_in


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def test_the_long_csv_streams_every_response_and_is_audited(testapp, world, dbsession):
    sign_in(testapp, world.users["evaluator"])
    response = testapp.get(f"/i/{world.intervention.slug}/export.csv_long")
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert len(rows) == 2 * sum(results_data.SITES.values())
    assert {r["site"] for r in rows} == set(results_data.SITES)  # participant level: all sites
    events = dbsession.query(AuditEvent).filter_by(action="export", actor="evaluator-results")
    assert any(e.details["path"].endswith("/export.csv_long") for e in events)


def test_free_text_only_on_request_and_then_neutralised(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    url = f"/i/{world.intervention.slug}/export.csv_wide"
    plain = testapp.get(url).body.decode("utf-8-sig")
    assert "gender_other" not in plain and "HYPERLINK" not in plain
    with_text = testapp.get(url, {"text": "1"}).body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(with_text)))
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
