"""Spreadsheet import with conditions, missing-data codes and blanks: the rules of paper entry."""

from __future__ import annotations

import csv
import io

import pytest

from evalsys.accounts.models import Membership, User
from evalsys.collection.models import Participant, Response, Score

from .. import builders, conditional_forms
from ..conditional_forms import BRS
from ..import_fixtures import Setup, password_hash
from ..import_fixtures import login_english as login
from ..web_session import csrf_token

META = ["participant_code", "wave", "group", "language", "submission_id"]
DEMOGRAPHICS = ["age_band", "gender", "gender_other", "born_in_nl"]
ITEMS = ["sport", "sport_hours", "club_member", "club_name", "team", *BRS]
HEADER = [*META, *DEMOGRAPHICS, *ITEMS]


@pytest.fixture
def setup(dbsession, tm):
    iv = conditional_forms.intervention(dbsession)
    user = User(username="coco", role="coordinator", password_hash=password_hash())
    dbsession.add(user)
    dbsession.flush()
    dbsession.add(Membership(user_id=user.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    setup = Setup(iv, iv.slug, iv.sites[0].slug, iv.sites[1].slug)
    builders.commit(tm)
    return setup


def csv_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in HEADER])
    return out.getvalue().encode("utf-8")


def row(code: str, **answers) -> dict:
    return {"participant_code": code, "wave": "T0", **BRS, **answers}


def upload(testapp, setup, body: bytes, status=200):
    page = testapp.get(f"{setup.base}/import")
    return testapp.post(
        f"{setup.base}/import",
        {"csrf_token": csrf_token(page)},
        upload_files=[("file", "antwoorden.csv", body)],
        status=status,
    )


def error_rows(page) -> list[list[str]]:
    return [
        [c.get_text(strip=True) for c in tr.find_all("td")] for tr in page.html.select("tbody tr")
    ]


def stored(dbsession) -> dict[str, dict]:
    dbsession.expire_all()
    return {r.participant.code: r.answers for r in dbsession.query(Response)}


def test_blanks_missing_codes_and_skipped_questions_import(testapp, setup, dbsession):
    login(testapp)
    rows = [
        row("SPORT-1", sport=1, sport_hours=3, club_member=1, club_name="HC Zuid", team=3),
        row("SPORT-2", sport=1, sport_hours=99, club_member=0, team=9),  # missing-data codes
        row("NONE-1", sport=0),  # the group and the team page do not apply
        row("BLANK-1", sport=1, club_member=0, brs_3=""),  # required, left blank on paper
    ]
    page = upload(testapp, setup, csv_file(rows))
    assert "Stored: 4 responses." in page.text
    answers = stored(dbsession)
    assert answers["SPORT-2"]["sport_hours"] == 99 and answers["SPORT-2"]["team"] == 9
    assert answers["NONE-1"] == {"sport": 0, **BRS}
    assert "brs_3" not in answers["BLANK-1"] and "sport_hours" not in answers["BLANK-1"]
    # The BRS of the row with a blank is scored from the five items answered.
    brs = {
        s.response.participant.code: s.items_answered
        for s in dbsession.query(Score).filter_by(scale="brs")
    }
    assert brs["BLANK-1"] == 5 and brs["SPORT-1"] == 6


def test_an_answer_to_a_question_that_does_not_apply_is_a_row_problem(testapp, setup, dbsession):
    login(testapp)
    rows = [row("OK-1", sport=0), row("BAD-1", sport=0, sport_hours=4, team=2)]
    page = upload(testapp, setup, csv_file(rows), status=400)
    problems = error_rows(page)
    assert [p[:3] for p in problems] == [["3", "sport_hours", "4"], ["3", "team", "2"]]
    assert problems[0][3] == (
        "This question does not apply to this row, because of an earlier answer: it is asked "
        "only when ${sport} = 1. Leave the cell empty, or check the earlier answer."
    )
    assert "${sport} = 1" in problems[1][3]
    dbsession.expire_all()
    assert dbsession.query(Response).count() == 0
    assert dbsession.query(Participant).count() == 0  # all or nothing
