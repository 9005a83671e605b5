"""A coordinator clicks a number in the quality column and gets exactly those responses."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from evalsys.demo import DEMO_SLUG

from .test_staff_journeys import check, log_in

pytestmark = pytest.mark.browser


def test_a_coordinator_opens_the_flagged_responses_from_the_site_page(browser, live_server):
    base = live_server["url"]
    browser.set_window_size(390, 900)
    log_in(browser, base, "coordinator")
    site = f"{base}/i/{DEMO_SLUG}/sites/rotterdam-zuid"
    assert browser.current_url == site
    links = browser.find_elements(By.CSS_SELECTOR, "tbody tr:first-child td.quality a")
    assert links, "the demo's first round has questionnaires with a signal"
    total = links[0].text
    links[0].click()
    assert "flag=any" in browser.current_url and "wave=T0" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert str(len(rows)) == total  # exactly the questionnaires the site page counted
    assert all(row.find_elements(By.TAG_NAME, "td")[1].text == "T0" for row in rows)
    assert all(row.find_elements(By.TAG_NAME, "td")[-1].text for row in rows)  # each a signal
    check(browser, "coordinator-flagged")
    browser.find_element(By.CSS_SELECTOR, "#filter a").click()
    assert browser.current_url == f"{site}/responses"
    assert not browser.find_elements(By.ID, "filter")
