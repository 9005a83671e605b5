"""Publishing in three steps: the confirmation page, its preview PDF (marked, not kept), and the
confirmation, which stores only the figures that were previewed."""

from __future__ import annotations

import io
import re
import uuid

from pypdf import PdfReader

from evalsys.audit.models import AuditEvent
from evalsys.collection.submissions import Submission, submit
from evalsys.results.models import ReportVersion

from .. import builders, results_data
from ..world import sign_in
from .test_publish_reports import mean_sd_text, pdf_text, world  # noqa: F401 - the fixture


def confirmation(testapp, world, language="nl", note="", status=200):  # noqa: F811
    start = testapp.get(f"/i/{world.intervention.slug}/results").forms["publish-start"]
    start["language"], start["note"] = language, note
    return start.submit(status=status)


def test_the_confirmation_names_what_will_be_published_and_stores_nothing(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    sign_in(testapp, world.users["evaluator"])
    page = confirmation(testapp, world, language="en", note="Eerste ronde")
    facts = page.html.find(id="publication").text
    assert "Veerkracht Test" in facts and "English" in facts and "Eerste ronde" in facts
    assert f"{sum(results_data.SITES.values())} " in facts  # the participants of the snapshot
    assert page.html.find("button", string=re.compile("1")) is not None  # "Publish version 1"
    assert page.headers["Cache-Control"] == "no-store"
    assert dbsession.query(ReportVersion).count() == 0


def test_the_preview_is_the_pdf_to_be_published_marked_and_not_kept(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    sign_in(testapp, world.users["evaluator"])
    page = confirmation(testapp, world)
    preview = testapp.get(page.html.find(id="preview")["href"])
    assert preview.content_type == "application/pdf"
    assert preview.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(preview.body))
    # every page says it is a preview (the footer), and the figures are those to be published
    for number, one in enumerate(reader.pages, 1):
        assert "VOORBEELD, niet gepubliceerd" in one.extract_text(), number
    assert "wordt versie 1" in pdf_text(preview.body)
    assert mean_sd_text(world, "west", "T1") in pdf_text(preview.body)
    assert mean_sd_text(world, "klein", "T1") not in pdf_text(preview.body)
    assert dbsession.query(ReportVersion).count() == 0
    previewed = dbsession.query(AuditEvent).filter_by(action="report_previewed").one()
    assert previewed.actor == world.users["evaluator"].username

    published = page.forms["confirm-publish"].submit(status=303)
    report = dbsession.query(ReportVersion).one()
    assert published.location.endswith(f"/reports#report-{report.id}")
    text = pdf_text(report.pdf)
    assert "versie 1, gepubliceerd" in text and "VOORBEELD" not in text
    assert mean_sd_text(world, "west", "T1") in text


def add_participant(dbsession, tm, world, code="WE900"):  # noqa: F811
    """One more participant at West, both waves: the figures change."""
    west = next(s for s in world.intervention.sites if s.slug == "west")
    for index, wave in enumerate(world.intervention.waves):
        answers = {item: 2 + index for item in results_data.ITEMS}
        submit(
            dbsession,
            Submission(
                submission_id=str(uuid.uuid4()),
                intervention=world.intervention,
                site=west,
                wave=wave,
                participant_code=code,
                answers=answers,
                mode="paper",
            ),
        )
    builders.commit(tm)


def test_new_data_after_the_preview_publish_nothing_and_show_the_new_figures(
    testapp,
    world,  # noqa: F811
    dbsession,
    tm,
):
    sign_in(testapp, world.users["evaluator"])
    page = confirmation(testapp, world)
    old_preview = page.html.find(id="preview")["href"]
    add_participant(dbsession, tm, world)
    # the old preview link no longer gives a PDF: it leads to the page with the new figures
    moved = testapp.get(old_preview, status=303)
    assert "/publish?" in moved.location and "snapshot" not in moved.location
    again = page.forms["confirm-publish"].submit(status=409)
    assert again.html.find(id="figures-changed") is not None
    assert dbsession.query(ReportVersion).count() == 0
    facts = again.html.find(id="publication").text
    assert f"{sum(results_data.SITES.values()) + 1} " in facts
    again.forms["confirm-publish"].submit(status=303)  # confirmed with the new figures
    assert dbsession.query(ReportVersion).one().aggregates["n_participants"] == (
        sum(results_data.SITES.values()) + 1
    )


def test_a_publish_form_without_the_preview_step_leads_to_the_confirmation(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    from ..web_session import csrf_token

    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    token = csrf_token(testapp.get(f"/i/{slug}/results"))
    sent = testapp.post(
        f"/i/{slug}/publish", {"csrf_token": token, "language": "en", "note": "x"}, status=303
    )
    assert sent.location.endswith(f"/i/{slug}/publish?language=en&note=x")
    assert dbsession.query(ReportVersion).count() == 0


def test_confirming_without_the_csrf_token_is_refused(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    sign_in(testapp, world.users["evaluator"])
    form = confirmation(testapp, world).forms["confirm-publish"]
    form["csrf_token"] = "not-the-token"
    assert form.submit(expect_errors=True).status_int == 400
    assert dbsession.query(ReportVersion).count() == 0


def test_the_ministry_and_a_coordinator_cannot_preview_or_confirm(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    slug = world.intervention.slug
    for role, status in (("ministry", 404), ("coordinator", 403)):
        testapp.reset()
        sign_in(testapp, world.users[role])
        assert testapp.get(f"/i/{slug}/publish", expect_errors=True).status_int == status
        preview = testapp.get(f"/i/{slug}/publish/preview.pdf", expect_errors=True)
        assert preview.status_int == status and preview.content_type != "application/pdf"
    assert dbsession.query(ReportVersion).count() == 0
