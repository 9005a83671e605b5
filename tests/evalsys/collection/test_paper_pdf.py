"""The printable paper questionnaire, read back with pypdf: numbers and texts as on the screen."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from evalsys.collection.paper_form import questions_of
from evalsys.programme import questionnaires

from ..import_fixtures import login_english as login
from ..import_fixtures import make_setup


@pytest.fixture
def setup(dbsession, tm):
    return make_setup(dbsession, tm)


def pdf_text(answer) -> str:
    assert answer.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.body))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_questions_are_printed_in_order_with_the_entry_screens_numbers(testapp, setup, lang):
    login(testapp)
    page = testapp.get(f"{setup.base}/paper", params={"wave": "T0"})
    link = page.html.select_one(f"a[href*='paper.pdf'][lang={lang}]")["href"]
    text = pdf_text(testapp.get(link))
    questionnaire = questionnaires.load(setup.intervention.questionnaire)
    questions = list(questions_of(questionnaire).values())
    screen = [
        label.get_text(" ", strip=True).split(".")[0]
        for label in page.html.select("fieldset.instrument .question > label")
    ]
    assert screen == [str(q.number) for q in questions]
    position = 0
    for question in questions:
        words = " ".join(question.text(lang).split())
        found = text.find(f"{question.number}. {words[:40]}", position)
        assert found >= position, (question.number, words)
        position = found
    assert text.count("\u2610") >= sum(len(q.item.options) for q in questions)


def test_dutch_and_english_forms_differ_in_their_question_texts(testapp, setup):
    login(testapp)
    url = f"{setup.base}/paper.pdf"
    nl = pdf_text(testapp.get(url, params={"wave": "T0", "lang": "nl"}))
    en = pdf_text(testapp.get(url, params={"wave": "T0", "lang": "en"}))
    assert "Ik herstel meestal snel na moeilijke tijden." in nl
    assert "I tend to bounce back quickly after hard times." in en
    assert "Participant code" in en and "Round T0" in en
    assert "I tend to bounce back" not in nl


def test_the_consent_text_is_printed(testapp, setup, dbsession, tm):
    url = f"{setup.base}/paper.pdf"
    login(testapp)
    default = pdf_text(testapp.get(url, params={"wave": "T0", "lang": "en"}))
    assert "Taking part You take part in a study of this activity." in default
    assert "\u2610 I have read this and I want to take part." in default
    setup.intervention.consent_text = {"en": "Our own words about taking part in Kickstart."}
    dbsession.add(setup.intervention)
    tm.commit()
    tm.begin()
    own = pdf_text(testapp.get(url, params={"wave": "T0", "lang": "en"}))
    assert "Our own words about taking part in Kickstart." in own


def test_a_wrong_round_or_language_is_a_clear_400(testapp, setup):
    login(testapp)
    url = f"{setup.base}/paper.pdf"
    wrong_wave = testapp.get(url, params={"wave": "T9", "lang": "nl"}, status=400)
    assert "Kies een ronde uit de lijst: T0, T1" in wrong_wave.text  # lang=nl: the page speaks it
    wrong_lang = testapp.get(url, params={"wave": "T0", "lang": "xx"}, status=400)
    # no language: the page keeps the person's own (English here)
    assert re.search(r"Choose a language of the questionnaire: .*en.*nl", wrong_lang.text)


def test_a_coordinator_of_another_site_gets_no_form_here(testapp, setup):
    login(testapp, "bea")
    testapp.get(f"{setup.base}/paper.pdf", params={"wave": "T0", "lang": "nl"}, status=404)
