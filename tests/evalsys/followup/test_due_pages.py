"""Due lists through the web and the API: the rows, the counts, the files, the warning."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from evalsys.audit.models import AuditEvent

from ..world import sign_in
from . import due_data

NEEDS_ACTION = ["A-OVERDUE", "A-OPEN", "A-SOON", "A-MISSED"]  # overdue first, then by opening


@pytest.fixture
def world(dbsession, tm):
    return due_data.build(dbsession, tm)


def url(world, tail=""):
    return f"/i/{world.intervention.slug}/sites/site-a/due{tail}"


def codes_in(text: str) -> list[str]:
    return [code for code in due_data.SITE_A if f'<th scope="row">{code}</th>' in text]


def test_the_coordinator_sees_who_is_due_overdue_first(testapp, world, dbsession):
    sign_in(testapp, world.users["coordinator"])
    page = testapp.get(url(world))
    listed = [c for c in page.text.split('<th scope="row">')[1:]]
    assert [row.split("<")[0] for row in listed] == NEEDS_ACTION
    assert "B-DONE-1" not in page.text  # another site's participants
    assert "status-overdue" in page.text and "status-missed" in page.text
    later = testapp.get(url(world), {"status": "later"})
    assert codes_in(later.text) == ["A-LATER"]
    viewed = dbsession.query(AuditEvent).filter_by(action="participant_data_viewed").all()
    assert [(e.actor, e.details["path"]) for e in viewed] == [("coordinator-due", url(world))] * 2


def test_the_files_hold_the_same_rows(testapp, world):
    sign_in(testapp, world.users["coordinator"])
    download = testapp.get(url(world, ".csv"))
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.body.decode("utf-8-sig"))))
    assert [r["participant"] for r in rows] == NEEDS_ACTION
    overdue = rows[0]
    assert (overdue["last_round"], overdue["next_round"]) == ("T0", "T1")
    assert overdue["last_answered_on"] == due_data.day(-80).date().isoformat()
    assert overdue["opens_on"] == due_data.day(-24).date().isoformat()
    assert overdue["closes_on"] == due_data.day(4).date().isoformat()
    assert overdue["status"] == "Te laat"  # the page's language
    book = load_workbook(io.BytesIO(testapp.get(url(world, ".xlsx")).body))
    assert [r[0] for r in book["due"].values][1:] == NEEDS_ACTION
    pdf = PdfReader(io.BytesIO(testapp.get(url(world, ".pdf")).body))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert all(code in text for code in NEEDS_ACTION) and "A-LATER" not in text
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape, points


def test_the_api_gives_the_same_list(testapp, world):
    sign_in(testapp, world.users["coordinator"])
    slug = world.intervention.slug
    body = testapp.get(f"/api/v1/interventions/{slug}/sites/site-a/due").json
    assert [i["participant_code"] for i in body["items"]] == NEEDS_ACTION
    assert body["counts"] == {
        "overdue": 1,
        "open": 1,
        "due_soon": 1,
        "later": 1,
        "missed": 1,
        "done": 1,
    }
    assert {i["participant_code"]: i["status"] for i in body["items"]} == {
        c: due_data.STATUS[c] for c in NEEDS_ACTION
    }
    refused = testapp.get(
        f"/api/v1/interventions/{slug}/sites/site-a/due", {"status": "soon"}, status=422
    )
    assert refused.json["details"][0]["field"] == "status"


def test_the_dashboards_count_and_the_overview_marks_the_site_that_falls_behind(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    slug = world.intervention.slug
    site = testapp.get(f"/i/{slug}/sites/site-a")
    counts = site.text.split('id="due-counts">')[1].split("<a")[0]
    assert [int(n) for n in counts.split() if n.isdigit()] == [1, 1, 1, 1]
    overview = testapp.get(f"/i/{slug}")
    assert 'id="due-counts"' in overview.text and f"/i/{slug}/follow-up" in overview.text
    follow_up = testapp.get(f"/i/{slug}/follow-up")
    rows = follow_up.text.split("<caption>")[2].split("<tr")[2:]
    # T1 opened for 4 at site A (overdue, open, missed, done), answered by 1: 25%; site B 2 of
    # 2; all sites 3 of 6 = 50%, so site A is 25 points below and marked
    cells = {r.split('<th scope="row">')[1].split("<")[0]: r for r in rows}
    assert "25%" in cells["Site A"] and 'class="behind"' in cells["Site A"]
    assert "100%" in cells["Site B"] and "behind" not in cells["Site B"]
    assert "50%" in cells["Alle locaties"]
