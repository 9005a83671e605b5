"""Exports: columns, long and wide CSV, XLSX codebook, SPSS labels, formula neutralisation.

The CSV styles, SPSS measurement levels, missing codes and dates, XLSX dates and the labels'
language: test_exports_formats.py."""

from __future__ import annotations

import csv
import io

import pyreadstat
import pytest
from openpyxl import load_workbook

from evalsys.results import export_files, exports

from .. import results_data


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def export(dbsession, world, fmt, tmp_path, **options):
    path = tmp_path / f"export.{exports.EXTENSIONS[fmt]}"
    export_files.write_file(dbsession, world.intervention, fmt, str(path), **options)
    return path


def read_csv(path, delimiter: str = ";") -> list[dict]:
    """A CSV export as rows; ``;`` is the Dutch Excel style, the default for language nl."""
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_long_csv_has_a_row_per_response_with_answers_and_scores(dbsession, world, tmp_path):
    rows = read_csv(export(dbsession, world, "csv_long", tmp_path))
    assert len(rows) == 2 * sum(results_data.SITES.values())
    row = next(r for r in rows if r["participant_code"] == "ZU003" and r["wave"] == "T1")
    answers = world.answers[("zuid", "ZU003", "T1")]
    assert {k: int(row[k]) for k in results_data.ITEMS} == answers
    score = float(row["score_brs"].replace(",", "."))  # a decimal comma in the excel_nl style
    assert score == pytest.approx(results_data.brs_score(answers))
    assert row["site"] == "zuid" and row["mode"] == "paper" and len(row["submitted_on"]) == 10


def test_exports_hold_no_free_text_unless_asked(dbsession, world, tmp_path):
    rows = read_csv(export(dbsession, world, "csv_long", tmp_path))
    assert "gender_other" not in rows[0]
    assert results_data.INJECTION not in export(dbsession, world, "csv_long", tmp_path).read_text()
    assert not any(k in rows[0] for k in ("username", "submitted_by", "submission_id"))


def test_a_formula_in_free_text_is_neutralised_in_csv(dbsession, world, tmp_path):
    rows = read_csv(export(dbsession, world, "csv_long", tmp_path, free_text=True))
    texts = [r["gender_other"] for r in rows if r["gender_other"]]
    assert texts and all(t == "'" + results_data.INJECTION for t in texts)


def test_a_formula_in_free_text_is_a_string_cell_in_xlsx_its_value_unchanged(
    dbsession, world, tmp_path
):
    book = load_workbook(export(dbsession, world, "xlsx", tmp_path, free_text=True))
    sheet = book["data"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("gender_other") + 1
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2) if row[column - 1].value]
    assert cells and all(cell.value == results_data.INJECTION for cell in cells)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)  # text, never run
    score = header.index("score_brs")
    assert all(
        isinstance(r[score], int | float) for r in sheet.iter_rows(min_row=2, values_only=True)
    )


def test_neutralise_only_touches_text_that_looks_like_a_formula():
    assert exports.neutralise("=1+1") == "'=1+1"
    assert exports.neutralise("+31 6") == "'+31 6"
    assert exports.neutralise("-x") == "'-x"
    assert exports.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert exports.neutralise("\tx") == "'\tx"
    assert exports.neutralise("noord") == "noord"
    assert exports.neutralise(-1.5) == -1.5


def test_xlsx_has_a_codebook_with_value_labels(dbsession, world, tmp_path):
    book = load_workbook(export(dbsession, world, "xlsx", tmp_path, language="en"))
    assert book.sheetnames == ["data", "codebook"]
    codebook = {row[0]: row for row in book["codebook"].values}
    header = ("variable", "label", "type", "value labels", "missing codes")
    assert codebook["variable"] == header
    assert codebook["brs_1"][2] == "number" and codebook["submitted_on"][2] == "date"
    assert "1 = Strongly disagree" in codebook["brs_1"][3]
    assert codebook["score_brs"][1].startswith("Brief Resilience Scale")


def test_wide_csv_has_a_row_per_participant_and_a_column_per_wave(dbsession, world, tmp_path):
    rows = read_csv(export(dbsession, world, "csv_wide", tmp_path, language="en"), ",")
    assert len(rows) == sum(results_data.SITES.values())
    row = next(r for r in rows if r["participant_code"] == "WE002")
    assert int(row["brs_1_T0"]) == world.answers[("west", "WE002", "T0")]["brs_1"]
    assert int(row["brs_1_T1"]) == world.answers[("west", "WE002", "T1")]["brs_1"]
    assert "wave" not in row and "score_brs_T1" in row


def test_sav_keeps_variable_and_value_labels(dbsession, world, tmp_path):
    frame, meta = pyreadstat.read_sav(str(export(dbsession, world, "sav", tmp_path)))
    assert len(frame) == 2 * sum(results_data.SITES.values())
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["brs_1"] == "Ik herstel meestal snel na moeilijke tijden."
    value_labels = meta.variable_value_labels["brs_1"]
    assert value_labels[1.0] == "Helemaal mee oneens" and value_labels[5.0] == "Helemaal mee eens"
    row = frame[(frame["participant_code"] == "KL001") & (frame["wave"] == "T0")].iloc[0]
    assert row["brs_3"] == world.answers[("klein", "KL001", "T0")]["brs_3"]


def test_an_english_export_labels_in_english(dbsession, world, tmp_path):
    frame, meta = pyreadstat.read_sav(str(export(dbsession, world, "sav", tmp_path, language="en")))
    assert meta.variable_value_labels["brs_1"][1.0] == "Strongly disagree"
    assert meta.column_names_to_labels["participant_code"] == "Participant code (pseudonym)"
    assert meta.column_names_to_labels["wave"] == "Measurement round"
