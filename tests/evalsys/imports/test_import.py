"""Spreadsheet import through the real stack: templates, all-or-nothing, re-upload, every error."""

from __future__ import annotations

import csv
import io
import uuid

import openpyxl
import pytest

from evalsys.accounts.models import User
from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Participant, Response, Score
from evalsys.collection.submissions import Submission, submit
from evalsys.imports.checking import SUBMISSION_NAMESPACE, derived_submission_id
from evalsys.imports.importer import Importer
from evalsys.imports.problems import RowError
from evalsys.imports.spreadsheets import open_table

from ..import_fixtures import ANSWERS, make_setup
from ..import_fixtures import login_english as login
from ..web_session import csrf_token

META = ["participant_code", "wave", "group", "language", "submission_id"]
ITEMS = [*ANSWERS]
FULL = [*META, "age_band", "gender", "gender_other", "born_in_nl", *ITEMS]
CSV_TYPE = "text/csv"


@pytest.fixture
def setup(dbsession, tm):
    return make_setup(dbsession, tm)


def row(code: str, wave: str = "T0", group: str = "intervention", **answers) -> dict:
    return {"participant_code": code, "wave": wave, "group": group, **ANSWERS, **answers}


def csv_file(rows: list[dict], delimiter: str = ";", bom: bool = True, header=None) -> bytes:
    header = header or FULL
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_file(rows: list[dict], header=None) -> bytes:
    header = header or FULL
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(c) for c in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(testapp, setup, body: bytes, filename: str = "antwoorden.csv", status=200):
    page = testapp.get(f"{setup.base}/import")
    return testapp.post(
        f"{setup.base}/import",
        {"csrf_token": csrf_token(page)},
        upload_files=[("file", filename, body)],
        status=status,
    )


def error_rows(page) -> list[list[str]]:
    return [
        [c.get_text(strip=True) for c in tr.find_all("td")] for tr in page.html.select("tbody tr")
    ]


def count(dbsession, model) -> int:
    dbsession.expire_all()
    return dbsession.query(model).count()


# -- templates ------------------------------------------------------------------------------


def test_csv_template_has_the_meta_columns_then_every_item_demographics_first(testapp, setup):
    login(testapp)
    response = testapp.get(f"/i/{setup.slug}/import-template.csv")
    assert response.content_type == CSV_TYPE
    assert "attachment" in response.headers["Content-Disposition"]
    header = response.body.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:5] == META
    assert header[5:9] == ["age_band", "gender", "gender_other", "born_in_nl"]
    assert header[9:] == ITEMS


