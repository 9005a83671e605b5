"""An evaluator publishes a report in a real Chromium: results -> confirmation and preview ->
published on the Reports page. Every page is checked with axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from evalsys.demo import DEMO_SLUG
from evalsys.programme.models import Intervention

from ..world import PASSWORD, grant, make_user
from .test_staff_journeys import check

pytestmark = pytest.mark.browser


def publisher(live_server) -> str:
    """An evaluator of the demo intervention of this test's own (the demo's evaluator enrols
    in another test); their authenticator secret."""
    from evalsys.cli.bootstrap import database_session

    with database_session(live_server["engine"]) as dbsession:
        user = make_user(dbsession, "browser-publisher", "evaluator")
        grant(dbsession, user, dbsession.query(Intervention).filter_by(slug=DEMO_SLUG).one())
        return user.totp_secret


def wait_for(browser, element_id: str) -> None:
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.ID, element_id), message=f"no #{element_id}"
    )


def test_an_evaluator_previews_confirms_and_finds_the_version_published(browser, live_server):
    base = live_server["url"]
    secret = publisher(live_server)
    browser.set_window_size(1280, 1000)
    browser.get(f"{base}/login")
    browser.find_element(By.ID, "username").send_keys("browser-publisher")
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    wait_for(browser, "code")
    browser.find_element(By.ID, "code").send_keys(pyotp.TOTP(secret).now(), Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda b: "/login" not in b.current_url)

    browser.get(f"{base}/i/{DEMO_SLUG}/results")
    note = "Browsertest: tweede versie"
    browser.find_element(By.ID, "f-note").send_keys(note)
    browser.find_element(By.CSS_SELECTOR, "#publish-start button[type=submit]").click()
    wait_for(browser, "publication")
    assert note in browser.find_element(By.ID, "publication").text
    check(browser, "evaluator-publish-confirm")
    # the preview link gives a PDF (fetched by the page itself, with the session's cookie)
    kind = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(document.getElementById('preview').href)"
        ".then(r => done(r.status + ' ' + r.headers.get('content-type')));"
    )
    assert kind == "200 application/pdf", kind

    browser.find_element(By.CSS_SELECTOR, "#confirm-publish button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda b: "/reports" in b.current_url)
    anchor = browser.current_url.rsplit("#", 1)[1]
    row = browser.find_element(By.ID, anchor)
    assert note in row.text
    assert row.find_elements(By.CSS_SELECTOR, "a[href$='/withdraw']")  # and it can be withdrawn
    check(browser, "evaluator-reports")
