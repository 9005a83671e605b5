"""Import into rounds that take only issued codes: every row's code must be issued here."""

from __future__ import annotations

import pytest

from evalsys.collection import issued_codes
from evalsys.collection.models import Participant, Response
from evalsys.programme.models import Intervention

from .. import builders
from ..import_fixtures import login_english as login
from ..import_fixtures import make_setup
from .test_import import count, csv_file, error_rows, row, upload


@pytest.fixture
def setup(dbsession, tm):
    setup = make_setup(dbsession, tm)
    iv = dbsession.get(Intervention, setup.intervention.id)
    for wave in iv.waves:
        wave.settings = {"participant_code": "issued"}
    here = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[0], 2)]
    there = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[1], 1)]
    builders.commit(tm)
    return setup, here, there


def test_only_codes_issued_for_the_site_are_imported(testapp, setup, dbsession):
    setup, here, there = setup
    login(testapp)
    typo = here[1][:-1] + ("X" if here[1][-1] != "X" else "Y")
    body = csv_file([row(here[0].lower().replace("-", "")), row(typo), row(there[0])])
    page = upload(testapp, setup, body, status=400)
    assert "Nothing was stored. Problems: 2." in page.text
    problems = error_rows(page)
    assert [p[:3] for p in problems] == [
        ["3", "participant_code", typo],
        ["4", "participant_code", there[0]],
    ]
    assert "mistyped or missing" in problems[0][3]
    assert "was not issued for this site" in problems[1][3]
    assert count(dbsession, Response) == 0

    page = upload(testapp, setup, csv_file([row(here[0].lower()), row(here[1])]))
    assert "Stored: 2 responses" in page.text
    assert {p.code for p in dbsession.query(Participant)} == set(here)  # as printed


def test_paper_entry_takes_only_codes_issued_for_the_site(testapp, setup, dbsession):
    from ..collection.test_paper import form_page, type_in

    setup, here, there = setup
    login(testapp)
    typo = here[0][:-1] + ("X" if here[0][-1] != "X" else "Y")
    for typed, message in ((typo, "mistyped or missing"), (there[0], "not issued for this site")):
        refused = type_in(form_page(testapp, setup), typed).submit(status=400)
        assert message in refused.text
    saved = type_in(form_page(testapp, setup), here[0].lower()).submit()
    assert here[0] in saved.text
    assert [p.code for p in dbsession.query(Participant)] == [here[0]]
