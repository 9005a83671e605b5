"""The participant web survey through the real stack: every step and each error case."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from evalsys.collection import ratelimit
from evalsys.collection.models import Participant, Response, SurveyLink
from evalsys.programme.models import Intervention

from .. import builders
from ..builders import BRS_ANSWERS


@pytest.fixture(autouse=True)
def fresh_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def link(dbsession, tm):
    iv = builders.intervention(dbsession, consent_text={"nl": "Doe je mee?", "en": "Join us?"})
    row = SurveyLink(
        token="tok-survey-1", intervention_id=iv.id, site_id=iv.sites[0].id, wave_id=iv.waves[0].id
    )
    dbsession.add(row)
    builders.commit(tm)
    return row


def form_fields(page) -> dict:
    """The form of the page as a dict of its fields (WebTest's parser)."""
    return page.form


def start(testapp, lang=None):
    page = testapp.get("/s/tok-survey-1" + (f"?lang={lang}" if lang else ""))
    return page.form.submit()


def through_consent(testapp, under16="no", parent=False):
    page = start(testapp)
    form = page.form
    form["agree"].checked = True
    form["under16"] = under16
    if parent:
        form["parent_agrees"].checked = True
    return form.submit()


def fill_page(page, answers: dict):
    form = page.form
    for item, value in answers.items():
        form[item] = str(value)
    return form.submit(status="*")


def test_welcome_page_offers_the_languages_and_starts(testapp, link):
    page = testapp.get("/s/tok-survey-1")
    assert '<html lang="nl">' in page.text
    assert 'hreflang="en"' in page.text
    consent = page.form.submit()
    assert "Doe je mee?" in consent.text


def test_english_survey(testapp, link):
    consent = start(testapp, lang="en")
    assert "Join us?" in consent.text and '<html lang="en">' in consent.text


def test_consent_must_be_given(testapp, link):
    page = start(testapp)
    answer = page.form.submit(status=400)
    assert "error-summary" in answer.text
    assert 'href="#f-agree"' in answer.text and 'href="#f-under16"' in answer.text


def test_under_16_needs_parental_consent(testapp, link):
    page = start(testapp)
    form = page.form
    form["agree"].checked = True
    form["under16"] = "yes"
    answer = form.submit(status=400)
    assert 'href="#f-parent_agrees"' in answer.text
    ok = through_consent(testapp, under16="yes", parent=True)
    assert 'name="code"' in ok.text


def test_a_whole_survey_stores_one_response(testapp, link, dbsession, tm):
    code_page = through_consent(testapp)
    code_page.form["code"] = "ab12cd"
    first = code_page.form.submit()
    assert "Part 1 of 2" in first.text or "Deel 1 van 2" in first.text  # demographics first
    second = fill_page(first, {"age_band": 2})
    assert "Deel 2 van 2" in second.text
    done = fill_page(second, BRS_ANSWERS)
    assert done.status_int == 303 and "/s/tok-survey-1/klaar" in done.location
    assert "Bedankt" in done.follow().text
    stored = dbsession.query(Response).one()
    assert stored.answers == dict(BRS_ANSWERS, age_band=2)
    assert stored.mode == "web" and stored.language == "nl"
    assert stored.participant.code == "AB12CD"
    assert stored.participant.consent_by == "participant"
    assert stored.duration_seconds is not None


def test_each_part_is_headed_for_the_participant_in_their_language(testapp, link):
    """The participant reads a section title, not an instrument's name in another language."""
    code_page = through_consent(testapp)
    code_page.form["code"] = "KOP123"
    demographics = code_page.form.submit()
    assert demographics.html.h1.get_text() == "Over jou"
    brs = fill_page(demographics, {"age_band": 2})
    assert brs.html.h1.get_text() == "Hoe ga je om met tegenslag?"
    assert "Brief Resilience Scale" not in brs.html.title.get_text()
    english = testapp.get("/s/tok-survey-1?lang=en").form.submit()
    english.form["agree"].checked = True
    english.form["under16"] = "no"
    code = english.form.submit()
    code.form["code"] = "KOP124"
    about = code.form.submit()
    assert about.html.h1.get_text() == "About you"
    assert fill_page(about, {"age_band": 2}).html.h1.get_text() == "How you deal with setbacks"


def test_double_submission_stores_once(testapp, link, dbsession):
    code_page = through_consent(testapp)
    code_page.form["code"] = "DUBBEL1"
    last = fill_page(code_page.form.submit(), {})
    form = last.form
    for item, value in BRS_ANSWERS.items():
        form[item] = str(value)
    first = form.submit()
    second = form.submit()  # a double click, or the back button and send again
    assert first.status_int == 303
    assert "al ingevuld" in second.text or second.status_int == 303
    assert dbsession.query(Response).count() == 1


def test_invalid_answers_show_an_error_summary_linking_to_each_field(testapp, link):
    code_page = through_consent(testapp)
    code_page.form["code"] = "FOUT12"
    last = fill_page(code_page.form.submit(), {})
    answer = fill_page(last, {"brs_1": 4})
    assert answer.status_int == 400
    for item in ("brs_2", "brs_3", "brs_4", "brs_5", "brs_6"):
        assert f'href="#f-{item}"' in answer.text
        assert f'id="f-{item}"' in answer.text
    # Each entry names its question (the legend the participant sees), so no two read the same.
    entries = answer.html.select(".error-summary a")
    words = [entry.get_text(" ", strip=True) for entry in entries]
    assert len(set(words)) == len(words) == 5, words
    for entry, text in zip(entries, words, strict=True):
        legend = answer.html.select_one(f"fieldset:has(#{entry['href'][1:]}) legend")
        question = legend.find(string=True, recursive=False).strip()
        assert text.startswith(question[:60]), (text, question)
    # The answer given is kept.
    assert re.search(r'name="brs_1" value="4" checked', answer.text)


def test_a_participant_who_already_answered_is_told_so(testapp, link, dbsession, tm):
    link = dbsession.get(SurveyLink, link.id)
    person = Participant(intervention_id=link.intervention_id, site_id=link.site_id, code="KLAAR1")
    dbsession.add(person)
    dbsession.flush()
    builders.response(dbsession, person, link.wave)
    builders.commit(tm)
    code_page = through_consent(testapp)
    code_page.form["code"] = "klaar1"
    answer = code_page.form.submit()
    assert "al ingevuld" in answer.text


def test_a_code_of_another_sites_participant_asks_for_the_code_again(testapp, link, dbsession, tm):
    # Was a 500 (WrongSite unhandled); says nothing of the other site.
    link = dbsession.get(SurveyLink, link.id)
    other_site = link.site.intervention.sites[1]
    person = Participant(intervention_id=link.intervention_id, site_id=other_site.id, code="ANDER1")
    dbsession.add(person)
    builders.commit(tm)
    code_page = through_consent(testapp)
    code_page.form["code"] = "ANDER1"
    last = fill_page(code_page.form.submit(), {})
    answer = fill_page(last, BRS_ANSWERS)
    assert answer.status_int == 400 and 'href="#f-code"' in answer.text
    assert "Site B" not in answer.text
    assert dbsession.query(Response).count() == 0


def test_unknown_link_is_a_friendly_404(testapp):
    page = testapp.get("/s/bestaat-niet", status=404)
    assert "Controleer de link" in page.text


def test_closed_link_is_a_friendly_410(testapp, link, dbsession, tm):
    dbsession.get(SurveyLink, link.id).is_open = False
    builders.commit(tm)
    page = testapp.get("/s/tok-survey-1", status=410)
    assert "gesloten" in page.text


def test_wave_not_open_yet_is_410_with_the_date(testapp, link, dbsession, tm):
    wave = dbsession.get(SurveyLink, link.id).wave
    wave.opens_on = dt.date.today() + dt.timedelta(days=3)
    builders.commit(tm)
    page = testapp.get("/s/tok-survey-1", status=410)
    assert (dt.date.today() + dt.timedelta(days=3)).strftime("%d-%m-%Y") in page.text


def test_expired_session_keeps_the_answers(testapp, link):
    code_page = through_consent(testapp)
    code_page.form["code"] = "SESSIE1"
    first = code_page.form.submit()
    testapp.reset()  # the cookie (and with it the CSRF token) is gone
    form = first.form
    form["age_band"] = "3"
    again = form.submit()
    assert "verlopen" in again.text
    assert 'name="age_band" value="3" checked' in again.text


def test_post_without_csrf_token_stores_nothing(testapp, link, dbsession):
    testapp.get("/s/tok-survey-1")
    fields = {
        "_step": "page",
        "_page": "1",
        "_sid": "0b6ba1b8-8e3e-4a51-8f0b-5a1b4c8d9e10",
        "_code": "NOCSRF",
        "lang": "nl",
        **{k: str(v) for k, v in BRS_ANSWERS.items()},
    }
    testapp.post("/s/tok-survey-1", fields)
    assert dbsession.query(Response).count() == 0


def test_rate_limit_per_address(testapp, link, app):
    app.registry.settings["evalsys.rate_limit.survey.per_address"] = 3
    try:
        page = testapp.get("/s/tok-survey-1")
        for _ in range(3):
            page.form.submit()
        refused = page.form.submit(status=429)
        assert int(refused.headers["Retry-After"]) >= 1
    finally:
        app.registry.settings.pop("evalsys.rate_limit.survey.per_address")


def test_self_generated_code(testapp, link, dbsession, tm):
    wave = dbsession.get(SurveyLink, link.id).wave
    wave.settings = {"participant_code": "self_generated"}
    builders.commit(tm)
    code_page = through_consent(testapp)
    form = code_page.form
    form["mother_initial"] = "m"
    form["father_initial"] = "j"
    form["birth_day"] = "17"
    form["older_siblings"] = "2"
    page = form.submit()
    done = fill_page(fill_page(page, {}), BRS_ANSWERS)
    assert done.status_int == 303
    assert dbsession.query(Participant).one().code == "M-J-17-2"


def test_a_self_generated_code_found_again_at_the_next_wave_stores_that_response(
    testapp, link, dbsession, tm
):
    # Found, so no participant row is written: the response was once rolled back after the
    # thank-you page on PostgreSQL (the statement that stores it is a SELECT whose CTEs insert).
    first = dbsession.get(SurveyLink, link.id)
    waves = dbsession.get(Intervention, first.intervention_id).waves[:2]
    later = SurveyLink(
        token="tok-survey-2",
        intervention_id=first.intervention_id,
        site_id=first.site_id,
        wave_id=waves[1].id,
    )
    dbsession.add(later)
    for wave in waves:
        wave.settings = {"participant_code": "self_generated"}
    builders.commit(tm)
    for token in ("tok-survey-1", "tok-survey-2"):
        consent = testapp.get(f"/s/{token}").form.submit().form
        consent["agree"].checked = True
        consent["under16"] = "no"
        form = consent.submit().form
        form["mother_initial"], form["father_initial"] = "m", "j"
        form["birth_day"], form["older_siblings"] = "17", "2"
        done = fill_page(fill_page(form.submit(), {}), BRS_ANSWERS)
        assert done.status_int == 303 and "Bedankt" in done.follow().text
    stored = dbsession.query(Response).order_by(Response.wave_id).all()
    assert [r.wave_id for r in stored] == [w.id for w in waves]
    assert {r.participant.code for r in stored} == {"M-J-17-2"}


def test_an_oversized_form_is_refused_before_it_is_read(testapp, link):
    testapp.get("/s/tok-survey-1")
    big = {"_step": "welcome", "filler": "x" * (600 * 1024)}
    testapp.post("/s/tok-survey-1", big, status=413)
