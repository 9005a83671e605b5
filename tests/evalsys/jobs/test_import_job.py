"""A large spreadsheet import runs as a job: progress, all-or-nothing, its list of problems."""

from __future__ import annotations

import pytest

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Response
from evalsys.jobs.models import Job
from evalsys.settings import work_dir

from ..import_fixtures import login_english as login
from ..import_fixtures import make_setup
from ..web_session import csrf_token
from .imports_data import csv_file, row


@pytest.fixture
def setup(dbsession, tm):
    return make_setup(dbsession, tm)


@pytest.fixture
def as_job(testapp, monkeypatch):
    """Every upload larger than 0 KB runs as a job (the default: larger than 256 KB)."""
    monkeypatch.setitem(testapp.app.registry.settings, "evalsys.imports.background_above_kb", "0")


def upload(testapp, setup, body: bytes, filename: str = "antwoorden.csv"):
    page = testapp.get(f"{setup.base}/import")
    started = testapp.post(
        f"{setup.base}/import",
        {"csrf_token": csrf_token(page)},
        upload_files=[("file", filename, body)],
        status=303,
    )
    assert "/jobs/" in started.location
    return testapp.get(started.location)


def uploads_left(testapp) -> list:
    return list((work_dir(testapp.app.registry.settings) / "uploads").glob("*"))


def test_a_large_file_is_imported_by_a_job(testapp, setup, dbsession, as_job):
    login(testapp)
    before = uploads_left(testapp)
    page = upload(testapp, setup, csv_file([row("A001"), row("A002"), row("A003")]))
    assert "Stored: 3 responses. Already stored before: 0." in page.text
    assert "6 / 6 (100%)" in page.text  # checked and stored, of the rows counted
    assert dbsession.query(Response).filter_by(intervention_id=setup.intervention.id).count() == 3
    job = dbsession.query(Job).one()
    assert (job.kind, job.state, job.summary["stored"]) == ("import", "done", 3)
    event = dbsession.query(AuditEvent).filter_by(action="responses_imported").one()
    assert (event.details["stored"], event.details["job"], event.actor) == (3, job.id, "coco")
    assert uploads_left(testapp) == before  # the upload is gone once the job has run
    again = upload(testapp, setup, csv_file([row("A001"), row("A002"), row("A003")]))
    assert "Stored: 0 responses. Already stored before: 3." in again.text


def test_a_file_with_a_bad_row_stores_nothing_and_lists_it(testapp, setup, dbsession, as_job):
    login(testapp)
    page = upload(testapp, setup, csv_file([row("A001"), row("A002", brs_1=9)]))
    assert "Failed" in page.text
    assert "Nothing was stored. Problems: 1. Rows checked: 2." in page.text
    assert "<td>3</td><td>brs_1</td><td>9</td>" in page.text  # row 3 of the file
    assert dbsession.query(Response).filter_by(intervention_id=setup.intervention.id).count() == 0
    report = page.click(href="/result$")
    assert report.content_type == "text/csv"
    assert "brs_1;9;" in report.body.decode("utf-8-sig")
    job = dbsession.query(Job).one()
    read = dbsession.query(AuditEvent).filter_by(action="job_result_downloaded").one()
    assert (read.target_id, read.site_id, read.details["job"]) == (
        str(job.id),
        job.site_id,
        "import",
    )
    assert dbsession.query(AuditEvent).filter_by(action="responses_imported").count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_before_a_job(
    testapp, setup, dbsession, as_job
):
    login(testapp)
    page = testapp.get(f"{setup.base}/import")
    refused = testapp.post(
        f"{setup.base}/import",
        {"csrf_token": csrf_token(page)},
        upload_files=[("file", "antwoorden.xlsx", b"PK\x03\x04 not really a zip")],
        status=400,
    )
    assert "damaged or is not an Excel file" in refused.text
    assert dbsession.query(Job).count() == 0


def test_a_file_that_breaks_half_way_fails_the_job_in_words(testapp, setup, dbsession, as_job):
    login(testapp)
    page = upload(testapp, setup, csv_file([]))
    assert "Failed" in page.text
    assert "The file has column names but no rows with answers." in page.text


def test_only_the_coordinator_who_uploaded_sees_the_job(testapp, setup, as_job):
    login(testapp)
    page = upload(testapp, setup, csv_file([row("A001")]))
    job_url = page.request.path
    testapp.reset()
    login(testapp, "bea")  # the coordinator of the other site
    testapp.get(job_url, status=404)
    testapp.get(job_url + "/result", status=404)
