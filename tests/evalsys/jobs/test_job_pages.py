"""Jobs through the web: an export as a job, its page, its result, who may see it, cancelling."""

from __future__ import annotations

import csv
import io

import pytest

from evalsys.accounts.models import Membership
from evalsys.audit.models import AuditEvent
from evalsys.jobs.models import Job
from evalsys.jobs.run import run_job

from .. import builders, results_data
from ..web_session import csrf_token
from ..world import make_user, sign_in


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def start_export(testapp, slug: str, fmt: str = "csv_long", **extra):
    page = testapp.get(f"/i/{slug}/results")
    form = {"format": fmt, "csrf_token": csrf_token(page), **extra}
    return testapp.post(f"/i/{slug}/export-job", form, status=303)


def test_an_export_job_ends_with_the_same_file_as_the_direct_download(testapp, world, dbsession):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    started = start_export(testapp, slug)
    page = testapp.get(started.location)
    assert "Klaar" in page.text  # done (inline in the tests: the job ran after the commit)
    assert 'aria-live="polite"' in page.text and "<progress" in page.text
    total = 2 * sum(results_data.SITES.values())
    assert f"{total} / {total} (100%)" in page.text
    download = page.click(href="/result$")
    assert "no-store" in download.headers["Cache-Control"]
    assert "attachment" in download.headers["Content-Disposition"]
    direct = testapp.get(f"/i/{slug}/export.csv_long")
    assert download.body == direct.body
    rows = list(csv.DictReader(io.StringIO(download.body.decode("utf-8-sig"))))
    assert len(rows) == total
    job = dbsession.query(Job).one()
    assert (job.kind, job.state, job.done, job.total) == ("export", "done", total, total)
    downloads = dbsession.query(AuditEvent).filter_by(action="job_result_downloaded").all()
    assert [(e.target_id, e.actor, e.details["job"]) for e in downloads] == [
        (str(job.id), "evaluator-results", "export")
    ]
    listing = testapp.get("/jobs")
    assert f"/jobs/{job.id}" in listing.text


def test_a_job_is_its_starters_alone(testapp, world, dbsession, tm):
    sign_in(testapp, world.users["evaluator"])
    job_url = start_export(testapp, world.intervention.slug, "xlsx", changes="1").location
    testapp.reset()  # not logged in: asked to log in
    assert "/login" in testapp.get(job_url, status=302).location
    other = make_user(dbsession, "evaluator-other", "evaluator")
    builders.commit(tm)
    sign_in(testapp, other)
    missing = testapp.get("/jobs/999999", status=404)
    for url in (job_url, job_url + "/result", job_url + "/status.json"):
        answer = testapp.get(url, status=404)
        # the page a job that does not exist gets
        assert answer.text.split("<main")[1] == missing.text.split("<main")[1]
    assert f"{job_url}" not in testapp.get("/jobs").text


def test_the_result_goes_with_the_scope(testapp, world, dbsession, tm):
    evaluator = world.users["evaluator"]
    sign_in(testapp, evaluator)
    job_url = start_export(testapp, world.intervention.slug).location
    dbsession.query(Membership).filter_by(user_id=evaluator.id).delete()
    builders.commit(tm)
    testapp.get(job_url + "/result", status=404)
    assert "/result" not in testapp.get(job_url).text


def test_an_unknown_format_is_refused_in_words(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    answer = testapp.post(
        f"/i/{world.intervention.slug}/export-job",
        {"format": "json", "csrf_token": csrf_token(page)},
        status=400,
    )
    assert "csv_long" in answer.text


def test_a_coordinator_cannot_start_an_export(testapp, world, dbsession, tm):
    coordinator = make_user(dbsession, "coordinator-x", "coordinator")
    from ..world import grant

    grant(dbsession, coordinator, world.intervention, world.intervention.sites[0])
    builders.commit(tm)
    sign_in(testapp, coordinator)
    page = testapp.get("/jobs")
    testapp.post(
        f"/i/{world.intervention.slug}/export-job",
        {"format": "csv_long", "csrf_token": csrf_token(page)},
        status=403,
    )
    assert dbsession.query(Job).count() == 0


def test_a_queued_job_is_cancelled_and_never_runs(testapp, world, dbsession, tm):
    sign_in(testapp, world.users["evaluator"])
    job = Job(kind="export", user_id=world.users["evaluator"].id, params={"format": "csv_long"})
    job.intervention_id = world.intervention.id
    dbsession.add(job)
    builders.commit(tm)
    page = testapp.get(f"/jobs/{job.id}")
    assert "Wacht" in page.text  # waiting to start
    page = page.forms[len(page.forms) - 1].submit().follow()
    assert "wordt gestopt" in page.text or "Gestopt" in page.text
    assert "Taak stoppen" not in page.text  # asked once; no second button
    # The worker that takes it next ends it without running it.
    assert run_job(testapp.app.registry["evalsys.jobs.runtime"], job.id) == "cancelled"
    dbsession.expire_all()
    ended = dbsession.get(Job, job.id)
    assert (ended.state, ended.started_at, ended.result_file) == ("cancelled", None, None)


def test_a_report_job_makes_the_pdf_of_the_direct_link(testapp, world, dbsession):
    from pypdf import PdfReader

    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    page = testapp.get(f"/i/{slug}/results")
    started = testapp.post(
        f"/i/{slug}/report-job", {"lang": "en", "csrf_token": csrf_token(page)}, status=303
    )
    page = testapp.get(started.location)
    assert "Klaar" in page.text and "3 / 3 (100%)" in page.text
    pdf = page.click(href="/result$")
    assert pdf.content_type == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith('-en.pdf"')
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body)).pages)
    direct = testapp.get(f"/i/{slug}/report.pdf", {"lang": "en"})
    direct_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(direct.body)).pages)
    first_line = direct_text.splitlines()[0]
    assert first_line and first_line in text
    assert len(text.splitlines()) == len(direct_text.splitlines())


def test_an_administrator_makes_the_programme_report_as_a_job(testapp, world, dbsession):
    sign_in(testapp, world.users["admin"])
    page = testapp.get("/reports")
    started = testapp.post(
        "/reports/programme-job", {"lang": "nl", "csrf_token": csrf_token(page)}, status=303
    )
    page = testapp.get(started.location)
    assert "Klaar" in page.text
    pdf = page.click(href="/result$")
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")
    job = dbsession.query(Job).filter_by(kind="programme_report").one()
    assert job.summary["interventions"] == 1
