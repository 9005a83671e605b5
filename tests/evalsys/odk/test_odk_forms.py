"""ODK Collect forms with consent and self-generated codes, and the coordinator's Collect page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from evalsys.audit.models import AuditEvent
from evalsys.collection import ratelimit
from evalsys.collection.models import Participant, Response, SurveyLink
from evalsys.odk.collect_settings import read_payload

from .. import builders
from .. import world as worlds
from ..api_client import make_link
from ..builders import BRS_ANSWERS
from ..web_session import csrf_token
from .collect_client import Collect, instance_xml, message_of
from .test_openrosa import listed

XF = "{http://www.w3.org/2002/xforms}"
CONSENT = {"nl": "Je doet vrijwillig mee.", "en": "Taking part is voluntary."}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


def answers() -> dict:
    return {k: str(v) for k, v in BRS_ANSWERS.items()}


def xform_of(collect: Collect) -> str:
    (entry,) = listed(collect.form_list())
    return collect.download(entry["downloadUrl"]).text


@pytest.fixture
def consent_link(dbsession, tm):
    iv = builders.intervention(dbsession, consent_text=CONSENT)
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    builders.commit(tm)
    return link


def test_the_form_asks_consent_first_and_then_the_code(testapp, consent_link):
    form = xform_of(Collect(testapp, consent_link.token))
    root = ET.fromstring(form)
    body = root.find("{http://www.w3.org/1999/xhtml}body")
    binds = {b.get("nodeset"): b.attrib for b in root.iter(f"{XF}bind")}
    # The language probe is never shown (see evalsys.odk.forms); what the participant sees:
    assert binds["/data/evalsys_language_list"]["relevant"] == "false()"
    refs = [e.get("ref") for e in body if e.get("ref") != "/data/evalsys_language_list"]
    assert refs[:3] == [
        "/data/evalsys_consent_text",
        "/data/evalsys_consent",
        "/data/participant_code",
    ]
    assert binds["/data/evalsys_consent"]["required"] == "true()"
    assert binds["/data/start"]["{http://openrosa.org/javarosa}preloadParams"] == "start"
    assert binds["/data/end"]["{http://openrosa.org/javarosa}preloadParams"] == "end"
    assert "jr:choice-name" in binds["/data/evalsys_language"]["calculate"]


def test_a_parents_consent_is_recorded(testapp, consent_link, dbsession):
    collect = Collect(testapp, consent_link.token)
    values = {**answers(), "participant_code": "KID1", "evalsys_consent": "parent"}
    collect.submit(instance_xml(xform_of(collect), values), status=201)
    participant = dbsession.query(Participant).filter_by(code="KID1").one()
    assert participant.consent_by == "parent" and participant.consent_at is not None


def test_a_form_without_the_consent_answer_is_refused(testapp, consent_link, dbsession):
    collect = Collect(testapp, consent_link.token)
    values = {**answers(), "participant_code": "KID2"}
    refused = collect.submit(instance_xml(xform_of(collect), values), status=400)
    assert "consent" in message_of(refused)
    assert dbsession.query(Response).count() == 0


def test_the_language_the_form_was_shown_in_is_stored(testapp, consent_link, dbsession):
    collect = Collect(testapp, consent_link.token)
    values = {
        **answers(),
        "participant_code": "LANG1",
        "evalsys_consent": "participant",
        "evalsys_language": "en",
    }
    collect.submit(instance_xml(xform_of(collect), values), status=201)
    assert dbsession.query(Response).one().language == "en"


def test_a_self_generated_code_is_made_from_its_four_answers(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    iv.waves[0].settings = {"participant_code": "self_generated"}
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    builders.commit(tm)
    collect = Collect(testapp, link.token)
    form = xform_of(collect)
    assert "/data/evalsys_code/mother_initial" in form and "/data/participant_code" not in form
    code = {"mother_initial": "m", "father_initial": "J", "birth_day": "7", "older_siblings": "2"}
    collect.submit(instance_xml(form, {**answers(), **code}), status=201)
    assert dbsession.query(Participant).one().code == "M-J-7-2"
    refused = collect.submit(instance_xml(form, {**answers(), **code, "birth_day": "40"}), 400)
    assert "four code questions" in message_of(refused)


def test_the_coordinator_page_shows_a_settings_qr_code_and_switches_collect(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    site = world.site("A1")
    url = f"/i/{world.a.slug}/sites/{site.slug}/odk"
    page = testapp.get(url, headers={"Accept-Language": "en"})
    html = BeautifulSoup(page.text, "html.parser")
    link = world.links["A1"]
    server_url = html.find("input", class_="url")["value"]
    assert server_url == f"http://localhost/odk/key/{link.token}"
    assert html.find("figure", class_="qr").find("svg") is not None
    # What the code holds, as Collect reads it (zlib, then base64, of the settings JSON).
    from evalsys.odk.collect_settings import settings_payload

    payload = read_payload(settings_payload(server_url, f"{site.name} T0"))
    assert payload == {
        "general": {"server_url": server_url},
        "admin": {},
        "project": {"name": f"{site.name} T0", "icon": "E", "color": "#1f5c99"},
    }
    testapp.post(
        url,
        {"csrf_token": csrf_token(page), "token": link.token, "enabled": "0"},
        status=303,
    )
    dbsession.expire_all()
    assert dbsession.get(SurveyLink, link.id).odk_enabled is False
    assert dbsession.query(AuditEvent).filter_by(action="odk_switched_off").count() == 1
    assert "switched off" in message_of(Collect(testapp, link.token).form_list(status=403))


def test_another_sites_link_cannot_be_switched_from_this_page(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    url = f"/i/{world.a.slug}/sites/{world.site('A1').slug}/odk"
    page = testapp.get(url)
    other = world.links["A2"]
    testapp.post(
        url, {"csrf_token": csrf_token(page), "token": other.token, "enabled": "0"}, status=404
    )
    dbsession.expire_all()
    assert dbsession.get(SurveyLink, other.id).odk_enabled is True


def test_the_dutch_page_and_refusals_are_translated(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    page = testapp.get(
        f"/i/{world.a.slug}/sites/{world.site('A1').slug}/odk", headers={"Accept-Language": "nl"}
    )
    assert "Zet ODK Collect uit" in page.text
    refused = Collect(testapp, "no-such-key", language="nl").form_list(status=404)
    assert message_of(refused).startswith("Dit serveradres is onbekend")
