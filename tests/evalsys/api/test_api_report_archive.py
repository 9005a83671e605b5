"""The published reports archive through the API: the list, a version's figures and its PDF, for
an evaluator's and a ministry user's tokens, and refusals outside their scope."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from evalsys.accounts.tokens import create_token
from evalsys.accounts.users import UserError
from evalsys.db.meta import utcnow
from evalsys.results import evaluation, reports
from evalsys.results.models import ReportVersion

from .. import builders, results_data
from ..api_client import ApiClient, make_token
from .download_client import fetch, file_name


class Archive:
    """Two interventions, each with a published version; tokens of the ministry and others."""

    def __init__(self, dbsession, tm):
        self.world = results_data.build(dbsession, tm)
        users = self.world.users
        self.iv, self.other = self.world.intervention, builders.intervention(dbsession)
        self.version = self._publish(dbsession, self.iv, users["evaluator"])
        self.other_version = self._stored(dbsession, self.other)
        self.ministry = make_token(dbsession, users["ministry"], self.iv, permission="read")
        self.evaluator = make_token(dbsession, users["evaluator"], self.iv, permission="read")
        noord = next(s for s in self.iv.sites if s.slug == "noord")
        self.coordinator = make_token(
            dbsession, users["coordinator"], self.iv, permission="read", site=noord
        )
        self.submit = make_token(dbsession, users["evaluator"], self.iv, permission="submit")
        builders.commit(tm)

    @staticmethod
    def _publish(dbsession, intervention, user) -> dict:
        found = evaluation.evaluate_intervention(dbsession, intervention, {})
        row = reports.publish(dbsession, intervention, found, user=user, note="eerste")
        return {"id": row.id, "pdf": row.pdf, "checksum": row.checksum}

    @staticmethod
    def _stored(dbsession, intervention) -> dict:
        """A version of another intervention, stored as publish() stores one."""
        now, pdf = utcnow(), b"%PDF-1.4 another intervention's report"
        row = ReportVersion(
            intervention_id=intervention.id,
            version=1,
            language="nl",
            published_at=now,
            data_taken_at=now,
            checksum=reports.checksum(pdf),
            pdf=pdf,
            aggregates={"n_participants": 30},
            note="",
        )
        dbsession.add(row)
        dbsession.flush()
        return {"id": row.id, "pdf": pdf, "checksum": row.checksum}


@pytest.fixture
def archive(dbsession, tm):
    return Archive(dbsession, tm)


def test_a_ministry_token_lists_and_reads_its_interventions_published_versions(testapp, archive):
    api = ApiClient(testapp, archive.ministry)
    items = api.get("/reports").json["items"]
    assert [i["id"] for i in items] == [archive.version["id"]]  # its intervention's only
    (item,) = items
    assert (item["intervention"], item["version"], item["note"]) == (archive.iv.slug, 1, "eerste")
    assert item["pdf"].endswith(f"/api/v1/reports/{item['id']}/pdf")
    figures = api.get(f"/reports/{item['id']}").json
    assert figures["checksum_sha256"] == archive.version["checksum"]
    assert figures["result"]["n_participants"] == sum(results_data.SITES.values())
    pdf = fetch(testapp, f"/reports/{item['id']}/pdf", archive.ministry)
    assert pdf.body == archive.version["pdf"]  # exactly the stored bytes
    assert file_name(pdf) == f"{archive.iv.slug}-v1.pdf"
    assert pdf.etag == archive.version["checksum"]
    assert len(PdfReader(io.BytesIO(pdf.body)).pages) >= 1
    again = fetch(
        testapp,
        f"/reports/{item['id']}/pdf",
        archive.ministry,
        304,
        headers={"If-None-Match": f'"{archive.version["checksum"]}"'},
    )
    assert again.body == b""


def test_a_version_of_another_intervention_is_not_there_for_the_token(testapp, archive):
    for token in (archive.ministry, archive.evaluator):
        api = ApiClient(testapp, token)
        api.get(f"/reports/{archive.other_version['id']}", status=404)
        fetch(testapp, f"/reports/{archive.other_version['id']}/pdf", token, 404)
    ApiClient(testapp, archive.evaluator).get("/reports/99999999", status=404)


def test_an_evaluators_read_token_reads_the_archive_and_a_coordinators_does_not(testapp, archive):
    items = ApiClient(testapp, archive.evaluator).get("/reports").json["items"]
    assert [i["id"] for i in items] == [archive.version["id"]]
    coordinator = ApiClient(testapp, archive.coordinator)
    assert coordinator.get("/reports").json["items"] == []
    # the intervention is the coordinator's to know: a refusal, not a secret
    coordinator.get(f"/reports/{archive.version['id']}", status=403)
    submit = ApiClient(testapp, archive.submit)
    assert submit.get("/reports").json["items"] == []
    submit.get(f"/reports/{archive.version['id']}", status=403)


def test_a_ministry_session_lists_every_published_version(testapp, archive):
    from ..world import sign_in

    sign_in(testapp, archive.world.users["ministry"])
    items = ApiClient(testapp).get("/reports", token=None).json["items"]
    assert {i["id"] for i in items} == {archive.version["id"], archive.other_version["id"]}


def test_a_ministry_user_may_make_a_read_token_for_a_whole_intervention_only(dbsession, tm):
    world = results_data.build(dbsession, tm)
    ministry, iv = world.users["ministry"], world.intervention
    token, secret = create_token(
        dbsession, ministry, name="rapporten", permission="read", intervention=iv
    )
    assert token.site_id is None and secret.startswith("evs_")
    with pytest.raises(UserError, match="published reports"):
        create_token(dbsession, ministry, name="x", permission="submit", intervention=iv)
    with pytest.raises(UserError, match="published reports"):
        create_token(
            dbsession, ministry, name="x", permission="read", intervention=iv, site=iv.sites[0]
        )


def test_the_account_page_tells_a_ministry_user_in_dutch_which_token_they_may_make(
    testapp, dbsession, tm
):
    from ..web_session import csrf_token
    from ..world import sign_in

    world = results_data.build(dbsession, tm)
    sign_in(testapp, world.users["ministry"])
    page = testapp.get("/account/tokens")
    assert f'value="intervention:{world.intervention.id}"' in page.text
    form = {
        "name": "rapporten",
        "scope": f"intervention:{world.intervention.id}",
        "permission": "submit",
        "csrf_token": csrf_token(page),
    }
    refused = testapp.post("/account/tokens", form, status=400)
    assert "gepubliceerde rapporten van een hele interventie" in refused.text
    made = testapp.post("/account/tokens", {**form, "permission": "read"}, status=200)
    assert "evs_" in made.text
