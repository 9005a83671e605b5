"""The results page in Dutch and in English: no programme identifiers, no words of the other
language (the checks of the report's read-back test, tests/analysis/test_report_words.py)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import surveys
from tests.analysis.words_check import identifiers, other_language_words

from .. import results_data
from ..world import sign_in


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def page_text(testapp, world, language: str) -> str:
    testapp.get(f"/language/{language}")
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    soup = BeautifulSoup(page.text, "html.parser")
    for switch in soup.select("[lang]"):  # the language switcher names each language in itself
        if switch.name != "html":
            switch.decompose()
    text = " ".join(soup.get_text(" ").split())
    # what was typed in one language on purpose: the instrument's name and the user's login
    brs = surveys.load_instrument("brs")
    for typed in (*brs.title.values(), world.users["evaluator"].username):
        text = text.replace(typed, " ")
    return text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_results_page_speaks_one_language(testapp, world, language):
    sign_in(testapp, world.users["evaluator"])
    text = page_text(testapp, world, language)
    assert identifiers(text) == set()
    assert other_language_words(text, language) == set()


def test_the_reliable_change_source_is_in_the_page_language(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    assert "Cronbachs alfa .78 voor de Nederlandse BRS-DLV" in page_text(testapp, world, "nl")
    assert "Cronbach's alpha .78 for the Dutch BRS-DLV" in page_text(testapp, world, "en")
