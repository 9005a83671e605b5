"""Jobs through the API: start an export, report or evaluate job, poll its progress to the end,
fetch its result; only the token's own user sees a job; cancelling; refusals.

The suite runs jobs inline, right after the request that started them commits (testing.ini);
the last test runs them in the worker thread of a served app, as ``make run`` does on SQLite.
"""

from __future__ import annotations

import io
import time

import pytest
import webtest
from pypdf import PdfReader

from evalsys.audit.models import AuditEvent
from evalsys.jobs.models import Job

from .. import builders, results_data
from ..api_client import ApiClient, make_token, member
from ..jobs.test_running import thread_app  # noqa: F401 - the fixture
from ..world import make_user, tm_session
from .download_client import csv_rows, dated, fetch, file_name

RESPONSES = 2 * sum(results_data.SITES.values())


class JobWorld:
    def __init__(self, dbsession, tm):
        self.world = results_data.build(dbsession, tm)
        iv, users = self.world.intervention, self.world.users
        self.iv, self.slug = iv, iv.slug
        noord = next(s for s in iv.sites if s.slug == "noord")
        self.evaluator = make_token(dbsession, users["evaluator"], iv, permission="read")
        self.submit = make_token(dbsession, users["evaluator"], iv, permission="submit")
        self.coordinator = make_token(
            dbsession, users["coordinator"], iv, permission="read", site=noord
        )
        self.ministry = make_token(dbsession, users["ministry"], iv, permission="read")
        colleague = make_user(dbsession, "evaluator-colleague", "evaluator")
        member(dbsession, colleague, iv)
        self.colleague = make_token(dbsession, colleague, iv, permission="read")
        builders.commit(tm)


@pytest.fixture
def jobs(dbsession, tm):
    return JobWorld(dbsession, tm)


def start(testapp, token, slug, body, status=202):
    return ApiClient(testapp, token).post(f"/interventions/{slug}/jobs", body, status=status)


def poll(testapp, token, job_id: int, seconds: float = 30) -> dict:
    api, end = ApiClient(testapp, token), time.monotonic() + seconds
    while time.monotonic() < end:
        job = api.get(f"/jobs/{job_id}").json
        if job["finished"]:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s")


def test_an_export_job_is_started_polled_to_done_and_its_file_fetched(testapp, jobs, dbsession):
    started = start(testapp, jobs.evaluator, jobs.slug, {"kind": "export", "format": "csv_long"})
    job = started.json
    assert started.location.endswith(f"/api/v1/jobs/{job['id']}")
    assert (job["kind"], job["intervention"], job["state"]) == ("export", jobs.slug, "queued")
    done = poll(testapp, jobs.evaluator, job["id"])
    assert (done["state"], done["done"], done["total"], done["percent"]) == (
        "done",
        RESPONSES,
        RESPONSES,
        100,
    )
    assert done["error"] is None and done["result"].endswith(f"/api/v1/jobs/{job['id']}/result")
    result = fetch(testapp, f"/jobs/{job['id']}/result", jobs.evaluator)
    assert dated(file_name(result), jobs.slug, "csv-long.csv")  # the web job's name
    assert len(csv_rows(result)) == RESPONSES
    dbsession.expire_all()
    (downloaded,) = dbsession.query(AuditEvent).filter_by(action="job_result_downloaded").all()
    assert downloaded.target_id == str(job["id"]) and downloaded.details["api_token_id"]
    exported = dbsession.query(AuditEvent).filter_by(action="export").all()
    assert [e.details["kind"] for e in exported] == ["export"]  # starting it, as on the web
    listed = ApiClient(testapp, jobs.evaluator).get("/jobs").json["items"]
    assert [j["id"] for j in listed] == [job["id"]]
    here = ApiClient(testapp, jobs.evaluator).get(f"/interventions/{jobs.slug}/jobs").json
    assert [j["id"] for j in here["items"]] == [job["id"]]


def test_an_export_job_writes_the_chosen_csv_style(testapp, jobs):
    body = {"kind": "export", "format": "csv_wide", "csv_style": "international"}
    job = start(testapp, jobs.evaluator, jobs.slug, body).json
    assert poll(testapp, jobs.evaluator, job["id"])["state"] == "done"
    result = fetch(testapp, f"/jobs/{job['id']}/result", jobs.evaluator)
    assert result.body.decode("utf-8-sig").startswith("participant_code,site,group,")
    assert dated(file_name(result), jobs.slug, "csv-wide.csv")
    assert len(csv_rows(result, ",")) == RESPONSES // 2


def test_a_report_job_leaves_the_pdf(testapp, jobs):
    job = start(testapp, jobs.evaluator, jobs.slug, {"kind": "report", "language": "en"}).json
    assert poll(testapp, jobs.evaluator, job["id"])["state"] == "done"
    result = fetch(testapp, f"/jobs/{job['id']}/result", jobs.evaluator)
    assert result.content_type == "application/pdf" and file_name(result).endswith("-en.pdf")
    assert len(PdfReader(io.BytesIO(result.body)).pages) >= 1


def test_an_evaluate_job_gives_the_disclosed_figures_as_json(testapp, jobs, dbsession):
    job = start(testapp, jobs.evaluator, jobs.slug, {"kind": "evaluate"}).json
    poll(testapp, jobs.evaluator, job["id"])
    result = ApiClient(testapp, jobs.evaluator).get(f"/jobs/{job['id']}/result").json
    assert result["intervention"] == jobs.slug
    assert result["result"]["n_participants"] == sum(results_data.SITES.values())
    sites = result["result"]["tables"]["site_effects"]
    assert {r["n"] for r in sites if r["site"] == "klein"} == {None}  # suppressed, as published
    dbsession.expire_all()
    viewed = dbsession.query(AuditEvent).filter_by(action="participant_data_viewed").all()
    assert [e.details["kind"] for e in viewed] == ["evaluate"]