def test_xlsx_template_has_a_codebook_with_values_and_labels(testapp, setup):
    login(testapp)
    response = testapp.get(f"/i/{setup.slug}/import-template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.body))
    assert book.sheetnames == ["responses", "codebook"]
    codebook = {r[0]: r for r in book["codebook"].iter_rows(min_row=2, values_only=True)}
    assert codebook["wave"][5] == "T0, T1"
    brs_2 = codebook["brs_2"]
    assert brs_2[1] == "brs" and brs_2[4] == "likert" and brs_2[6] == "yes"
    assert brs_2[5].startswith("1 = ") and "5 = " in brs_2[5]
    assert codebook["gender_other"][6] == "no"


def test_the_dutch_template_speaks_dutch_and_its_group_words_import(testapp, setup, dbsession):
    """The codebook of the Dutch template is Dutch; a row filled with its drop-down words
    (interventie, vergelijking) imports."""
    login(testapp)
    testapp.get("/language/nl")
    template = testapp.get(f"/i/{setup.slug}/import-template.xlsx").body
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["antwoorden", "codeboek"]
    sheet = book["codeboek"]
    assert [c.value for c in sheet[1]][:2] == ["vraag", "vragenlijst"]
    codebook = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert codebook["group"][5] == "interventie | vergelijking"
    assert codebook["brs_2"][4] == "schaal" and codebook["brs_2"][6] == "ja"
    assert codebook["gender_other"][5].startswith("tekst, hoogstens")
    answers = book["antwoorden"]
    header = [c.value for c in answers[1]]
    answers.append([row("NL-1", group="vergelijking").get(c) for c in header])
    filled = io.BytesIO()
    book.save(filled)
    page = upload(testapp, setup, filled.getvalue(), "ingevuld.xlsx")
    assert "Opgeslagen" in page.text or "opgeslagen" in page.text
    stored = dbsession.query(Participant).filter_by(code="NL-1").one()
    assert stored.group_name == "comparison"


def test_template_round_trip_xlsx(testapp, setup, dbsession):
    login(testapp)
    template = testapp.get(f"/i/{setup.slug}/import-template.xlsx").body
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["responses"]
    header = [c.value for c in sheet[1]]
    for code in ("RT-1", "RT-2"):
        r = row(code, age_band=3, gender_other="anders")
        sheet.append([r.get(c) for c in header])
    filled = io.BytesIO()
    book.save(filled)
    page = upload(testapp, setup, filled.getvalue(), "ingevuld.xlsx")
    assert "Stored: 2 responses. Already stored before: 0." in page.text
    stored = dbsession.query(Response).order_by(Response.id).all()
    assert [r.participant.code for r in stored] == ["RT-1", "RT-2"]
    assert {r.mode for r in stored} == {"import"}
    assert stored[0].answers["age_band"] == 3 and stored[0].answers["gender_other"] == "anders"
    coordinator = dbsession.query(User).filter_by(username="coco").one()
    assert stored[0].submitted_by_id == coordinator.id
    assert dbsession.query(AuditEvent).filter_by(action="responses_imported").count() == 1


def test_template_round_trip_csv(testapp, setup, dbsession):
    login(testapp)
    template = testapp.get(f"/i/{setup.slug}/import-template.csv").body.decode("utf-8-sig")
    header = template.splitlines()[0].split(";")
    body = csv_file([row("CSV-1", born_in_nl=1)], header=header)
    page = upload(testapp, setup, body)
    assert "Stored: 1 responses" in page.text
    assert dbsession.query(Response).one().answers["born_in_nl"] == 1


# -- storing --------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter,bom", [(";", True), (",", False), ("\t", True)])
def test_csv_with_either_delimiter_and_with_or_without_bom(
    testapp, setup, dbsession, delimiter, bom
):
    login(testapp)
    page = upload(testapp, setup, csv_file([row("D1"), row("D2")], delimiter, bom))
    assert "Stored: 2 responses" in page.text
    assert count(dbsession, Response) == 2
    assert count(dbsession, Score) == 4  # brs and gse per response


def test_uploading_the_same_file_again_stores_nothing_new(testapp, setup, dbsession):
    login(testapp)
    body = xlsx_file([row("R1"), row("R2"), row("R1", "T1")])
    assert "Stored: 3 responses. Already stored before: 0." in upload(
        testapp, setup, body, "a.xlsx"
    )
    again = upload(testapp, setup, body, "a.xlsx")
    assert "Stored: 0 responses. Already stored before: 3." in again.text
    assert count(dbsession, Response) == 3
    assert count(dbsession, Participant) == 2


def test_a_file_with_one_new_row_stores_only_that_row(testapp, setup, dbsession):
    login(testapp)
    upload(testapp, setup, csv_file([row("N1")]))
    page = upload(testapp, setup, csv_file([row("N1"), row("N2")]))
    assert "Stored: 1 responses. Already stored before: 1." in page.text
    assert count(dbsession, Response) == 2


def test_given_submission_ids_are_used_and_make_re_upload_idempotent(testapp, setup, dbsession):
    login(testapp)
    sid = str(uuid.uuid4())
    body = csv_file([row("S1", submission_id=sid.upper())])
    upload(testapp, setup, body)
    assert dbsession.query(Response).one().submission_id == sid
    assert "Already stored before: 1." in upload(testapp, setup, body)


def test_a_row_already_sent_through_the_web_with_that_submission_id_counts_as_stored(
    testapp, setup, dbsession, tm
):
    sid = str(uuid.uuid4())
    iv = setup.intervention
    submit(
        dbsession,
        Submission(sid, iv, iv.sites[0], iv.waves[0], "W1", dict(ANSWERS)),
    )
    tm.commit()
    tm.begin()
    login(testapp)
    page = upload(testapp, setup, csv_file([row("W1", submission_id=sid)]))
    assert "Stored: 0 responses. Already stored before: 1." in page.text


def test_imported_row_equals_the_same_answers_submitted(dbsession, setup, tmp_path):
    """The bulk path stores exactly what submit() stores: answers, scores, flags, versions."""
    iv = setup.intervention
    # All 3s: straight-lining, and the reversed BRS items contradict the others.
    answers = {**{k: 3 for k in ANSWERS}, "age_band": 4, "gender_other": "x"}
    path = tmp_path / "one.csv"
    path.write_bytes(csv_file([row("EQ-1", language="en", **answers)], header=FULL))
    table = open_table(path, "csv")
    result = Importer(dbsession, iv, iv.sites[0]).run(table, pytest.fail)
    assert (result.rows, result.stored, result.errors) == (1, 1, 0)
    submitted = submit(
        dbsession,
        Submission(str(uuid.uuid4()), iv, iv.sites[0], iv.waves[0], "EQ-2", answers, language="en"),
    ).response
    dbsession.expire_all()
    imported = dbsession.query(Response).filter_by(mode="import").one()
    submitted = dbsession.get(Response, submitted.id)
    assert imported.answers == submitted.answers
    assert imported.instruments == submitted.instruments
    assert imported.quality_flags == submitted.quality_flags
    assert "brs:straight_lining" in imported.quality_flags
    assert imported.language == "en" and imported.questionnaire_id == submitted.questionnaire_id

    def scores(response):
        return sorted(
            (s.instrument_key, s.scale, s.items_answered, s.band) for s in response.scores
        )

    assert scores(imported) == scores(submitted)
    for a, b in zip(
        sorted(imported.scores, key=lambda s: s.scale),
        sorted(submitted.scores, key=lambda s: s.scale),
        strict=True,
    ):
        assert a.value == pytest.approx(b.value)


def test_derived_submission_id_is_stable_and_differs_per_wave(dbsession, setup):
    iv = setup.intervention
    first = derived_submission_id(iv.id, iv.sites[0].id, iv.waves[0].id, "AB12")
    assert first == derived_submission_id(iv.id, iv.sites[0].id, iv.waves[0].id, "AB12")
    assert first != derived_submission_id(iv.id, iv.sites[0].id, iv.waves[1].id, "AB12")
    assert uuid.UUID(first).version == 5
    name = f"{iv.id}:{iv.sites[0].id}:{iv.waves[0].id}:AB12"
    assert first == str(uuid.uuid5(SUBMISSION_NAMESPACE, name))


def test_import_reads_in_chunks_and_still_checks_duplicates_across_chunks(
    dbsession, setup, tmp_path
):
    iv = setup.intervention
    rows = [row(f"C{i}") for i in range(7)] + [row("C1")]
    path = tmp_path / "chunks.csv"
    path.write_bytes(csv_file(rows))
    problems = []
    result = Importer(dbsession, iv, iv.sites[0], chunk_rows=3).run(
        open_table(path, "csv"), problems.append
    )
    assert result.rows == 8 and result.stored == 0
    assert [(p.row, p.column) for p in problems] == [(9, "participant_code")]
    assert count(dbsession, Response) == 0


# -- all or nothing, the error report -------------------------------------------------------


def test_one_bad_row_stores_nothing_and_lists_row_column_value_problem(testapp, setup, dbsession):
    login(testapp)
    body = csv_file([row("A1"), row("A2", brs_2=9), row("A3")])
    page = upload(testapp, setup, body, status=400)
    assert "Nothing was stored. Problems: 1. Rows checked: 3." in page.text
    assert error_rows(page) == [
        ["3", "brs_2", "9", "This is not one of the answers you can choose."]
    ]
    assert count(dbsession, Response) == 0
    assert count(dbsession, Participant) == 0
    report = testapp.get(page.html.find("a", string="Download the list of problems (CSV)")["href"])
    assert report.content_type == CSV_TYPE
    lines = list(csv.reader(io.StringIO(report.body.decode("utf-8-sig")), delimiter=";"))
    assert lines == [["row", "column", "value", "problem"], error_rows(page)[0]]


def test_the_report_is_in_the_users_language(testapp, setup):
    login(testapp)
    testapp.get("/language/nl")
    page = upload(testapp, setup, csv_file([row("A2", brs_2=9)]), status=400)
    assert error_rows(page)[0][3] == "Dit is geen antwoord dat je kunt kiezen."


def test_the_report_is_only_for_coordinators_of_that_site(testapp, setup):
    login(testapp)
    page = upload(testapp, setup, csv_file([row("A2", brs_2=9)]), status=400)
    href = page.html.find("a", string="Download the list of problems (CSV)")["href"]
    other_site = href.replace(f"/sites/{setup.own}/", f"/sites/{setup.other}/")
    testapp.get("/logout", status="*")
    testapp.reset()
    login(testapp, "bea")
    testapp.get(href, status=404)
    testapp.get(other_site, status=404)  # reports are kept per site
    testapp.get(f"{setup.base}/import/reports/not-a-report-id-at-all-xx.csv", status=404)


def test_unknown_report_id_is_404(testapp, setup):
    login(testapp)
    testapp.get(f"{setup.base}/import/reports/abcdefghijklmnopqrstuvwxyz.csv", status=404)


ROW_ERRORS = [
    (row("E1", wave="T9"), "wave", "T9", "Round T9 does not exist. Use one of: T0, T1."),
    (row("E1", wave=""), "wave", "", "Round - does not exist. Use one of: T0, T1."),
    (
        row("E1", group="controle"),
        "group",
        "controle",
        "Group must be intervention or comparison (interventie or vergelijking).",
    ),
    (row("E1", language="fr"), "language", "fr", "Language must be one of: en, nl."),
    (row(""), "participant_code", "", "Fill in the participant code."),
    (row("A B!"), "participant_code", "A B!", "A participant code has 2 to 63 letters"),
    (row("E1", submission_id="123"), "submission_id", "123", "must be a UUID"),
    (row("E1", brs_1="veel"), "brs_1", "veel", "Please choose one of the answers."),
    (row("E1", gse_3=7), "gse_3", "7", "not one of the answers you can choose"),
    (row("E1", age_band=2.5), "age_band", "2.5", "Please choose one of the answers."),
]


@pytest.mark.parametrize("bad,column,value,problem", ROW_ERRORS)
def test_each_row_error_names_row_column_value_and_problem(
    testapp, setup, dbsession, bad, column, value, problem
):
    login(testapp)
    page = upload(testapp, setup, csv_file([row("OK-1"), bad]), status=400)
    errors = error_rows(page)
    assert len(errors) == 1, errors
    assert errors[0][:3] == ["3", column, value]
    assert problem.lower() in errors[0][3].lower()
    assert count(dbsession, Response) == 0


def test_site_column_must_match_the_site_uploaded_to(testapp, setup):
    login(testapp)
    header = [*META, "site", *ITEMS]
    body = csv_file([row("S1", site=setup.own), row("S2", site=setup.other)], header=header)
    errors = error_rows(upload(testapp, setup, body, status=400))
    assert [e[:3] for e in errors] == [["3", "site", setup.other]]
    assert "Upload it on the page of that site" in errors[0][3]


def test_participant_of_another_site_and_already_answered_are_row_errors(
    testapp, setup, dbsession, tm
):
    iv = setup.intervention
    submit(
        dbsession, Submission(str(uuid.uuid4()), iv, iv.sites[1], iv.waves[0], "ELDERS", ANSWERS)
    )
    submit(dbsession, Submission(str(uuid.uuid4()), iv, iv.sites[0], iv.waves[0], "AL1", ANSWERS))
    tm.commit()
    tm.begin()
    login(testapp)
    body = csv_file([row("ELDERS"), row("AL1"), row("AL1", "T1")])
    errors = error_rows(upload(testapp, setup, body, status=400))
    assert [e[:2] for e in errors] == [["2", "participant_code"], ["3", "participant_code"]]
    assert "belongs to another site" in errors[0][3]
    assert "already answered round T0" in errors[1][3]
    assert count(dbsession, Response) == 2


def test_duplicates_inside_the_file_are_row_errors(testapp, setup):
    login(testapp)
    sid = str(uuid.uuid4())
    body = csv_file(
        [row("D1"), row("d1"), row("X1", submission_id=sid), row("X2", submission_id=sid)]
    )
    errors = error_rows(upload(testapp, setup, body, status=400))
    assert [e[:2] for e in errors] == [["3", "participant_code"], ["5", "submission_id"]]
    assert "(also in row 2)" in errors[0][3]
    assert "Row 4 has the same submission_id" in errors[1][3]


def test_a_submission_id_used_for_another_wave_is_a_row_error(testapp, setup, dbsession, tm):
    iv = setup.intervention
    sid = str(uuid.uuid4())
    submit(dbsession, Submission(sid, iv, iv.sites[0], iv.waves[1], "Z1", ANSWERS))
    tm.commit()
    tm.begin()
    login(testapp)
    errors = error_rows(
        upload(testapp, setup, csv_file([row("Z1", submission_id=sid)]), status=400)
    )
    assert errors[0][1] == "submission_id" and "another questionnaire" in errors[0][3]


def test_every_error_of_a_large_file_is_in_the_report_but_the_page_shows_the_first(testapp, setup):
    login(testapp)
    body = csv_file([row(f"M{i}", brs_1=8) for i in range(250)])
    page = upload(testapp, setup, body, status=400)
    assert "The first 200 of 250 problems" in page.text
    assert len(error_rows(page)) == 200
    report = testapp.get(page.html.find("a", string="Download the list of problems (CSV)")["href"])
    assert len(report.body.decode("utf-8-sig").strip().splitlines()) == 251


# -- file-level problems --------------------------------------------------------------------

FILE_PROBLEMS = [
    (b"%PDF-1.4", "antwoorden.pdf", "Upload a .csv or .xlsx file."),
    (b"\xd0\xcf\x11\xe0", "oud.xls", "Files of type .xls cannot be read."),
    (b"PK\x03\x04kapot", "kapot.xlsx", "This .xlsx file is damaged"),
    (b"", "leeg.csv", "The file is empty."),
    (
        csv_file([], header=[*META, *ITEMS]),
        "kop.csv",
        "The file has column names but no rows with answers.",
    ),
    (
        csv_file([row("F1")], header=["participant_code", "group", *ITEMS[:-1]]),
        "weinig.csv",
        "Required columns are missing: wave, gse_10.",
    ),
    (
        csv_file([row("F1")], header=[*META, *ITEMS, "naam", "e-mail"]),
        "meer.csv",
        "These columns are unknown: naam, e-mail.",
    ),
    (
        csv_file([row("F1")], header=[*META, *ITEMS, "wave"]),
        "dubbel.csv",
        "These columns appear more than once: wave.",
    ),
    (
        "participant_code;wave\nAB;T0\n".encode("latin-1") + "Jos\xe9;T0\n".encode("latin-1"),
        "latin.csv",
        "The file is not in UTF-8",
    ),
]


@pytest.mark.parametrize("body,filename,problem", FILE_PROBLEMS)
def test_a_file_that_cannot_be_imported_says_what_to_do(
    testapp, setup, dbsession, body, filename, problem
):
    login(testapp)
    page = upload(testapp, setup, body, filename, status=400)
    assert "Nothing was stored" in page.text
    assert problem in page.html.select_one(".error-summary").get_text()
    assert count(dbsession, Response) == 0


def test_no_file_chosen(testapp, setup):
    login(testapp)
    page = testapp.get(f"{setup.base}/import")
    result = testapp.post(f"{setup.base}/import", {"csrf_token": csrf_token(page)}, status=400)
    assert "Choose a file to upload." in result.text


def test_a_file_over_the_size_limit_is_refused(testapp, setup, app, dbsession):
    login(testapp)
    app.registry.settings["evalsys.max_upload_mb"] = "0.001"
    try:
        page = upload(testapp, setup, csv_file([row(f"B{i}") for i in range(40)]), status=413)
    finally:
        del app.registry.settings["evalsys.max_upload_mb"]
    assert "larger than 0.001 MB" in page.text
    assert count(dbsession, Response) == 0


def test_xlsx_upload_with_numbers_as_numbers_and_text_codes(testapp, setup, dbsession):
    login(testapp)
    body = xlsx_file([row(1234, gender_other=5), row("X-2", group="comparison", age_band=2.0)])
    page = upload(testapp, setup, body, "b.xlsx")
    assert "Stored: 2 responses" in page.text
    people = {p.code: p for p in dbsession.query(Participant)}
    assert people["X-2"].group_name == "comparison"
    first = dbsession.query(Response).filter_by(participant_id=people["1234"].id).one()
    assert first.answers["gender_other"] == "5"


def test_the_group_may_be_written_as_the_dutch_pages_show_it(testapp, setup, dbsession):
    """Dutch coordinators type what their pages say; case and spacing do not matter."""
    login(testapp)
    written = ["Vergelijking", "interventie", " vergelijkingsgroep ", "Comparison Group", ""]
    rows = [row(f"G-{n}", group=group) for n, group in enumerate(written)]
    page = upload(testapp, setup, csv_file(rows))
    assert "Stored: 5 responses" in page.text
    groups = {p.code: p.group_name for p in dbsession.query(Participant)}
    assert groups == {
        "G-0": "comparison",
        "G-1": "intervention",
        "G-2": "comparison",
        "G-3": "comparison",
        "G-4": "intervention",
    }


# -- who may ---------------------------------------------------------------------------------


def test_a_coordinator_of_another_site_cannot_import_here(testapp, setup, dbsession):
    login(testapp, "bea")
    testapp.get(f"{setup.base}/import", status=404)
    own = testapp.get(f"/i/{setup.slug}/sites/{setup.other}/import")
    testapp.post(
        f"{setup.base}/import",
        {"csrf_token": csrf_token(own)},
        upload_files=[("file", "a.csv", csv_file([row("H1")]))],
        status=404,
    )
    assert count(dbsession, Response) == 0


def test_unknown_site_is_404_and_anonymous_goes_to_login(testapp, setup):
    assert testapp.get(f"{setup.base}/import").status_int == 302
    login(testapp)
    testapp.get(f"/i/{setup.slug}/sites/bestaat-niet/import", status=404)


def test_post_without_csrf_token_is_refused(testapp, setup, dbsession):
    login(testapp)
    testapp.post(
        f"{setup.base}/import", upload_files=[("file", "a.csv", csv_file([row("H1")]))], status=400
    )
    assert count(dbsession, Response) == 0


def test_template_needs_access_to_the_intervention(testapp, setup, dbsession, tm):
    assert testapp.get(f"/i/{setup.slug}/import-template.csv").status_int == 302
    from ..builders import user

    user(dbsession, username="buiten", role="coordinator", password="een-lang-wachtwoord")
    tm.commit()
    tm.begin()
    login(testapp, "buiten")
    testapp.get(f"/i/{setup.slug}/import-template.xlsx", status=404)


def test_error_reports_older_than_a_week_are_removed(tmp_path):
    import os
    import time

    from evalsys.imports.reports import ErrorReport, report_path

    settings = {"evalsys.work_dir": str(tmp_path), "sqlalchemy.url": "sqlite://"}
    old = ErrorReport(settings, 7, str, ("row", "column", "value", "problem"))
    old.add(RowError(2, "wave", "T9", "x"))
    old.close()
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old.path, (week_ago, week_ago))
    assert report_path(settings, 7, old.report_id) == old.path
    ErrorReport(settings, 7, str, ("row", "column", "value", "problem")).close()
    assert report_path(settings, 7, old.report_id) is None
    assert report_path(settings, 8, old.report_id) is None  # another site's folder


