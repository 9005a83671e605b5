"""Short survey-link codes: /k and /k/{code}, the links page, the flyer, the migration."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.orm import Session

from evalsys.collection import ratelimit
from evalsys.collection.models import SurveyLink
from evalsys.collection.views.short_links import shown
from evalsys.db import get_engine, schema
from evalsys.settings import apply_environment

from .. import builders
from .. import world as worlds


@pytest.fixture(autouse=True)
def fresh_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def link(dbsession, tm):
    iv = builders.intervention(dbsession)
    row = SurveyLink(
        token="tok-short-1", intervention_id=iv.id, site_id=iv.sites[0].id, wave_id=iv.waves[0].id
    )
    dbsession.add(row)
    dbsession.flush()
    code = row.short_code
    builders.commit(tm)
    return code


def test_a_new_link_has_a_short_code_without_look_alikes(link):
    assert len(link) == 6 and not set(link) & set("01OIL")


def test_the_short_code_leads_to_the_link_in_any_case_with_dashes_or_spaces(testapp, link):
    for typed in (link, link.lower(), shown(link), f" {link[:3]} {link[3:].lower()} "):
        answer = testapp.get("/k", params={"code": typed}, status=303)
        assert answer.location.endswith("/s/tok-short-1")
    answer = testapp.get(f"/k/{shown(link).lower()}", status=303)
    assert answer.location.endswith("/s/tok-short-1")


def test_the_form_at_k_takes_the_code(testapp, link):
    page = testapp.get("/k?lang=en")
    assert "Code from the flyer" in page.text
    page.form["code"] = shown(link).lower()
    assert page.form.submit(status=303).location.endswith("/s/tok-short-1")


def test_a_wrong_short_code_says_what_to_do(testapp, link):
    wrong = ("A" if link[0] != "A" else "B") + link[1:]
    for url in (f"/k/{wrong}?lang=en", f"/k?code={wrong}&lang=en", "/k/0O1Il?lang=en"):
        page = testapp.get(url, status=404)
        assert "No questionnaire has this code" in page.text
        assert "Check the code on the flyer" in page.text and 'href="#f-code"' in page.text
    empty = testapp.get("/k?code=+&lang=en", status=400)
    assert "Fill in the code from the flyer." in empty.text


def test_a_closed_link_sends_on_to_the_page_that_says_it_is_closed(testapp, link, dbsession, tm):
    dbsession.query(SurveyLink).filter_by(token="tok-short-1").one().is_open = False
    builders.commit(tm)
    page = testapp.get(f"/k/{link}", status=303).follow(status=410)
    assert "gesloten" in page.text or "closed" in page.text


def test_the_links_page_and_the_flyer_show_the_short_code(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    site, link = world.site("A1"), world.links["A1"]
    worlds.sign_in(testapp, world.users["coordinator"])
    testapp.set_cookie("lang", "en")
    page = testapp.get(f"/i/{world.a.slug}/sites/{site.slug}/links")
    assert f"Or go to localhost/k and type {shown(link.short_code)}" in page.text
    flyer = testapp.get(
        f"/i/{world.a.slug}/sites/{site.slug}/links/{link.token}/flyer.pdf", params={"lang": "en"}
    )
    text = PdfReader(io.BytesIO(flyer.body)).pages[0].extract_text()
    assert "Or go to localhost/k and type this code:" in text
    assert shown(link.short_code) in text


def test_making_links_gives_an_old_link_its_short_code(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    site, link = world.site("A1"), world.links["A1"]
    dbsession.get(SurveyLink, link.id).short_code = None  # made by the code before 0017
    builders.commit(tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    page = testapp.get(f"/i/{world.a.slug}/sites/{site.slug}/links")
    (make,) = [f for f in page.forms.values() if f.action.endswith(f"/{site.slug}/links")]
    make.submit(status=303)
    dbsession.expire_all()
    assert len(dbsession.get(SurveyLink, link.id).short_code) == 6


def test_the_migration_gives_every_existing_link_a_short_code(scratch_database):
    settings = apply_environment(scratch_database)
    engine = get_engine(settings)
    try:
        schema.upgrade(engine, settings)
        with Session(engine) as session:
            iv = builders.intervention(session)
            for site in iv.sites:
                session.add(
                    SurveyLink(
                        token=f"tok-{site.slug}",
                        intervention_id=iv.id,
                        site_id=site.id,
                        wave_id=iv.waves[0].id,
                    )
                )
            session.commit()
        schema.downgrade(engine, settings, "0016")
        schema.upgrade(engine, settings)
        with engine.connect() as connection:
            codes = connection.execute(sa.text("SELECT short_code FROM survey_links")).scalars()
            codes = list(codes)
        assert len(codes) == 2 and len(set(codes)) == 2
        assert all(len(code) == 6 and not set(code) & set("01OIL") for code in codes)
    finally:
        engine.dispose()
