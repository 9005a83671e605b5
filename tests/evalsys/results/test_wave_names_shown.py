"""The results page and the PDF report name each round in their own language (Wave.name_in)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from evalsys.programme.models import Intervention, Wave
from evalsys.results import evaluation, reports

from .. import builders, results_data
from ..world import sign_in

NAMES = ({"nl": "Voormeting", "en": "Pre-test"}, {"nl": "Nameting", "en": "Post-test"})


@pytest.fixture
def world(dbsession, tm):
    world = results_data.build(dbsession, tm)
    waves = dbsession.query(Wave).filter_by(intervention_id=world.intervention.id)
    for wave, names in zip(waves.order_by(Wave.position), NAMES, strict=True):
        wave.names = names
    builders.commit(tm)
    world.intervention = dbsession.get(Intervention, world.intervention.id)
    return world


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("en", "T1 · Post-test", "Nameting"), ("nl", "T1 · Nameting", "Post-test")],
)
def test_the_results_page_names_the_rounds_in_its_language(
    testapp, world, language, shown, not_shown
):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results", {"lang": language})
    pair = page.html.select_one("#f-pair option[selected]").get_text()
    assert pair == shown.replace("T1", "T0 · " + NAMES[0][language] + " → T1")
    who_stayed = page.html.select_one("#overall-retention").get_text()
    assert f"({shown})" in who_stayed
    assert not_shown not in page.text


@pytest.mark.parametrize(("language", "other"), [("en", "nl"), ("nl", "en")])
def test_the_pdf_report_names_the_rounds_in_its_language(dbsession, world, language, other):
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {}, language=language)
    text = pdf_text(reports.make_pdf(found, language))
    assert re.search(rf"{NAMES[1][language]} \(T1\)", text)
    assert f"{NAMES[1][other]} (T1)" not in text
