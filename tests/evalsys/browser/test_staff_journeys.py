"""Coordinator, evaluator and ministry each do their first tasks in a real Chromium.

Every page on the way is checked with axe-core (WCAG 2.1 A/AA) and must not scroll sideways on a
phone; with EVALSYS_SCREENSHOTS set, the pages are saved for the guides in docs/.
"""

from __future__ import annotations

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from evalsys.demo import DEMO_LOGINS, DEMO_SLUG

from .conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

PASSWORDS = {login.username: login.password for login in DEMO_LOGINS}


def check(driver, name: str) -> None:
    violations = axe_violations(driver)
    assert violations == [], f"{driver.title}: {violations}"
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{driver.title} scrolls sideways"
    screenshot(driver, name)


def log_in(driver, base: str, username: str) -> None:
    driver.get(f"{base}/login")
    check(driver, "login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORDS[username], Keys.ENTER)
    # Enter submits the form; wait for the next page instead of reading the login page.
    WebDriverWait(driver, 15).until(lambda d: not d.current_url.endswith("/login"))


def test_a_coordinator_finds_their_site_links_and_paper_forms(browser, live_server):
    base = live_server["url"]
    browser.set_window_size(390, 900)
    log_in(browser, base, "coordinator")
    # One site: the login lands on it (issue 25), not on the account page.
    assert browser.current_url == f"{base}/i/{DEMO_SLUG}/sites/rotterdam-zuid"
    assert "Rotterdam-Zuid" in browser.find_element(By.TAG_NAME, "h1").text
    check(browser, "coordinator-site")
    browser.get(f"{base}/")
    sites = browser.find_elements(By.CSS_SELECTOR, "#sites > li > a:first-child")
    assert [a.get_attribute("href") for a in sites] == [
        f"{base}/i/{DEMO_SLUG}/sites/rotterdam-zuid"
    ]
    check(browser, "coordinator-home")
    browser.get(f"{base}/i/{DEMO_SLUG}/sites/rotterdam-zuid/links")
    assert browser.find_elements(By.CSS_SELECTOR, "section.link-card img")
    check(browser, "coordinator-links")
    browser.get(f"{base}/i/{DEMO_SLUG}/sites/rotterdam-zuid/paper")
    check(browser, "coordinator-paper")
    # Another site's page answers as a site that does not exist does (issue 19, part 3.8).
    browser.get(f"{base}/i/{DEMO_SLUG}/sites/no-such-site")
    missing = browser.find_element(By.TAG_NAME, "h1").text
    browser.get(f"{base}/i/{DEMO_SLUG}/sites/amsterdam-zuidoost")
    assert browser.find_element(By.TAG_NAME, "h1").text == missing
    assert missing in {"Pagina niet gevonden", "Page not found"}
    assert "Amsterdam" not in browser.find_element(By.TAG_NAME, "main").text


def test_an_evaluator_enrols_two_factor_and_reads_the_results(browser, live_server):
    base = live_server["url"]
    browser.set_window_size(1280, 1000)
    log_in(browser, base, "evaluator")
    assert "/login/authenticator" in browser.current_url
    check(browser, "evaluator-enrol")
    secret = browser.find_element(By.CSS_SELECTOR, "code.secret").text.replace(" ", "")
    browser.find_element(By.ID, "code").send_keys(pyotp.TOTP(secret).now(), Keys.ENTER)
    # Enter submits the form; wait for the next page instead of reading the old one.
    WebDriverWait(browser, 15).until(
        lambda b: (
            b.find_elements(By.CSS_SELECTOR, ".recovery-codes code")
            or "/login/authenticator" not in b.current_url
        ),
        message="no recovery codes after enrolment",
    )
    assert browser.find_elements(By.CSS_SELECTOR, ".recovery-codes code"), browser.page_source[:500]
    check(browser, "evaluator-recovery-codes")
    browser.get(f"{base}/i/{DEMO_SLUG}")
    check(browser, "evaluator-intervention")
    browser.get(f"{base}/i/{DEMO_SLUG}/setup")
    check(browser, "evaluator-setup")
    browser.get(f"{base}/i/{DEMO_SLUG}/results")
    assert browser.find_elements(By.TAG_NAME, "svg"), "the results page shows no chart"
    check(browser, "evaluator-results")
    browser.get(f"{base}/i/{DEMO_SLUG}/follow-up")  # every site's follow-up (issue 21)
    assert browser.find_elements(By.CSS_SELECTOR, "tr.behind") or "%" in browser.page_source
    check(browser, "evaluator-follow-up")


def test_the_ministry_sees_reports_but_no_participant_data(browser, live_server):
    base = live_server["url"]
    browser.set_window_size(1280, 1000)
    log_in(browser, base, "ministerie")
    # The home page lists the latest published reports, each with its PDF (issue 25).
    assert browser.current_url == f"{base}/"
    pdfs = browser.find_elements(By.CSS_SELECTOR, "#reports a[href$='.pdf']")
    assert pdfs, "the ministry's home page lists no report"
    check(browser, "ministry-home")
    browser.get(f"{base}/reports")
    check(browser, "ministry-reports")
    # An intervention's results are outside the ministry's scope: the same page as for
    # an intervention that does not exist (issue 19, part 3.8).
    browser.get(f"{base}/i/{DEMO_SLUG}/results")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading in {"Pagina niet gevonden", "Page not found"}
    assert not browser.find_elements(By.TAG_NAME, "svg")
