"""A participant fills in a survey with conditional questions, keyboard only, in Chromium.

The group "Je sport" appears when "Ja" is chosen and goes again with "Nee" (static/
conditions.js), a whole page asked only of sporters is skipped for the others, and axe-core
finds no WCAG 2.1 A/AA problem on any page. The same survey without JavaScript is
tests/evalsys/collection/test_conditions_survey.py.
"""

from __future__ import annotations

import json
import secrets

import pytest
import sqlalchemy as sa
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from .. import conditional_forms
from .conftest import axe_violations, screenshot
from .test_participant_journey import press, tab_to

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def conditional_link(live_server) -> str:
    """A survey link of an intervention with the conditional questionnaire, on the server."""
    from evalsys.cli.bootstrap import database_session
    from evalsys.collection.models import SurveyLink

    with database_session(live_server["engine"]) as dbsession:
        iv = conditional_forms.intervention(dbsession)
        token = secrets.token_urlsafe(12)
        dbsession.add(
            SurveyLink(
                token=token, intervention_id=iv.id, site_id=iv.sites[0].id, wave_id=iv.waves[0].id
            )
        )
    return token


def checked(driver, seen: list) -> None:
    violations = axe_violations(driver)
    assert violations == [], f"{driver.title}: {violations}"
    seen.append(driver.title)
    screenshot(driver, f"conditional-{len(seen):02d}")


def progress(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, ".progress-text").text


def submit(driver, *keys) -> None:
    """Press ``keys`` (the last one sends the form) and wait until the next page has come:
    on a slow start the old page is still there when the next line reads it."""
    page = driver.find_element(By.TAG_NAME, "html")
    press(driver, *keys)
    WebDriverWait(driver, 10).until(staleness_of(page))
    WebDriverWait(driver, 10, ignored_exceptions=(NoSuchElementException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "main")
    )


def to_the_leisure_page(driver, live_server, token: str, code: str, seen: list) -> None:
    driver.get(f"{live_server['url']}/s/{token}?lang=nl")
    tab_to(driver, "button[type=submit]")
    submit(driver, Keys.ENTER)
    tab_to(driver, "#f-agree")
    press(driver, Keys.SPACE)
    tab_to(driver, "input[name='under16']")
    press(driver, Keys.SPACE, Keys.ARROW_DOWN)  # "Nee"
    submit(driver, Keys.ENTER)
    tab_to(driver, "#f-code")
    submit(driver, code, Keys.ENTER)
    checked(driver, seen)  # the demographics: all optional
    tab_to(driver, "button[type=submit]")
    submit(driver, Keys.ENTER)
    assert progress(driver) == "Deel 2 van 4"
    checked(driver, seen)


def answer_brs(driver) -> None:
    for number in range(1, 7):
        tab_to(driver, f"input[name='brs_{number}']")
        press(driver, Keys.SPACE, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    submit(driver, Keys.ENTER)


def stored_answers(live_server, code: str) -> dict:
    with live_server["engine"].connect() as connection:
        value = connection.execute(
            sa.text(
                "SELECT r.answers FROM responses r JOIN participants p ON p.id = r.participant_id "
                "WHERE p.code = :code"
            ),
            {"code": code},
        ).scalar_one()
    return value if isinstance(value, dict) else json.loads(value)


def test_the_group_follows_the_answer_and_a_sporter_sees_every_page(
    browser, live_server, conditional_link
):
    seen: list[str] = []
    to_the_leisure_page(browser, live_server, conditional_link, "COND01", seen)
    group = browser.find_element(By.ID, "g-sportclub")
    assert not group.is_displayed()  # hidden by the script until "Ja"
    tab_to(browser, "input[name='sport']")
    press(browser, Keys.SPACE)  # "Ja"
    assert group.is_displayed()
    press(browser, Keys.ARROW_DOWN)  # "Nee": gone again
    assert not group.is_displayed()
    press(browser, Keys.ARROW_UP)  # "Ja"
    assert group.is_displayed()
    club_name = browser.find_element(By.ID, "f-club_name")
    assert not club_name.is_displayed()
    checked(browser, seen)  # with the group shown
    tab_to(browser, "#f-sport_hours")
    press(browser, "3")
    tab_to(browser, "input[name='club_member']")
    press(browser, Keys.SPACE)  # "Ja": the club's name is asked
    assert club_name.is_displayed()
    tab_to(browser, "#f-club_name")
    submit(browser, "HC Zuid", Keys.ENTER)
    assert progress(browser) == "Deel 3 van 4"
    checked(browser, seen)  # the team page, with its missing-data code set apart
    tab_to(browser, "input[name='team']")
    press(browser, Keys.SPACE, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # "Eens"
    submit(browser, Keys.ENTER)
    assert progress(browser) == "Deel 4 van 4"
    checked(browser, seen)
    answer_brs(browser)
    assert "/klaar" in browser.current_url
    answers = stored_answers(live_server, "COND01")
    assert answers["sport_hours"] == 3 and answers["club_name"] == "HC Zuid"
    assert answers["team"] == 3


def test_a_page_that_does_not_apply_is_skipped(browser, live_server, conditional_link):
    seen: list[str] = []
    to_the_leisure_page(browser, live_server, conditional_link, "COND02", seen)
    tab_to(browser, "input[name='sport']")
    press(browser, Keys.SPACE, Keys.ARROW_DOWN)  # "Nee"
    assert not browser.find_element(By.ID, "f-sport_hours").is_displayed()
    submit(browser, Keys.ENTER)
    assert progress(browser) == "Deel 3 van 3"  # the team page neither shown nor counted
    assert browser.find_elements(By.NAME, "brs_1")
    checked(browser, seen)
    answer_brs(browser)
    assert "/klaar" in browser.current_url
    answers = stored_answers(live_server, "COND02")
    assert answers["sport"] == 0 and "team" not in answers and "sport_hours" not in answers
