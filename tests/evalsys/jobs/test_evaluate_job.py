"""Large data: the results page's figures and a published version are worked out by jobs.

``evalsys.results.page_max_responses`` is set below the 93 responses of the results world, so
the page that would otherwise evaluate at once offers the job instead.
"""

from __future__ import annotations

import pytest

from evalsys.audit.models import AuditEvent
from evalsys.jobs.models import Job
from evalsys.results.models import ReportVersion

from .. import results_data
from ..web_session import csrf_token
from ..world import grant, make_user, sign_in

RESPONSES = 2 * sum(results_data.SITES.values())


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


@pytest.fixture
def small_pages(app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "evalsys.results.page_max_responses", "50")


def test_a_small_intervention_is_evaluated_at_once(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    assert 'class="claim"' in page.text and "/report.pdf" in page.text
    assert 'id="evaluate-job"' not in page.text


def test_large_data_is_worked_out_by_a_job_and_the_page_shows_that(
    testapp, world, dbsession, small_pages
):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    waiting = testapp.get(f"/i/{slug}/results")
    assert f"{RESPONSES:,}" in waiting.text and 'id="evaluate-job"' in waiting.text
    assert 'class="claim"' not in waiting.text and "/report.pdf" not in waiting.text
    assert testapp.get(f"/i/{slug}/report.pdf").status_code == 303  # to the page with the job
    started = testapp.post(
        f"/i/{slug}/results-job", {"csrf_token": csrf_token(waiting)}, status=303
    )
    job_page = testapp.get(started.location)
    assert "Klaar" in job_page.text and "2 / 2 (100%)" in job_page.text
    job = dbsession.query(Job).filter_by(kind="evaluate").one()
    assert f"results?job={job.id}" in job_page.text
    assert testapp.get(f"/jobs/{job.id}/result", status=404)  # shown on the page, never sent

    shown = testapp.get(f"/i/{slug}/results", {"job": job.id})
    again = testapp.get(f"/i/{slug}/results")  # without ?job: the newest result, all the same
    for page in (shown, again):
        assert 'class="claim"' in page.text and f'name="job" value="{job.id}"' in page.text
        assert f"{sum(results_data.SITES.values())} deelnemers" in page.text
        assert 'id="evaluate-job"' in page.text  # to work them out again
    west = testapp.get(f"/i/{slug}/results", {"job": job.id, "site": "west"})
    assert '<option value="west" selected>' in west.text


def test_the_result_of_a_job_is_its_starters_alone(testapp, world, dbsession, tm, small_pages):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    page = testapp.get(f"/i/{slug}/results")
    testapp.post(f"/i/{slug}/results-job", {"csrf_token": csrf_token(page)}, status=303)
    job = dbsession.query(Job).filter_by(kind="evaluate").one()
    colleague = make_user(dbsession, "evaluator-colleague", "evaluator")
    grant(dbsession, colleague, world.intervention)
    tm.commit()
    testapp.reset()
    sign_in(testapp, colleague)
    theirs = testapp.get(f"/i/{slug}/results", {"job": job.id})
    assert 'class="claim"' not in theirs.text and 'id="evaluate-job"' in theirs.text
    assert testapp.get(f"/jobs/{job.id}", status=404)


def test_publishing_large_data_runs_as_a_job(testapp, world, dbsession, small_pages):
    evaluator = world.users["evaluator"]
    sign_in(testapp, evaluator)
    slug = world.intervention.slug
    page = testapp.get(f"/i/{slug}/results")
    testapp.post(f"/i/{slug}/results-job", {"csrf_token": csrf_token(page)}, status=303)
    page = testapp.get(f"/i/{slug}/results")
    start = page.forms["publish-start"]
    start["language"], start["note"] = "en", "first"
    confirmation = start.submit()
    # the confirmation and its preview show the job's figures (worked out once, not again)
    facts = confirmation.html.find(id="publication").text
    assert f"{sum(results_data.SITES.values())} " in facts
    preview = testapp.get(confirmation.html.find(id="preview")["href"])
    assert preview.content_type == "application/pdf" and b"%PDF" in preview.body[:8]
    started = confirmation.forms["confirm-publish"].submit(status=303)
    assert "/jobs/" in started.location
    job_page = testapp.get(started.location)
    version = dbsession.query(ReportVersion).one()
    assert (version.version, version.language, version.note) == (1, "en", "first")
    assert version.published_by_id == evaluator.id and version.pdf.startswith(b"%PDF")
    assert f"#report-{version.id}" in job_page.text
    published = dbsession.query(AuditEvent).filter_by(action="report_published").one()
    assert published.actor == evaluator.username
