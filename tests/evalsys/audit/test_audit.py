"""The audit log: append-only, written for what matters, filtered and exported by admins."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pyramid.request import Request, apply_request_extensions
from pyramid.response import Response

from evalsys import audit
from evalsys.accounts.policy import audited_view
from evalsys.audit.models import AuditEvent

from .. import world as worlds
from ..access_rules import RULES
from ..accounts.test_access_matrix import app_routes, url_for


@pytest.fixture(autouse=True)
def english(testapp):
    testapp.extra_environ["HTTP_ACCEPT_LANGUAGE"] = "en"


def event(dbsession, action, when, **fields) -> AuditEvent:
    row = AuditEvent(action=action, occurred_at=when, **fields)
    dbsession.add(row)
    return row


def test_audit_events_are_never_changed_or_deleted(dbsession):
    row = audit.record(dbsession, "login", target_id="anna")
    dbsession.flush()
    row.action = "logout"
    with pytest.raises(ValueError, match="append-only"):
        dbsession.flush()
    dbsession.rollback()
    row = audit.record(dbsession, "login", target_id="anna")
    dbsession.flush()
    dbsession.delete(row)
    with pytest.raises(ValueError, match="append-only"):
        dbsession.flush()


def test_admin_filters_the_log_by_action_actor_and_date(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    day = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    event(dbsession, "export", day, actor="evaluator-a", target_id="xyz-match")
    event(dbsession, "export", day - dt.timedelta(days=5), actor="evaluator-a", target_id="old")
    event(dbsession, "login", day, actor="evaluator-a", target_id="login-row")
    event(dbsession, "export", day, actor="someone-else", target_id="other-actor")
    worlds.builders.commit(tm)
    worlds.sign_in(testapp, world.users["admin"])
    page = testapp.get(
        "/admin/audit",
        {"action": "export", "actor": "evaluator-a", "since": "2026-03-01", "until": "2026-03-02"},
    )
    assert "xyz-match" in page.text
    for excluded in ("old", "login-row", "other-actor"):
        assert f"> {excluded}<" not in page.text and f" {excluded}</td>" not in page.text
    assert "1 events" in page.text


def test_csv_export_of_the_log_is_itself_audited_and_defuses_formulas(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    when = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    event(dbsession, "login_failed", when, target_id='=HYPERLINK("http://x")', details={"a": 1})
    worlds.builders.commit(tm)
    worlds.sign_in(testapp, world.users["admin"])
    response = testapp.get("/admin/audit.csv", {"action": "login_failed"})
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["target_id"] for row in rows] == ['\'=HYPERLINK("http://x")']
    assert rows[0]["details"] == '{"a": 1}'
    exported = dbsession.query(AuditEvent).filter_by(action="audit_exported").one()
    assert exported.actor == "admin-a" and exported.details["filter"] == {"action": "login_failed"}


def test_logins_token_and_user_changes_are_in_the_log(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    testapp.reset()
    page = testapp.get("/login")
    form = {"username": "coordinator-a", "password": "fout", "csrf_token": ""}
    form["csrf_token"] = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    testapp.post("/login", form, status=400)
    logged = [(e.action, e.target_id, e.client_addr) for e in dbsession.query(AuditEvent)]
    assert ("login", "coordinator-a", "") in [(a, t, "") for a, t, _ in logged]
    assert ("login_failed", "coordinator-a") in [(a, t) for a, t, _ in logged]


class FakeContext:
    def __init__(self, world):
        self.intervention = world.a
        self.site = world.a.sites[0]


class FakeInfo:
    def __init__(self, permission):
        self.options = {"permission": permission}


def blank_request(app, dbsession) -> Request:
    request = Request.blank("/i/a/participants")
    request.registry = app.registry
    request.environ["app.dbsession"] = dbsession
    apply_request_extensions(request)
    return request


def test_every_participant_level_view_is_audited_when_it_answers(app, dbsession, tm):
    world = worlds.build(dbsession, tm)

    def view(context, request):
        return Response("participant rows")

    wrapped = audited_view(view, FakeInfo("view_participants"))
    wrapped(FakeContext(world), blank_request(app, dbsession))
    dbsession.flush()
    row = dbsession.query(AuditEvent).filter_by(action="participant_data_viewed").one()
    assert (row.intervention_id, row.site_id) == (world.a.id, world.a.sites[0].id)
    assert row.details["path"] == "/i/a/participants"

    def failing(context, request):
        return Response("bad request", status=400)

    audited_view(failing, FakeInfo("export"))(FakeContext(world), blank_request(app, dbsession))
    dbsession.flush()
    assert dbsession.query(AuditEvent).filter_by(action="export").count() == 0
    assert audited_view(view, FakeInfo("view")) is view  # other views are left alone


# Routes that answer 409 on this small world (too few responses for a report) and so leave no
# data: audited with a report-sized world in tests/evalsys/api/test_api_downloads.py.
REPORT_SIZED = {"api.current_report", "api.current_report_pdf"}


def participant_level_routes(app) -> list[str]:
    names = set()
    for entry in app.registry.introspector.get_category("views"):
        view = entry["introspectable"]
        methods = view["request_methods"]
        gets = methods is None or "GET" in methods
        permissions = {
            r.discriminator for r in entry["related"] if r.category_name == "permissions"
        }
        if view["route_name"] and gets and permissions & {"view_participants", "export"}:
            names.add(view["route_name"])
    return sorted(names)


def test_real_participant_level_routes_write_an_audit_event(app, testapp, dbsession, tm):
    # a route without a row in access_rules fails the access matrix until it has one
    # Routes whose access rule names a made-up object (a 404 for everyone, as response.history
    # does) are audited with a real one in test_participant_reads.py.
    names = [
        name
        for name in participant_level_routes(app)
        if name in RULES and RULES[name]["admin"].startswith("A") and name not in REPORT_SIZED
    ]
    if not names:
        pytest.skip("no route with a view_participants or export view has an access rule yet")
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["admin"])
    routes = app_routes(app)
    for name in names:
        before = dbsession.query(AuditEvent).count()
        response = testapp.get(url_for(routes[name], world, "admin", "own"), expect_errors=True)
        assert response.status_int < 400, (name, response.status)
        assert dbsession.query(AuditEvent).count() > before, f"{name} was not audited"
