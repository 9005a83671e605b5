"""Switching the survey's language on any page: the same page again, in that language, with what
was filled in on it kept and unchecked; the stored response has the language of the last page."""

from __future__ import annotations

import pytest

from evalsys.collection.models import Response

from ..builders import BRS_ANSWERS
from .test_survey import fresh_limits, link, start  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("link")  # the survey link tok-survey-1

HALF = {item: BRS_ANSWERS[item] for item in ("brs_1", "brs_2", "brs_3")}
REST = {item: value for item, value in BRS_ANSWERS.items() if item not in HALF}


def switch(page, language: str):
    """Press the page's button for ``language``: it sends the page's own form."""
    return page.form.submit("_lang", value=language)


def checked(page, answers: dict) -> bool:
    return all(
        page.html.find("input", attrs={"name": item, "value": str(value), "checked": True})
        for item, value in answers.items()
    )


def to_the_questions(testapp, code: str):
    consent = start(testapp)
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    code_page = consent.form.submit()
    code_page.form["code"] = code
    about = code_page.form.submit()
    about.form["age_band"] = "2"
    return about.form.submit()  # the BRS page, in Dutch


def test_every_page_has_a_button_for_the_other_language_after_its_own_buttons(testapp):
    consent = start(testapp)
    buttons = [b.get("name") for b in consent.html.form.find_all("button")]
    assert buttons[-1] == "_lang" and buttons.index("_lang") > buttons.index(None)
    english = consent.html.find("button", attrs={"name": "_lang"})
    assert (english["value"], english["lang"], english.get_text()) == ("en", "en", "English")
    assert consent.html.find("button", attrs={"name": "_lang", "value": "nl"}) is None


def test_the_consent_and_code_pages_switch_keeping_what_is_filled_in(testapp):
    consent = start(testapp)
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    english = switch(consent, "en")
    assert english.status_int == 200 and '<html lang="en">' in english.text
    assert "Join us?" in english.text and "error-summary" not in english.text
    assert english.form["agree"].checked and english.form["under16"].value == "no"
    code_page = english.form.submit()
    assert "Your participant code" in code_page.text
    code_page.form["code"] = "TAAL12"
    dutch = switch(code_page, "nl")
    assert '<html lang="nl">' in dutch.text and dutch.form["code"].value == "TAAL12"
    assert "error-summary" not in dutch.text


def test_half_a_page_switched_there_and_back_keeps_its_answers_and_stores_the_last_language(
    testapp, dbsession
):
    brs = to_the_questions(testapp, "TAAL34")
    assert brs.html.h1.get_text() == "Hoe ga je om met tegenslag?"
    for item, value in HALF.items():
        brs.form[item] = str(value)
    english = switch(brs, "en")
    assert english.status_int == 200 and "error-summary" not in english.text  # not checked
    assert english.html.h1.get_text() == "How you deal with setbacks"
    assert '<html lang="en">' in english.text and "Part 2 of 2" in english.text
    assert checked(english, HALF)
    dutch = switch(english, "nl")
    assert dutch.html.h1.get_text() == "Hoe ga je om met tegenslag?" and checked(dutch, HALF)
    for item, value in REST.items():
        dutch.form[item] = str(value)
    last = switch(dutch, "en")
    assert checked(last, BRS_ANSWERS)
    done = last.form.submit()
    assert done.status_int == 303 and "lang=en" in done.location
    assert "Thank you!" in done.follow().text
    stored = dbsession.query(Response).one()
    assert stored.answers == dict(BRS_ANSWERS, age_band=2)
    assert stored.language == "en"
    assert stored.participant.code == "TAAL34"


def test_a_language_the_survey_does_not_have_shows_the_page_again_unchanged(testapp):
    brs = to_the_questions(testapp, "TAAL56")
    brs.form["brs_1"] = "4"
    fields = [*brs.form.submit_fields(), ("_lang", "xx")]  # as an altered form would send
    same = testapp.post(brs.form.action, fields, status=200)
    assert '<html lang="nl">' in same.text and checked(same, {"brs_1": 4})
    assert "error-summary" not in same.text
