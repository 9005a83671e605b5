"""A coordinator's links page and flyers name each round in the language they are in."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from evalsys.accounts.models import Membership
from evalsys.collection import links as link_service

from .. import builders
from ..web_session import login

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def slug_and_site(dbsession, tm):
    iv = builders.intervention(dbsession)
    iv.waves[0].names = {"nl": "Voormeting", "en": "Pre-test"}
    link_service.ensure_links(dbsession, iv)
    coordinator = builders.user(
        dbsession, username="coco-names", role="coordinator", password=PASSWORD
    )
    dbsession.add(Membership(user_id=coordinator.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    slug, site = iv.slug, iv.sites[0].slug
    builders.commit(tm)
    return slug, site


def flyer_text(testapp, page, language: str) -> str:
    card = page.html.select("section.link-card")[0]  # T0's link
    href = card.find("a", href=lambda h: h and h.endswith("/flyer.pdf"))["href"]
    pdf = testapp.get(href, {"lang": language}).body
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_flyer_and_links_page_show_the_rounds_name_in_their_language(testapp, slug_and_site):
    slug, site = slug_and_site
    login(testapp, "coco-names", PASSWORD)
    page = testapp.get(f"/i/{slug}/sites/{site}/links")
    assert "T0 · Voormeting" in page.text and "Pre-test" not in page.text
    english = flyer_text(testapp, page, "en")
    assert "Site A · Pre-test" in english and "Voormeting" not in english
    dutch = flyer_text(testapp, page, "nl")
    assert "Site A · Voormeting" in dutch and "Pre-test" not in dutch
    testapp.set_cookie("lang", "en")
    assert "T0 · Pre-test" in testapp.get(f"/i/{slug}/sites/{site}/links").text
    # a round without an English name of its own shows its Dutch name
    assert "T1 · Nameting" in testapp.get(f"/i/{slug}/sites/{site}/links").text