def test_a_race_at_storing_time_stores_nothing_and_asks_to_upload_again(
    testapp, setup, dbsession, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    def race(self, table, on_error):
        raise IntegrityError("INSERT INTO responses", {}, Exception("duplicate key"))

    login(testapp)
    monkeypatch.setattr(Importer, "run", race)
    page = upload(testapp, setup, csv_file([row("RACE1")]), status=409)
    assert "upload it again" in page.text
    assert count(dbsession, Response) == 0


def test_self_generated_codes_link_to_an_earlier_participant_as_submit_does(
    dbsession, setup, tmp_path
):
    """One element of a self-generated code misremembered: linked, and flagged, as in submit()."""
    iv = setup.intervention
    for wave in iv.waves:
        wave.settings = {"participant_code": "self_generated"}
    dbsession.flush()
    submit(
        dbsession,
        Submission(str(uuid.uuid4()), iv, iv.sites[0], iv.waves[0], "M-J-17-2", ANSWERS),
    )
    path = tmp_path / "self.csv"
    path.write_bytes(csv_file([row("M-J-17-3", "T1"), row("K-L-3-0", "T1")]))
    result = Importer(dbsession, iv, iv.sites[0]).run(open_table(path, "csv"), pytest.fail)
    assert result.stored == 2
    dbsession.expire_all()
    linked = dbsession.query(Response).filter_by(wave_id=iv.waves[1].id).all()
    by_code = {r.participant.code: r for r in linked}
    assert set(by_code) == {"M-J-17-2", "K-L-3-0"}
    assert "code_matched_with_one_difference" in by_code["M-J-17-2"].quality_flags
    assert {r.mode for r in linked} == {"import"}
