"""The coordinator's site pages: progress, survey links, QR codes, flyers, closing a link."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from evalsys.accounts.models import Membership
from evalsys.collection import links as link_service
from evalsys.collection.models import SurveyLink
from evalsys.collection.submissions import Submission, submit

from .. import builders
from ..builders import BRS_ANSWERS
from ..web_session import csrf_token, login

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def site_setup(dbsession, tm):
    iv = builders.intervention(dbsession, design="pre_post_comparison")
    link_service.ensure_links(dbsession, iv)
    coordinator = builders.user(dbsession, username="coco", role="coordinator", password=PASSWORD)
    dbsession.add(Membership(user_id=coordinator.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    # Two participants at site A answer T0; one of them T1 too.
    for code, waves in (("P1", (0, 1)), ("P2", (0,))):
        for w in waves:
            submit(
                dbsession,
                Submission(
                    submission_id=f"00000000-0000-4000-8000-00000000{len(code)}{w}{code[-1]}0",
                    intervention=iv,
                    site=iv.sites[0],
                    wave=iv.waves[w],
                    participant_code=code,
                    answers=dict(BRS_ANSWERS),
                ),
            )
    slug, own, other = iv.slug, iv.sites[0].slug, iv.sites[1].slug
    builders.commit(tm)
    return slug, own, other


def test_site_dashboard_counts_responses_pairs_and_completion(testapp, site_setup):
    slug, own, _ = site_setup
    login(testapp, "coco", PASSWORD)
    page = testapp.get(f"/i/{slug}/sites/{own}")
    rows = page.html.select("tbody tr")
    first, second = ([c.get_text(strip=True) for c in row.find_all(["th", "td"])] for row in rows)
    assert first[1] == "2" and first[2] == "–"
    assert second[1] == "1" and second[2] == "1" and second[3] == "50%"


def test_links_page_lists_every_wave_and_group_with_qr_and_flyer(testapp, site_setup):
    slug, own, _ = site_setup
    login(testapp, "coco", PASSWORD)
    page = testapp.get(f"/i/{slug}/sites/{own}/links")
    cards = page.html.select("section.link-card")
    assert len(cards) == 4  # two waves × intervention and comparison group
    qr_svg = testapp.get(cards[0].img["src"])
    assert qr_svg.content_type == "image/svg+xml" and b"<svg" in qr_svg.body
    png = testapp.get(cards[0].img["src"].replace("qr.svg", "qr.png"))
    assert png.body.startswith(b"\x89PNG")
    flyer_href = cards[0].find("a", href=lambda h: h and h.endswith("/flyer.pdf"))["href"]
    flyer = testapp.get(flyer_href)
    text = PdfReader(__import__("io").BytesIO(flyer.body)).pages[0].extract_text()
    assert "Vul de vragenlijst in" in text and "/s/" in text


def flyer_of(testapp, card):
    answer = testapp.get(card.find("a", href=lambda h: h and h.endswith("/flyer.pdf"))["href"])
    text = PdfReader(io.BytesIO(answer.body)).pages[0].extract_text()
    return answer.content_disposition, " ".join(text.split())


def test_the_two_groups_flyers_cannot_be_mistaken_for_each_other(testapp, site_setup):
    slug, own, _ = site_setup
    login(testapp, "coco", PASSWORD)
    cards = testapp.get(f"/i/{slug}/sites/{own}/links").html.select("section.link-card")
    by_group = {}
    for card in cards:
        name, text = flyer_of(testapp, card)
        group = "comparison" if "VERGELIJKINGSGROEP" in text else "intervention"
        by_group.setdefault(group, []).append((name, text))
    assert len(by_group["intervention"]) == len(by_group["comparison"]) == 2
    for name, text in by_group["intervention"]:
        assert "INTERVENTIEGROEP" in text and "Vul de vragenlijst in" in text
        assert name.endswith('-intervention.pdf"')
    for name, text in by_group["comparison"]:
        assert "Vragenlijst voor de vergelijkingsgroep" in text
        assert "INTERVENTIEGROEP" not in text and name.endswith('-comparison.pdf"')
    names = [name for pairs in by_group.values() for name, _ in pairs]
    assert len(set(names)) == 4  # every flyer its own file name


def test_the_flyer_in_english_and_its_time_is_the_welcome_pages(testapp, site_setup):
    slug, own, _ = site_setup
    login(testapp, "coco", PASSWORD)
    card = testapp.get(f"/i/{slug}/sites/{own}/links").html.select("section.link-card")[0]
    href = card.find("a", href=lambda h: h and h.endswith("/flyer.pdf"))["href"]
    english = PdfReader(io.BytesIO(testapp.get(href + "?lang=en").body)).pages[0].extract_text()
    assert "Fill in the questionnaire" in english and "GROUP" in english
    minutes = re.search(r"about (\d+) minutes", english).group(1)
    token = re.search(r"/s/([\w-]+)", english).group(1)
    welcome = testapp.get(f"/s/{token}?lang=en").text
    assert f"It takes about {minutes} minutes" in welcome


def test_closing_and_reopening_a_link(testapp, site_setup, dbsession):
    slug, own, _ = site_setup
    login(testapp, "coco", PASSWORD)
    page = testapp.get(f"/i/{slug}/sites/{own}/links")
    form = page.forms[1]  # the first link's close button (0 is the log-out form)
    token = form.action.split("/links/")[1].split("/")[0]
    form.submit().follow()
    assert dbsession.query(SurveyLink).filter_by(token=token).one().is_open is False
    testapp.get(f"/s/{token}", status=410)
    page = testapp.get(f"/i/{slug}/sites/{own}/links")
    page.forms[1].submit()
    dbsession.expire_all()
    assert dbsession.query(SurveyLink).filter_by(token=token).one().is_open is True


def test_a_coordinator_never_sees_another_sites_links(testapp, site_setup, dbsession):
    slug, own, other = site_setup
    login(testapp, "coco", PASSWORD)
    testapp.get(f"/i/{slug}/sites/{other}/links", status=404)
    testapp.get(f"/i/{slug}/sites/{other}", status=404)
    other_token = dbsession.query(SurveyLink).join(SurveyLink.site).filter_by(slug=other).first()
    testapp.get(f"/i/{slug}/sites/{own}/links/{other_token.token}/qr.svg", status=404)


def test_closing_a_link_needs_the_csrf_token(testapp, site_setup, dbsession):
    slug, own, _ = site_setup
    login(testapp, "coco", PASSWORD)
    page = testapp.get(f"/i/{slug}/sites/{own}/links")
    action = page.forms[1].action
    testapp.post(action, {"open": "0"}, status=400)
    testapp.post(action, {"open": "0", "csrf_token": csrf_token(page)}, status=303)
