"""A job's page in a real Chromium: its progress updates in place, and the end reloads it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy.orm import Session

from evalsys.accounts.models import Membership, User
from evalsys.db.meta import utcnow
from evalsys.jobs.models import Job

from .test_staff_journeys import check, log_in

pytestmark = pytest.mark.browser


def update(engine, job_id: int, **values) -> None:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        session.commit()


def test_the_progress_moves_without_a_reload_and_the_end_shows_the_result(browser, live_server):
    base, engine = live_server["url"], live_server["engine"]
    with Session(engine) as session:
        user = session.query(User).filter_by(username="coordinator").one()
        membership = session.query(Membership).filter_by(user_id=user.id).first()
        job = Job(
            kind="import",
            state="running",
            user_id=user.id,
            intervention_id=membership.intervention_id,
            site_id=membership.site_id,
            done=10,
            total=100,
            started_at=utcnow(),
        )
        session.add(job)
        session.commit()
        job_id = job.id
    log_in(browser, base, "coordinator")
    browser.get(f"{base}/jobs/{job_id}")
    check(browser, "job-running")
    assert browser.find_element(By.ID, "job-bar").get_attribute("value") == "10"
    assert browser.find_element(By.ID, "job-progress").get_attribute("aria-live") == "polite"
    browser.execute_script("window.evalsysMarker = 'still this page';")
    update(engine, job_id, done=60)
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "job-bar").get_attribute("value") == "60"
    )
    assert "60" in browser.find_element(By.ID, "job-count").text
    assert browser.execute_script("return window.evalsysMarker") == "still this page"
    summary = {"rows": 100, "stored": 100, "already_stored": 0, "errors": 0}
    update(engine, job_id, state="done", done=100, summary=summary, finished_at=utcnow())
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return window.evalsysMarker") is None
    )
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Stored: 100 responses" in main or "Opgeslagen: 100" in main  # the browser's language
    check(browser, "job-done")
    browser.get(f"{base}/jobs")
    assert f"/jobs/{job_id}" in browser.page_source
    check(browser, "my-jobs")
