"""A number question without a range (or with one bound) on the pages where staff type answers:
paper entry, a correction and the import template say what it takes and never fail on it."""

from __future__ import annotations

import pytest

import surveys
from evalsys.collection.models import Response
from evalsys.imports import blank_forms

from .. import builders
from ..import_fixtures import Setup, password_hash
from ..import_fixtures import login_english as login

COUNTS = """
id: tellingen
version: "1"
title: {nl: Tellingen, en: Counts}
languages: {nl: original, en: working}
items:
  - id: kids
    type: number
    integer: true
    text: {nl: "Hoeveel kinderen wonen bij je thuis?", en: "How many children live with you?"}
  - id: age
    type: number
    min: 12
    text: {nl: "Hoe oud ben je?", en: "How old are you?"}
  - id: score
    type: number
    max: 10
    required: false
    text: {nl: "Welk cijfer geef je?", en: "What mark do you give?"}
"""


@pytest.fixture
def setup(dbsession, tm):
    from evalsys.accounts.models import Membership, User

    surveys.register_instrument(surveys.parse_instrument(COUNTS))
    iv = builders.intervention(dbsession, instruments=(("tellingen", "1"),))
    user = User(username="coco", role="coordinator", password_hash=password_hash())
    dbsession.add(user)
    dbsession.flush()
    dbsession.add(Membership(user_id=user.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    setup = Setup(iv, iv.slug, iv.sites[0].slug, iv.sites[1].slug)
    builders.commit(tm)
    return setup


def hints(page) -> dict[str, str]:
    return {
        item: page.html.select_one(f"#h-{item}").get_text(" ", strip=True)
        for item in ("kids", "age", "score")
    }


def test_paper_entry_says_what_each_number_takes_and_checks_only_its_bounds(
    testapp, setup, dbsession
):
    login(testapp)
    page = testapp.get(f"{setup.base}/paper", params={"wave": "T0"})
    assert hints(page) == {
        "kids": "a number",
        "age": "a number of at least 12",
        "score": "a number of at most 10",
    }
    form = page.forms["paper-form"]
    form["participant_code"] = "NUM001"
    form["kids"], form["age"], form["score"] = "2.5", "11", "11"
    refused = form.submit(status=400)
    errors = {
        e["id"][2:]: e.get_text(" ", strip=True) for e in refused.html.select("p.field-error")
    }
    assert set(errors) == {"kids", "age", "score"}
    assert "at least 12" in errors["age"] and "at most 10" in errors["score"]
    assert dbsession.query(Response).count() == 0  # nothing half-stored
    form = refused.forms["paper-form"]
    form["kids"], form["age"], form["score"] = "14", "130", ""
    saved = form.submit()
    assert "Saved: NUM001" in saved.html.select_one("p.notice[role=status]").get_text()
    dbsession.expire_all()
    [stored] = dbsession.query(Response).all()
    assert stored.answers == {"kids": 14, "age": 130}


def test_a_correction_page_of_such_a_response_opens(testapp, setup, dbsession, tm):
    participant = builders.participant(dbsession, setup.intervention, code="NUM002")
    wave = setup.intervention.waves[0]
    old = builders.response(
        dbsession, participant, wave, answers={"kids": 0, "age": 15}, mode="paper"
    )
    builders.commit(tm)
    login(testapp)
    page = testapp.get(f"{setup.base}/responses/{old.id}/correct")
    assert hints(page)["age"] == "a number of at least 12"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_import_templates_codebook_words_each_range(setup, language):
    questionnaire = surveys.Questionnaire(
        id="q", version="1", title={}, instruments=(surveys.load_instrument("tellingen", "1"),)
    )
    words = {
        item.id: blank_forms.allowed_values(item, language)
        for item in questionnaire.instruments[0].items
    }
    expected = {
        "en": {"kids": "a number", "age": "12 or more", "score": "at most 10"},
        "nl": {"kids": "een getal", "age": "12 of meer", "score": "hoogstens 10"},
    }
    assert words == expected[language]
