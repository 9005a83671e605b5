"""The PDF and published versions: right numbers, suppression, stored bytes that never change."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from pypdf import PdfReader

from analysis.charts.numbers import number
from evalsys.audit.models import AuditEvent
from evalsys.results.models import ReportVersion

from .. import builders, results_data
from ..web_session import csrf_token
from ..world import sign_in


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def pdf_text(body: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def publish(testapp, world, language="nl", note=""):
    """The results page's Publish: its confirmation page, then the confirmation."""
    slug = world.intervention.slug
    start = testapp.get(f"/i/{slug}/results").forms["publish-start"]
    start["language"], start["note"] = language, note
    confirmation = start.submit()
    return confirmation.forms["confirm-publish"].submit(status=303)


def test_the_pdf_holds_the_hand_computed_change_and_not_the_small_site(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    response = testapp.get(f"/i/{world.intervention.slug}/report.pdf", {"lang": "nl"})
    assert response.content_type == "application/pdf"
    text = pdf_text(response.body)
    assert "Veerkracht Test" in text
    for site in ("west", "zuid"):  # "mean (SD)" before and after, computed by hand
        for wave in ("T0", "T1"):
            assert mean_sd_text(world, site, wave) in text, (site, wave)
    # klein (6) and noord (next smallest) are blanked: their figures appear nowhere
    for site in ("klein", "noord"):
        for wave in ("T0", "T1"):
            assert mean_sd_text(world, site, wave) not in text, (site, wave)
    assert "minder dan 10 deelnemers" in text


def mean_sd_text(world, site: str, wave: str, language: str = "nl") -> str:
    mean, sd = world.mean_sd(site, wave)
    return f"{number(mean, 2, language)} ({number(sd, 2, language)})"


def test_making_a_pdf_is_audited_as_an_export(testapp, world, dbsession):
    sign_in(testapp, world.users["evaluator"])
    testapp.get(f"/i/{world.intervention.slug}/report.pdf")
    events = dbsession.query(AuditEvent).filter_by(actor="evaluator-results", action="export")
    assert any("report.pdf" in e.details.get("path", "") for e in events)


def test_publishing_stores_the_pdf_with_its_checksum_and_snapshot_time(testapp, world, dbsession):
    sign_in(testapp, world.users["evaluator"])
    publish(testapp, world, note="Eerste versie")
    report = dbsession.query(ReportVersion).one()
    assert report.version == 1 and report.language == "nl" and report.note == "Eerste versie"
    assert report.checksum == hashlib.sha256(report.pdf).hexdigest()
    assert report.data_taken_at <= report.published_at
    text = pdf_text(report.pdf)
    assert "versie 1, gepubliceerd" in text
    assert mean_sd_text(world, "west", "T1") in text
    second = publish(testapp, world, language="en")
    assert second.location.endswith("/reports#report-2") or "#report-" in second.location
    assert [r.version for r in dbsession.query(ReportVersion).order_by(ReportVersion.id)] == [1, 2]


def test_the_ministry_downloads_exactly_the_stored_bytes(testapp, world, dbsession, tm):
    sign_in(testapp, world.users["evaluator"])
    publish(testapp, world)
    report = dbsession.query(ReportVersion).one()
    stored = report.pdf
    testapp.reset()
    sign_in(testapp, world.users["ministry"])
    listing = testapp.get("/reports")
    assert "Veerkracht Test" in listing.text
    first = testapp.get(f"/reports/{report.id}.pdf")
    assert first.body == stored
    assert first.headers["ETag"].strip('"') == report.checksum
    assert (
        testapp.get(
            f"/reports/{report.id}.pdf", headers={"If-None-Match": first.headers["ETag"]}
        ).status_int
        == 304
    )
    # a new version later (an evaluator signs in only once per code): the old bytes stay
    from evalsys.results import evaluation, reports

    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    reports.publish(dbsession, world.intervention, found, user=world.users["evaluator"])
    builders.commit(tm)
    assert testapp.get(f"/reports/{report.id}.pdf").body == stored
    assert testapp.get("/reports").text.count("Veerkracht Test") == 2


def test_a_published_version_cannot_be_changed(world, dbsession, tm):
    from evalsys.results import evaluation, reports

    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    row = reports.publish(dbsession, world.intervention, found, user=None)
    row.note = "changed"
    with pytest.raises(ValueError, match="never changed"):
        dbsession.flush()


def test_published_aggregates_hide_the_small_site(testapp, world, dbsession):
    sign_in(testapp, world.users["evaluator"])
    publish(testapp, world)
    report = dbsession.query(ReportVersion).one()
    testapp.reset()
    sign_in(testapp, world.users["ministry"])
    figures = testapp.get(f"/reports/{report.id}.json").json
    assert figures["checksum_sha256"] == report.checksum
    rows = {r["site"]: r for r in figures["result"]["tables"]["site_effects"]}
    assert rows["klein"]["mean_diff"] is None and rows["klein"]["n"] is None
    assert rows["noord"]["mean_diff"] is None
    assert rows["west"]["mean_diff"] == pytest.approx(world.mean_change("west"))
    text = json.dumps(figures)
    assert "KL00" not in text and "NO00" not in text  # no participant codes


def test_ministry_sees_no_unpublished_report_and_no_participant_pages(testapp, world):
    sign_in(testapp, world.users["ministry"])
    assert "Veerkracht Test" not in testapp.get("/reports").text
    assert testapp.get("/reports/999999.pdf", expect_errors=True).status_int == 404
    assert testapp.get("/reports/999999.json", expect_errors=True).status_int == 404
    slug = world.intervention.slug
    token = csrf_token(testapp.get("/login"))
    assert testapp.post(
        f"/i/{slug}/publish", {"csrf_token": token}, expect_errors=True
    ).status_int in (403, 404)


def test_an_evaluator_of_another_intervention_cannot_read_the_report(testapp, world, dbsession, tm):
    from ..world import grant, make_user

    sign_in(testapp, world.users["evaluator"])
    publish(testapp, world)
    report = dbsession.query(ReportVersion).one()
    other = make_user(dbsession, "andere-evaluator", "evaluator")
    grant(dbsession, other, builders.intervention(dbsession))
    builders.commit(tm)
    testapp.reset()
    sign_in(testapp, other)
    assert testapp.get(f"/reports/{report.id}.pdf", expect_errors=True).status_int == 404
    assert "Veerkracht Test" not in testapp.get("/reports").text
