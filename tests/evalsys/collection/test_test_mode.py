"""Staff trying a survey link through the real stack: a preview stores nothing; test responses
are stored and marked, kept out of results, exports, counts and due lists, shown on the site's
list, and deleted all at once with an audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from evalsys.audit.models import AuditEvent
from evalsys.collection import links, progress, ratelimit
from evalsys.collection.models import Participant, Response, Score, SurveyLink
from evalsys.followup.due_list import due_rows
from evalsys.results import evaluation, snapshots
from evalsys.webhooks.models import WebhookEvent

from .. import results_data
from ..builders import BRS_ANSWERS
from ..web_session import csrf_token
from ..world import sign_in


@pytest.fixture(autouse=True)
def fresh_limits():
    ratelimit.reset()
    snapshots.forget_all()
    yield
    ratelimit.reset()


@pytest.fixture
def world(dbsession, tm):
    world = results_data.build(dbsession, tm)
    links.ensure_links(dbsession, world.intervention)
    world.intervention.webhooks = True  # a response.stored event would be raised for a real one
    results_data.builders.commit(tm)
    return world


def link_url(dbsession, world, site: str, wave: str, mode: str) -> str:
    link = dbsession.scalars(
        select(SurveyLink).where(
            SurveyLink.site_id == next(s.id for s in world.intervention.sites if s.slug == site),
            SurveyLink.wave_id == next(w.id for w in world.intervention.waves if w.label == wave),
        )
    ).one()
    return f"/i/{world.intervention.slug}/sites/{site}/links/{link.token}/{mode}"


def through_the_survey(testapp, url: str, code: str, lang: str = "nl"):
    """Every page of the survey as a participant sees it; the answer to the last button."""
    welcome = testapp.get(f"{url}?lang={lang}")
    pages = [welcome]
    consent = welcome.form.submit()
    pages.append(consent)
    form = consent.form
    form["agree"].checked = True
    form["under16"] = "no"
    code_page = form.submit()
    pages.append(code_page)
    code_page.form["code"] = code
    first = code_page.form.submit()
    pages.append(first)
    first.form["age_band"] = "2"
    second = first.form.submit()
    pages.append(second)
    for item, value in BRS_ANSWERS.items():
        second.form[item] = str(value)
    done = second.form.submit()
    return pages, done


def counts(dbsession) -> tuple[int, int, int]:
    return tuple(
        dbsession.scalar(select(func.count()).select_from(model))
        for model in (Participant, Response, Score)
    )


def rate_limit_rows(dbsession) -> int:
    return dbsession.scalar(select(func.coalesce(func.sum(ratelimit.rate_limits.c.hits), 0)))


def test_a_preview_shows_every_page_in_each_language_and_stores_nothing(testapp, dbsession, world):
    sign_in(testapp, world.users["evaluator"])
    before, limits = counts(dbsession), rate_limit_rows(dbsession)
    url = link_url(dbsession, world, "noord", "T0", "preview")
    for lang in ("nl", "en"):
        pages, done = through_the_survey(testapp, url, "PREV01", lang)
        for page in pages:
            banner = page.html.select_one(".preview-banner")
            assert banner is not None, page.request.url
            # English until the lead fills the Dutch catalogue
            assert "nothing is stored" in banner.get_text() or "niets bewaard" in banner.get_text()
            assert banner.find("a")["href"].endswith(url.replace("/preview", f"/test?lang={lang}"))
            assert page.html.html["lang"] == lang
        assert done.status_int == 200 and done.html.h1.get_text() in (
            "End of the preview",
            "Einde van het voorbeeld",
        )
    assert counts(dbsession) == before
    assert rate_limit_rows(dbsession) == limits  # a participant's limit is not spent
    assert not dbsession.scalar(select(func.count()).select_from(WebhookEvent))


def test_a_preview_takes_a_closed_link_and_checks_the_answers(testapp, dbsession, tm, world):
    url = link_url(dbsession, world, "noord", "T0", "preview")
    token = url.split("/")[-2]
    dbsession.scalars(select(SurveyLink).where(SurveyLink.token == token)).one().is_open = False
    results_data.builders.commit(tm)
    sign_in(testapp, world.users["coordinator"])
    assert testapp.get(f"/s/{token}", status=410)  # participants: closed
    welcome = testapp.get(url)
    consent = welcome.form.submit()
    answer = consent.form.submit(status=400)  # the same checks as for a participant
    assert "error-summary" in answer.text


def store_test_responses(testapp, dbsession, world, code: str = "ab12"):
    for wave in ("T0", "T1"):
        pages, done = through_the_survey(
            testapp, link_url(dbsession, world, "noord", wave, "test"), code
        )
        assert all("testantwoord" in page.text for page in pages)  # the banner, in Dutch
        assert done.status_int == 200 and f"TEST:{code.upper()}" in done.text


def test_a_test_response_is_stored_marked_and_kept_out_of_every_result(testapp, dbsession, world):
    intervention = world.intervention
    scores_before = evaluation.load_scores(dbsession, intervention)
    version_before = snapshots.data_version(dbsession, intervention)
    (noord_before,) = progress.site_progress(
        dbsession, intervention, site_ids={intervention.sites[0].id}
    )
    sign_in(testapp, world.users["coordinator"])  # the coordinator of noord
    store_test_responses(testapp, dbsession, world)
    dbsession.expire_all()

    stored = dbsession.scalars(select(Response).where(Response.test.is_(True))).all()
    assert len(stored) == 2
    assert {r.participant.code for r in stored} == {"TEST:AB12"}
    assert all(r.participant.test and r.scores for r in stored)
    assert {r.submitted_by_id for r in stored} == {world.users["coordinator"].id}
    assert not dbsession.scalar(select(func.count()).select_from(WebhookEvent))

    scores = evaluation.load_scores(dbsession, intervention)
    assert not scores["participant"].str.startswith("TEST:").any()
    assert len(scores) == len(scores_before)
    assert snapshots.data_version(dbsession, intervention) == version_before
    result = evaluation.evaluate_intervention(dbsession, intervention, {})
    assert result.result is not None
    (noord,) = progress.site_progress(dbsession, intervention, site_ids={intervention.sites[0].id})
    assert noord.participants == noord_before.participants
    assert [w.responses for w in noord.waves] == [w.responses for w in noord_before.waves]
    assert not [row for row in due_rows(dbsession, intervention) if "TEST" in row.code]

    sign_in(testapp, world.users["evaluator"])
    export = testapp.get(f"/i/{intervention.slug}/export.csv_long")
    assert "NO000" in export.text and "TEST:" not in export.text
    due = testapp.get(f"/i/{intervention.slug}/sites/noord/due")
    assert "TEST:" not in due.text
    listed = testapp.get(f"/i/{intervention.slug}/sites/noord/responses")
    row = next(tr for tr in listed.html.select("tbody tr") if "TEST:AB12" in tr.get_text())
    assert row.select_one(".status.test") is not None
    assert "NO000" in listed.text


def test_a_test_code_never_meets_a_real_one(testapp, dbsession, world):
    """A real participant's code typed in test mode makes a test participant of its own."""
    sign_in(testapp, world.users["coordinator"])
    store_test_responses(testapp, dbsession, world, code="NO000")
    real = dbsession.scalars(select(Participant).where(Participant.code == "NO000")).one()
    assert not real.test
    assert (
        dbsession.scalar(
            select(func.count()).select_from(Response).where(Response.participant_id == real.id)
        )
        == 2
    )


