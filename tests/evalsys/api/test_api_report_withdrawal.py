"""The API's archive of a withdrawn and a replaced version: listed with status and reason, the
figures marked, the PDF refused with 410 report_withdrawn (checked against the OpenAPI
document), and the report.withdrawn webhook."""

from __future__ import annotations

import pytest

from evalsys.results import evaluation, reports

from .. import builders
from ..api_client import ApiClient
from ..webhooks.hook_world import run
from ..webhooks.receiver import receivers  # noqa: F401 - the fixture
from .download_client import fetch
from .test_api_report_archive import Archive

REASON = "Zuid stond er twee keer in."


@pytest.fixture
def replaced(dbsession, tm):
    """The archive's version replaced by a second one, for REASON."""
    archive = Archive(dbsession, tm)
    iv = archive.iv
    old = dbsession.get(reports.ReportVersion, archive.version["id"])
    found = evaluation.evaluate_intervention(dbsession, iv, {})
    new = reports.publish(
        dbsession, iv, found, user=archive.world.users["evaluator"], replaces=old, reason=REASON
    )
    archive.new_id = new.id
    builders.commit(tm)
    return archive


def test_the_list_shows_the_replaced_version_with_its_reason(testapp, replaced):
    api = ApiClient(testapp, replaced.ministry)
    items = {i["id"]: i for i in api.get("/reports").json["items"]}
    old, new = items[replaced.version["id"]], items[replaced.new_id]
    assert (old["status"], old["withdrawal_reason"], old["replaced_by_id"]) == (
        "replaced",
        REASON,
        replaced.new_id,
    )
    assert old["withdrawn_at"] is not None
    assert (new["status"], new["replaces_id"], new["withdrawal_reason"]) == (
        "published",
        replaced.version["id"],
        None,
    )
    figures = api.get(f"/reports/{replaced.version['id']}").json
    assert figures["status"] == "replaced" and figures["checksum_sha256"] == old["checksum_sha256"]


def test_a_withdrawn_versions_pdf_is_refused_with_the_reason(testapp, replaced):
    gone = fetch(testapp, f"/reports/{replaced.version['id']}/pdf", replaced.ministry, 410)
    error = gone.json
    assert error["error"] == "report_withdrawn" and REASON in error["message"]
    assert f"/api/v1/reports/{replaced.new_id}/pdf" in error["message"]
    assert error["details"][0]["field"] == "id"
    # an ETag the client kept does not bring the withdrawn bytes back as "not modified"
    headers = {"If-None-Match": f'"{replaced.version["checksum"]}"'}
    fetch(
        testapp, f"/reports/{replaced.version['id']}/pdf", replaced.ministry, 410, headers=headers
    )
    fresh = fetch(testapp, f"/reports/{replaced.new_id}/pdf", replaced.ministry)
    assert fresh.body.startswith(b"%PDF")


def test_withdrawing_is_told_to_the_interventions_webhooks(
    app,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    from evalsys.webhooks import hooks

    archive = Archive(dbsession, tm)
    receiver = receivers()
    evaluator = archive.world.users["evaluator"]
    hooks.register(
        dbsession,
        archive.iv,
        evaluator,
        url=receiver.url,
        events=["report.withdrawn"],
        include_answers=False,
        allow_private=True,  # the receiver listens on 127.0.0.1
    )
    old = dbsession.get(reports.ReportVersion, archive.version["id"])
    reports.withdraw(dbsession, archive.iv, old, user=evaluator, reason=REASON)
    builders.commit(tm)
    run(app)
    (request,) = receiver.requests
    sent = request.json
    assert (sent["event"], sent["report_version"], sent["reason"]) == (
        "report.withdrawn",
        1,
        REASON,
    )
    assert sent["replaced_by_version"] is None and sent["withdrawn_at"]
