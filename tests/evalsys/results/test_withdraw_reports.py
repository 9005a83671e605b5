"""Withdrawing and replacing a published version, with a reason the ministry reads; refusals."""

from __future__ import annotations

import pytest

from evalsys.audit.models import AuditEvent
from evalsys.results import evaluation, reports
from evalsys.results.models import ReportVersion

from .. import builders
from ..web_session import csrf_token
from ..world import grant, make_user, sign_in
from .test_publish_reports import pdf_text, publish, world  # noqa: F401 - the fixture

REASON = "De cijfers van Zuid waren dubbel ingevoerd."


def published(testapp, world, dbsession):  # noqa: F811
    sign_in(testapp, world.users["evaluator"])
    publish(testapp, world)
    return dbsession.query(ReportVersion).one()


def withdraw_form(testapp, report):
    return testapp.get(f"/reports/{report.id}/withdraw").forms["withdraw-form"]


def test_an_evaluator_withdraws_and_the_ministry_reads_why(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    report = published(testapp, world, dbsession)
    stored = report.pdf
    listing = testapp.get("/reports")
    assert f"/reports/{report.id}/withdraw" in listing.text
    form = withdraw_form(testapp, report)
    form["reason"] = REASON
    done = form.submit("action", value="withdraw", status=303)
    assert done.location.endswith(f"/reports#report-{report.id}")
    dbsession.expire_all()
    report = dbsession.get(ReportVersion, report.id)
    assert report.withdrawn and report.withdrawal_reason == REASON
    assert report.withdrawn_by_id == world.users["evaluator"].id and report.pdf == stored
    event = dbsession.query(AuditEvent).filter_by(action="report_withdrawn").one()
    assert event.details["reason"] == REASON and event.target_id == str(report.id)

    testapp.reset()
    sign_in(testapp, world.users["ministry"])
    row = testapp.get("/reports").html.find(id=f"report-{report.id}")
    assert REASON in row.text and "Veerkracht Test" in row.text
    assert row.find("a", href=f"http://localhost/reports/{report.id}.pdf") is None
    assert "/withdraw" not in str(row)  # the ministry may not withdraw
    refused = testapp.get(f"/reports/{report.id}.pdf", status=410)
    assert REASON in refused.text and refused.content_type == "text/html"
    figures = testapp.get(f"/reports/{report.id}.json").json
    assert (figures["status"], figures["withdrawal_reason"]) == ("withdrawn", REASON)
    assert figures["checksum_sha256"] == report.checksum


def test_replacing_publishes_a_version_that_names_the_old_one(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    old = published(testapp, world, dbsession)
    form = withdraw_form(testapp, old)
    form["reason"] = REASON
    confirm = form.submit("action", value="replace", status=303).follow()
    replaces = confirm.html.find(id="replaces").text
    assert REASON in replaces and "1" in replaces
    # the preview says which version it would be; nothing has changed yet
    preview = testapp.get(confirm.html.find(id="preview")["href"])
    assert "wordt versie 2" in pdf_text(preview.body)
    dbsession.expire_all()
    assert not dbsession.get(ReportVersion, old.id).withdrawn
    confirm.forms["confirm-publish"].submit(status=303)
    dbsession.expire_all()
    old, new = dbsession.query(ReportVersion).order_by(ReportVersion.version).all()
    assert (old.replaced_by_id, old.withdrawal_reason, new.version) == (new.id, REASON, 2)
    assert "versie 2, gepubliceerd" in pdf_text(new.pdf) and "vervangt versie 1" in pdf_text(
        new.pdf
    )

    testapp.reset()
    sign_in(testapp, world.users["ministry"])
    listing = testapp.get("/reports").html
    assert REASON in listing.find(id=f"report-{old.id}").text
    assert listing.find(id=f"report-{new.id}").find(
        "a", href=f"http://localhost/reports/{new.id}.pdf"
    )
    gone = testapp.get(f"/reports/{old.id}.pdf", status=410)
    assert f"/reports/{new.id}.pdf" in gone.text  # the page leads to the new version
    figures = testapp.get(f"/reports/{new.id}.json").json
    assert (figures["status"], figures["replaces_id"]) == ("published", old.id)
    assert testapp.get(f"/reports/{old.id}.json").json["status"] == "replaced"


def test_a_withdrawal_without_a_reason_is_refused_and_says_why(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    report = published(testapp, world, dbsession)
    for action in ("withdraw", "replace"):
        form = withdraw_form(testapp, report)
        form["reason"] = "   "
        refused = form.submit("action", value=action, status=400)
        assert refused.html.find(id="e-reason") is not None
        assert refused.html.find(id="f-reason")["aria-invalid"] == "true"
    form = withdraw_form(testapp, report)
    form["reason"] = "x" * 2001
    assert form.submit("action", value="withdraw", status=400).html.find(id="e-reason")
    # a replacement asked for by URL without its reason is refused too
    slug = world.intervention.slug
    testapp.get(f"/i/{slug}/publish", {"replaces": report.id}, status=400)
    dbsession.expire_all()
    assert not dbsession.get(ReportVersion, report.id).withdrawn
    assert dbsession.query(ReportVersion).count() == 1


def test_a_withdrawn_version_cannot_be_withdrawn_or_replaced_again(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    report = published(testapp, world, dbsession)
    form = withdraw_form(testapp, report)
    form["reason"] = REASON
    form.submit("action", value="withdraw", status=303)
    token = csrf_token(testapp.get("/reports"))
    again = testapp.post(
        f"/reports/{report.id}/withdraw",
        {"csrf_token": token, "reason": "nog eens", "action": "withdraw"},
        status=409,
    )
    assert again.html.find(class_="error-summary") is not None
    slug = world.intervention.slug
    testapp.get(f"/i/{slug}/publish", {"replaces": report.id, "reason": "r"}, status=400)
    dbsession.expire_all()
    assert dbsession.get(ReportVersion, report.id).withdrawal_reason == REASON


def test_only_the_interventions_evaluators_may_withdraw(
    testapp,
    world,  # noqa: F811
    dbsession,
    tm,
):
    report = published(testapp, world, dbsession)
    other = make_user(dbsession, "andere-evaluator", "evaluator")
    grant(dbsession, other, builders.intervention(dbsession))
    builders.commit(tm)
    # the ministry reads the report but may not withdraw it; outside one's scope it is not there
    # (both 404, as for the ministry's publish: tests/evalsys/access_rules.py)
    for user, status in ((world.users["ministry"], 404), (other, 404)):
        testapp.reset()
        sign_in(testapp, user)
        assert (
            testapp.get(f"/reports/{report.id}/withdraw", expect_errors=True).status_int == status
        )
        token = csrf_token(testapp.get("/reports"))
        sent = testapp.post(
            f"/reports/{report.id}/withdraw",
            {"csrf_token": token, "reason": REASON, "action": "withdraw"},
            expect_errors=True,
        )
        assert sent.status_int == status
    dbsession.expire_all()
    assert not dbsession.get(ReportVersion, report.id).withdrawn


def test_a_withdrawal_without_the_csrf_token_is_refused(
    testapp,
    world,  # noqa: F811
    dbsession,
):
    report = published(testapp, world, dbsession)
    sent = testapp.post(
        f"/reports/{report.id}/withdraw",
        {"reason": REASON, "action": "withdraw"},
        expect_errors=True,
    )
    assert sent.status_int == 400
    dbsession.expire_all()
    assert not dbsession.get(ReportVersion, report.id).withdrawn


def test_the_database_allows_a_withdrawal_once_and_nothing_else(
    world,  # noqa: F811
    dbsession,
):
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    row = reports.publish(dbsession, world.intervention, found, user=None)
    reports.withdraw(dbsession, world.intervention, row, user=None, reason=REASON)
    with pytest.raises(reports.WithdrawalRefused, match="already"):
        reports.withdraw(dbsession, world.intervention, row, user=None, reason="again")
    with pytest.raises(reports.WithdrawalRefused, match="live version"):
        reports.publish(dbsession, world.intervention, found, user=None, replaces=row, reason="r")
    assert dbsession.query(ReportVersion).count() == 1  # refused before anything was stored
    row.withdrawal_reason = "rewritten"
    with pytest.raises(ValueError, match="never changed"):
        dbsession.flush()


def test_a_withdrawal_cannot_carry_another_change_with_it(
    world,  # noqa: F811
    dbsession,
):
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    row = reports.publish(dbsession, world.intervention, found, user=None)
    row.withdrawn_at, row.withdrawal_reason, row.checksum = row.published_at, REASON, "0" * 64
    with pytest.raises(ValueError, match="never changed"):
        dbsession.flush()


def test_a_replacement_confirmed_after_someone_withdrew_the_old_one_stores_nothing(
    testapp,
    world,  # noqa: F811
    dbsession,
    tm,
):
    old = published(testapp, world, dbsession)
    form = withdraw_form(testapp, old)
    form["reason"] = REASON
    confirm = form.submit("action", value="replace", status=303).follow()
    # a colleague withdraws it while this page is open
    reports.withdraw(dbsession, world.intervention, old, user=None, reason="eerder ingetrokken")
    builders.commit(tm)
    refused = confirm.forms["confirm-publish"].submit(status=400)
    assert refused.html.find(class_="error-summary") is not None
    dbsession.expire_all()
    assert dbsession.query(ReportVersion).count() == 1
    assert dbsession.get(ReportVersion, old.id).withdrawal_reason == "eerder ingetrokken"