def test_deleting_test_responses_removes_them_with_their_scores_and_is_audited(
    testapp, dbsession, world
):
    sign_in(testapp, world.users["coordinator"])
    store_test_responses(testapp, dbsession, world)
    before = counts(dbsession)
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    page = testapp.get(f"/i/{slug}/test-responses")
    assert "2 test" in page.html.select_one("#test-counts").get_text()
    form = next(f for f in page.forms.values() if f.action.endswith("/test-responses"))
    done = form.submit().follow()
    assert "Verwijderd: 2 testantwoorden." in done.text
    dbsession.expire_all()
    assert counts(dbsession) == (before[0] - 1, before[1] - 2, before[2] - 2)
    assert not dbsession.scalars(select(Participant).where(Participant.test.is_(True))).all()
    event = dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "test_responses_deleted")
    ).one()
    assert event.actor_id == world.users["evaluator"].id
    assert event.details == {"participants": 1, "responses": 2, "scores": 2}
    listed = testapp.get(f"/i/{slug}/sites/noord/responses")
    assert "TEST:" not in listed.text


def test_a_coordinator_of_another_site_gets_not_found(testapp, dbsession, world):
    sign_in(testapp, world.users["coordinator"])  # noord's coordinator
    for mode in ("preview", "test"):
        testapp.get(link_url(dbsession, world, "zuid", "T0", mode), status=404)
    testapp.get(f"/i/{world.intervention.slug}/test-responses", status=403)


def test_a_test_post_without_its_token_is_refused(testapp, dbsession, world):
    sign_in(testapp, world.users["coordinator"])
    url = link_url(dbsession, world, "noord", "T0", "test")
    testapp.post(url, {"_step": "welcome"}, status=400)
    page = testapp.get(url)
    testapp.post(url, {"_step": "welcome", "csrf_token": csrf_token(page)}, status=200)