def test_large_data_goes_through_a_job_the_direct_route_points_to(testapp, jobs, app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "evalsys.results.page_max_responses", "50")
    api = ApiClient(testapp, jobs.evaluator)
    assert "/jobs" in api.get(f"/interventions/{jobs.slug}/report/pdf", status=409).json["message"]
    job = start(testapp, jobs.evaluator, jobs.slug, {"kind": "report"}).json
    assert poll(testapp, jobs.evaluator, job["id"])["state"] == "done"
    assert fetch(testapp, f"/jobs/{job['id']}/result", jobs.evaluator).body.startswith(b"%PDF")


def test_only_the_tokens_own_user_sees_a_job(testapp, jobs):
    job = start(testapp, jobs.evaluator, jobs.slug, {"kind": "export", "format": "xlsx"}).json
    poll(testapp, jobs.evaluator, job["id"])
    colleague = ApiClient(testapp, jobs.colleague)
    for path in (f"/jobs/{job['id']}", f"/jobs/{job['id']}/result"):
        assert colleague.get(path, status=404).json["error"] == "not_found"
    colleague.post(f"/jobs/{job['id']}/cancel", status=404)
    assert colleague.get("/jobs").json["items"] == []
    ApiClient(testapp, jobs.evaluator).get("/jobs/999999999", status=404)


@pytest.mark.parametrize("who", ["coordinator", "ministry", "submit"])
def test_tokens_that_may_not_read_the_whole_intervention_start_no_job(testapp, jobs, who):
    for body in ({"kind": "export", "format": "csv_long"}, {"kind": "evaluate"}):
        error = start(testapp, getattr(jobs, who), jobs.slug, body, status=403).json
        assert error["error"] == "forbidden"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "export"}, "format"),
        ({"kind": "report", "format": "sav"}, "format"),
        ({"kind": "export", "format": "sav", "changes": True}, "changes"),
        ({"kind": "export", "format": "sav", "csv_style": "excel_nl"}, "csv_style"),
        ({"kind": "report", "csv_style": "excel_nl"}, "csv_style"),
        ({"kind": "export", "format": "csv_long", "csv_style": "tabs"}, "csv_style"),
        ({"kind": "retention"}, "kind"),
    ],
)
def test_a_wrong_job_is_422_naming_the_field(testapp, jobs, body, field, dbsession):
    # the document lists the kinds and the styles
    conforms = body["kind"] != "retention" and body.get("csv_style") != "tabs"
    error = ApiClient(testapp, jobs.evaluator).post(
        f"/interventions/{jobs.slug}/jobs", body, status=422, conforms=conforms
    )
    assert [d["field"] for d in error.json["details"]] == [field]
    dbsession.expire_all()
    assert dbsession.query(Job).count() == 0  # nothing half-started


def test_a_queued_job_can_be_cancelled_and_a_finished_one_stays(testapp, jobs, dbsession, tm):
    waiting = Job(kind="export", user_id=jobs.world.users["evaluator"].id, params={})
    waiting.intervention_id = jobs.iv.id
    dbsession.add(waiting)
    dbsession.flush()
    waiting_id = waiting.id
    builders.commit(tm)
    api = ApiClient(testapp, jobs.evaluator)
    result = api.get(f"/jobs/{waiting_id}/result", status=409).json
    assert "has not finished" in result["message"]
    asked = api.post(f"/jobs/{waiting_id}/cancel", status=202).json
    assert asked["cancelling"] or asked["state"] == "cancelled"
    done = start(testapp, jobs.evaluator, jobs.slug, {"kind": "evaluate"}).json
    poll(testapp, jobs.evaluator, done["id"])
    assert api.post(f"/jobs/{done['id']}/cancel", status=200).json["state"] == "done"


def test_a_session_cancels_only_with_a_json_content_type(testapp, jobs):
    from ..world import sign_in

    job = start(testapp, jobs.evaluator, jobs.slug, {"kind": "evaluate"}).json
    sign_in(testapp, jobs.world.users["evaluator"])
    # a cross-site form would send its cookie, never this content type
    refused = testapp.post(f"/api/v1/jobs/{job['id']}/cancel", {"x": "1"}, status=415)
    assert refused.json["error"] == "unsupported_media_type"
    ApiClient(testapp).post(f"/jobs/{job['id']}/cancel", {}, status=200, token=None)


def test_in_the_worker_thread_a_job_is_polled_from_queued_to_its_result(thread_app):  # noqa: F811
    tm, session = tm_session(thread_app)
    iv = builders.intervention(session)
    evaluator = make_user(session, "evaluator-thread", "evaluator")
    member(session, evaluator, iv)
    for n in range(3):
        builders.response(session, builders.participant(session, iv, f"TH{n}"), iv.waves[0])
    token = make_token(session, evaluator, iv, permission="read")
    slug = iv.slug
    tm.commit()
    served = webtest.TestApp(thread_app, extra_environ={"HTTP_HOST": "localhost"})
    body = {"kind": "export", "format": "csv_long"}
    job = start(served, token, slug, body).json
    done = poll(served, token, job["id"])
    assert (done["state"], done["done"]) == ("done", 3)
    rows = csv_rows(fetch(served, f"/jobs/{job['id']}/result", token))
    assert sorted(r["participant_code"] for r in rows) == ["TH0", "TH1", "TH2"]
