"""A participant fills in the pre survey on a 360 px phone screen with the keyboard only.

axe-core checks every page of the journey, in Dutch and in English, for WCAG 2.1 A/AA problems.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser


def link_token(live_server, site="rotterdam-zuid", wave="T0") -> str:
    with live_server["engine"].connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT l.token FROM survey_links l JOIN sites s ON s.id = l.site_id "
                "JOIN waves w ON w.id = l.wave_id WHERE s.slug = :site AND w.label = :wave "
                "AND l.group_name = 'intervention'"
            ),
            {"site": site, "wave": wave},
        ).scalar_one()


def press(driver, *keys) -> None:
    driver.switch_to.active_element.send_keys(*keys)


def tab_to(driver, css: str, limit: int = 80):
    """Press Tab until the focused element matches ``css``: proves it is reachable by keyboard."""
    for _ in range(limit):
        press(driver, Keys.TAB)
        active = driver.switch_to.active_element
        if driver.execute_script("return arguments[0].matches(arguments[1])", active, css):
            return active
    raise AssertionError(f"{css} cannot be reached with the Tab key")


def no_horizontal_scroll(driver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def check_page(driver, seen: list) -> None:
    assert no_horizontal_scroll(driver), f"{driver.title} scrolls sideways"
    violations = axe_violations(driver)
    assert violations == [], f"{driver.title}: {violations}"
    seen.append(driver.title)
    lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    screenshot(driver, f"participant-{lang}-{len(seen):02d}")


def answer_choice(driver, item_id: str, position: int) -> None:
    """Tab into a radio group and choose the option at ``position`` (0-based) with arrow keys."""
    tab_to(driver, f"input[name='{item_id}']")
    press(driver, Keys.SPACE)  # selects the focused (first) option
    for _ in range(position):
        press(driver, Keys.ARROW_DOWN)


@pytest.mark.parametrize("language, width", [("nl", 360), ("en", 320)])
def test_participant_completes_the_pre_survey_with_the_keyboard(
    browser, live_server, language, width
):
    browser.set_window_size(width, 800)
    token = link_token(live_server)
    seen: list[str] = []
    browser.get(f"{live_server['url']}/s/{token}?lang={language}")
    assert browser.execute_script("return window.innerWidth") == width
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
    check_page(browser, seen)

    tab_to(browser, "button[type=submit]")
    press(browser, Keys.ENTER)
    check_page(browser, seen)  # consent

    # Submitting without answers shows the error summary, itself checked by axe.
    tab_to(browser, "button[type=submit]")
    press(browser, Keys.ENTER)
    assert browser.find_elements(By.CSS_SELECTOR, ".error-summary a")
    check_page(browser, seen)

    tab_to(browser, "#f-agree")
    press(browser, Keys.SPACE)
    answer_choice(browser, "under16", 1)  # "No"
    press(browser, Keys.ENTER)
    check_page(browser, seen)  # participant code

    tab_to(browser, "#f-code")
    press(browser, f"KB{language.upper()}01", Keys.ENTER)
    check_page(browser, seen)  # demographics (optional questions)

    answer_choice(browser, "age_band", 1)
    press(browser, Keys.ENTER)
    check_page(browser, seen)  # first instrument

    pages = 0
    while browser.find_elements(By.CSS_SELECTOR, "form input[type=radio]") and pages < 5:
        names = browser.execute_script(
            "return [...new Set([...document.querySelectorAll('form input[type=radio]')]"
            ".map(e => e.name))]"
        )
        for name in names:
            answer_choice(browser, name, 2)
        press(browser, Keys.ENTER)
        pages += 1
        check_page(browser, seen)

    assert "/klaar" in browser.current_url
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading in {"Bedankt!", "Thank you!"}
    with live_server["engine"].connect() as connection:
        stored = connection.execute(
            sa.text(
                "SELECT count(*) FROM responses r JOIN participants p ON p.id = r.participant_id "
                "WHERE p.code = :code"
            ),
            {"code": f"KB{language.upper()}01"},
        ).scalar_one()
    assert stored == 1
    assert len(seen) >= 7


def test_the_accessibility_check_finds_a_real_problem(browser, live_server):
    """Guard against a checker that always says 0: an image without alt text must be reported."""
    browser.get(f"{live_server['url']}/s/{link_token(live_server)}")
    browser.execute_script(
        "const i = document.createElement('img'); i.src = '/static/x.png';"
        "document.querySelector('main').append(i);"
    )
    assert "image-alt" in {v["id"] for v in axe_violations(browser)}
