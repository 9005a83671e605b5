"""A coordinator finds who is due and sets their mail, with the keyboard only, in Chromium.

The demo's rounds open 10-16 weeks after each participant's pre-test and 14-26 weeks after
their post-test, so the demo site has participants due, overdue and missed.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from evalsys.demo import DEMO_SLUG

from .test_staff_journeys import check, log_in

pytestmark = pytest.mark.browser


def tab_to(driver, matches, limit: int = 80):
    """Press Tab until the focused element matches; fails when it never does."""
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(limit):
        focused = driver.switch_to.active_element
        if matches(focused):
            return focused
        focused.send_keys(Keys.TAB)
    raise AssertionError("never reached by Tab")


def link_to(path_end: str):
    return lambda e: e.tag_name == "a" and (e.get_attribute("href") or "").endswith(path_end)


def test_a_coordinator_reaches_the_due_list_and_mail_settings_by_keyboard(browser, live_server):
    base = live_server["url"]
    browser.set_window_size(390, 900)
    log_in(browser, base, "coordinator")
    browser.get(f"{base}/i/{DEMO_SLUG}/sites/rotterdam-zuid")
    assert browser.find_element(By.ID, "due-counts").text
    tab_to(browser, link_to("/sites/rotterdam-zuid/due")).send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/due"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert rows, "the demo site has nobody due"
    statuses = [r.find_element(By.CSS_SELECTOR, "span.status").get_attribute("class") for r in rows]
    assert any("status-overdue" in s for s in statuses)
    check(browser, "coordinator-due-list")
    tab_to(browser, link_to("status=missed")).send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "status=missed" in d.current_url)
    check(browser, "coordinator-due-missed")

    browser.get(f"{base}/account/mail")
    check(browser, "coordinator-mail")
    field = tab_to(browser, lambda e: e.get_attribute("id") == "email")
    field.clear()
    field.send_keys("naam@voorbeeld", Keys.ENTER)  # the browser lets it through, evalsys not
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    check(browser, "coordinator-mail-error")
    field = browser.find_element(By.ID, "email")
    field.clear()
    field.send_keys("coordinator@example.org")
    tab_to(browser, lambda e: e.get_attribute("id") == "digests").send_keys(Keys.SPACE)
    browser.find_element(By.ID, "email").send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".notice"))
    assert not browser.find_element(By.ID, "digests").is_selected()
    check(browser, "coordinator-mail-saved")
