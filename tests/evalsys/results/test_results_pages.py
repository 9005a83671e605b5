"""The evaluator's results page: the disclosed figures, filters, charts; nobody else gets in."""

from __future__ import annotations

import re

import pytest

from analysis.charts.numbers import number

from .. import results_data
from ..world import sign_in


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def results_url(world, **query):
    return f"/i/{world.intervention.slug}/results", query


def test_the_page_shows_the_hand_computed_change_of_a_published_site(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    url, _ = results_url(world)
    page = testapp.get(url)
    expected = number(world.mean_change("west"), 2, "nl")
    row = re.search(r"<th scope=\"row\">West</th>(.*?)</tr>", page.text, re.S).group(1)
    assert f"<td>{expected}</td>" in row
    assert "Eerste aanwijzingen" in page.text or "De gegevens laten niet zien" in page.text


def test_the_small_site_and_its_neighbour_are_not_shown(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    klein = re.search(r"<th scope=\"row\">Klein</th>(.*?)</tr>", page.text, re.S).group(1)
    noord = re.search(r"<th scope=\"row\">Noord</th>(.*?)</tr>", page.text, re.S).group(1)
    hidden_mean = number(world.mean_change("klein"), 2, "nl")
    assert "colspan" in klein and hidden_mean not in klein
    assert "colspan" in noord and number(world.mean_change("noord"), 2, "nl") not in noord


def test_the_site_filter_keeps_one_site(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results", {"site": "zuid"})
    assert '<th scope="row">Zuid</th>' in page.text
    assert '<th scope="row">West</th>' not in page.text
    assert '<option value="zuid" selected>' in page.text


def test_charts_are_inline_svg_without_style_attributes(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    assert page.text.count("<svg") == 2
    assert 'role="img"' in page.text and "<title" in page.text
    assert " style=" not in page.text and "<script" not in page.text
    # the text alternative says why the small site has no figures
    assert "Klein: minder dan 10 deelnemers" in page.text


def test_viewing_results_is_audited(testapp, world, dbsession):
    from evalsys.audit.models import AuditEvent

    sign_in(testapp, world.users["evaluator"])
    testapp.get(f"/i/{world.intervention.slug}/results")
    actions = [e.action for e in dbsession.query(AuditEvent).filter_by(actor="evaluator-results")]
    assert "participant_data_viewed" in actions


@pytest.mark.parametrize("role", ["ministry", "coordinator"])
def test_ministry_and_coordinators_cannot_open_results_or_exports(testapp, world, role):
    sign_in(testapp, world.users[role])
    slug = world.intervention.slug
    for url in (
        f"/i/{slug}/results",
        f"/i/{slug}/report.pdf",
        f"/i/{slug}/export.csv_long",
        f"/i/{slug}/export.sav",
    ):
        assert testapp.get(url, expect_errors=True).status_int in (403, 404), url


def test_an_intervention_without_data_says_so(testapp, dbsession, tm):
    from .. import builders
    from ..world import grant, make_user

    intervention = builders.intervention(dbsession)
    evaluator = make_user(dbsession, "leeg-evaluator", "evaluator")
    grant(dbsession, evaluator, intervention)
    builders.commit(tm)
    sign_in(testapp, evaluator)
    page = testapp.get(f"/i/{intervention.slug}/results")
    assert "Nog geen resultaten" in page.text or "No results yet" in page.text
