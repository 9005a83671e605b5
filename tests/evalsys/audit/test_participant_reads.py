"""Every read of participant-level data is in the audit log: one table of routes, one check.

The table names each route that answers with participant-level rows (codes, answers, scores,
versions of a response), how to call it, and the event it must leave. A second test makes the
table complete: every GET route whose view needs ``view_participants`` or ``export``, every GET
under ``/api/v1/responses`` and the import's error list must have a row in it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import HeldPaperEntry, Participant
from evalsys.imports.problems import RowError
from evalsys.imports.reports import ErrorReport

from .. import builders
from .. import world as worlds
from ..accounts.test_access_matrix import app_routes, view_methods
from .test_audit import participant_level_routes


@dataclass(frozen=True)
class Read:
    """One route that returns participant-level data: its URL and the event it must write."""

    url: Callable[[dict], str]
    action: str = "participant_data_viewed"
    api: bool = False  # called with the evaluator's API token instead of a signed-in session
    # The one stored response here is too few for a report (the API answers 409, leaving no data):
    # such a route is audited with a report-sized world in the test file named.
    audited_in: str = ""


DOWNLOADS = "tests/evalsys/api/test_api_downloads.py"


def web(path: str, action: str = "participant_data_viewed") -> Read:
    return Read(lambda s: path.format(**s), action)


READS = {
    "api.responses": Read(lambda s: "/api/v1/responses", api=True),
    "api.response": Read(lambda s: f"/api/v1/responses/{s['id']}", api=True),
    "api.response_history": Read(lambda s: f"/api/v1/responses/{s['id']}/history", api=True),
    "site.responses": web("/i/{slug}/sites/{site}/responses"),
    "site.due": web("/i/{slug}/sites/{site}/due"),
    "site.due_file": web("/i/{slug}/sites/{site}/due.csv"),
    "api.site_due": Read(
        lambda s: f"/api/v1/interventions/{s['slug']}/sites/{s['site']}/due", api=True
    ),
    "response.history": web("/i/{slug}/sites/{site}/responses/{id}"),
    "site.paper_held": web("/i/{slug}/sites/{site}/paper/held/{entry}"),  # issue 25
    "site.import_report": web("/i/{slug}/sites/{site}/import/reports/{report}.csv"),
    "intervention.results": web("/i/{slug}/results"),
    "intervention.export": web("/i/{slug}/export.csv_long", "export"),
    "intervention.change_log": web("/i/{slug}/export-changes.csv", "export"),
    "intervention.report_pdf": web("/i/{slug}/report.pdf", "export"),
    "api.export": Read(
        lambda s: f"/api/v1/interventions/{s['slug']}/exports/csv_long", "export", True
    ),
    "api.change_log": Read(
        lambda s: f"/api/v1/interventions/{s['slug']}/change-log", "export", True
    ),
    "api.site_due_file": Read(
        lambda s: f"/api/v1/interventions/{s['slug']}/sites/{s['site']}/due/csv", api=True
    ),
    "api.current_report": Read(lambda s: "", audited_in=DOWNLOADS),
    "api.current_report_pdf": Read(lambda s: "", audited_in=DOWNLOADS),
}
CALLED_HERE = sorted(name for name, read in READS.items() if not read.audited_in)


@pytest.fixture
def stored(app, dbsession, tm) -> dict:
    """A world with one stored response at site A1, an error list there, the evaluator in."""
    world = worlds.build(dbsession, tm)
    a, site = world.a, world.a.sites[0]
    participant = dbsession.query(Participant).filter_by(site_id=site.id).first()
    response = builders.response(dbsession, participant, a.waves[0])
    report = ErrorReport(app.registry.settings, site.id, str, ("row", "column", "value", "x"))
    report.add(RowError(2, "participant_code", participant.code, "a problem"))
    report.close()
    values = {"slug": a.slug, "site": site.slug, "id": response.id, "report": report.report_id}
    values["token"] = world.tokens["evaluator-a"][1]
    values["evaluator"] = world.users["evaluator"]
    held = HeldPaperEntry(
        intervention_id=a.id,
        site_id=site.id,
        wave_id=a.waves[0].id,
        participant_code="HELD1",
        group_name="intervention",
        language="nl",
        answers={},
        submission_id=str(uuid.uuid4()),
    )
    dbsession.add(held)
    dbsession.flush()
    values["entry"] = held.id
    builders.commit(tm)
    return values


def events(dbsession) -> list[tuple[str, str]]:
    dbsession.expire_all()
    return [(e.action, e.actor) for e in dbsession.query(AuditEvent).order_by(AuditEvent.id)]


@pytest.mark.parametrize("route", CALLED_HERE)
def test_a_read_of_participant_level_data_writes_an_audit_event(route, testapp, dbsession, stored):
    read = READS[route]
    headers = {}
    if read.api:
        headers["Authorization"] = f"Bearer {stored['token']}"
    else:
        worlds.sign_in(testapp, stored["evaluator"])
    before = len(events(dbsession))
    answer = testapp.get(read.url(stored), headers=headers)
    assert answer.status_int < 400  # the PDF of a programme too small to report sends on: 303
    new = events(dbsession)[before:]
    assert (read.action, "evaluator-a") in new, (route, new)


def test_a_read_that_finds_nothing_writes_no_event(testapp, dbsession, stored):
    """Outside the scope (404) or nothing to show: no participant-level data left the server."""
    headers = {"Authorization": f"Bearer {stored['token']}"}
    before = len(events(dbsession))
    testapp.get("/api/v1/responses/987654321", headers=headers, status=404)
    testapp.get(f"/api/v1/responses?cursor={stored['id']}", headers=headers, status=200)
    assert events(dbsession)[before:] == []


def test_the_table_names_every_route_that_returns_participant_level_rows(app):
    routes = app_routes(app)
    api_reads = {
        name
        for name, route in routes.items()
        if route.pattern.startswith("/api/v1/responses") and "GET" in view_methods(app, name)
    }
    needed = set(participant_level_routes(app)) | api_reads | {"site.import_report"}
    assert needed - set(READS) == set(), "add these routes to READS"
    assert set(READS) - set(routes) == set(), "READS names routes that no longer exist"
