"""NUL and other control characters in a spreadsheet's cells: a row error, never a 500.

PostgreSQL refuses NUL in text and JSON: before surveys' validation refused control characters
in text answers, a NUL in a text cell reached the database (500). The meta columns (code, wave,
group, language, submission id) were refused by their own rules already; this keeps them so.
The suite runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from evalsys.collection.models import Participant, Response

from ..import_fixtures import login_english as login
from .test_import import count, csv_file, error_rows, row, upload
from .test_import import setup as setup  # noqa: PLC0414 - the fixture, under its name


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("gender_other", "an\x00ders", "hidden control character"),
        ("gender_other", "\x1b[2J", "hidden control character"),
        ("participant_code", "AB\x0012", "A participant code has"),
        ("wave", "T\x000", "does not exist"),
        ("group", "x\x00", "Group must be"),
        ("language", "n\x00l", "Language must be"),
        ("submission_id", "\x00", "must be a UUID"),
    ],
)
def test_a_control_character_in_a_cell_is_a_row_error_and_stores_nothing(
    testapp, setup, dbsession, column, value, problem
):
    login(testapp)
    page = upload(testapp, setup, csv_file([row("P1"), {**row("P2"), column: value}]), status=400)
    [(number, field, _shown, text)] = error_rows(page)
    assert (number, field) == ("3", column) and problem in text
    assert count(dbsession, Response) == 0 and count(dbsession, Participant) == 0
    report = page.html.find("a", string="Download the list of problems (CSV)")["href"]
    assert testapp.get(report).status_int == 200


def test_a_text_cell_with_line_breaks_and_tabs_is_stored(testapp, setup, dbsession):
    login(testapp)
    upload(testapp, setup, csv_file([row("P1", gender_other="twee\nregels\tmet tab")]))
    dbsession.expire_all()
    assert dbsession.query(Response).one().answers["gender_other"] == "twee\nregels\tmet tab"
