"""A participant switches the survey's language halfway through a page, without JavaScript's help:
the language button sends the page's form, and the same page comes back with the choices made."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import axe_violations
from .test_participant_journey import link_token

pytestmark = pytest.mark.browser


def html_lang(driver) -> str:
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def found(driver, selector: str):
    """The element, once the page a click asked for has loaded (a click does not wait)."""
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    return driver.find_element(By.CSS_SELECTOR, selector)


def choose(driver, input_id: str) -> None:
    """Click the option's label, as a person does."""
    found(driver, f"label[for='{input_id}']").click()


def press_language(driver, code: str) -> None:
    found(driver, f"button[name='_lang'][value='{code}']").click()
    # the old page's elements go stale while the new one loads
    waiting = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))
    waiting.until(lambda d: html_lang(d) == code)


def test_switching_language_on_the_consent_page_and_a_questions_page_keeps_the_choices(
    browser, live_server
):
    browser.get(f"{live_server['url']}/s/{link_token(live_server)}?lang=nl")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()  # Start
    choose(browser, "f-agree")
    choose(browser, "f-under16-no")
    press_language(browser, "en")
    assert html_lang(browser) == "en"
    assert browser.find_element(By.ID, "f-agree").is_selected()
    assert browser.find_element(By.ID, "f-under16-no").is_selected()
    assert not browser.find_elements(By.CSS_SELECTOR, ".error-summary")
    assert axe_violations(browser) == []

    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()  # Next
    found(browser, "#f-code").send_keys("TAALWISSEL1")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    first = found(browser, "form input[type=radio]")
    name, value = first.get_attribute("name"), first.get_attribute("value")
    choose(browser, first.get_attribute("id"))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    press_language(browser, "nl")
    assert html_lang(browser) == "nl"
    assert browser.find_element(By.TAG_NAME, "h1").text != heading  # the same page, in Dutch
    chosen = browser.find_element(By.CSS_SELECTOR, f"input[name='{name}']:checked")
    assert chosen.get_attribute("value") == value
    assert browser.find_elements(By.CSS_SELECTOR, "button[name='_lang'][value='en']")
