"""Exports an evaluator can open: the two CSV styles, SPSS dates, measurement levels, missing codes
and formats, XLSX date cells, the fixed columns' labels in the chosen language, and the column
names docs/results.md gives.

Each file is read back with what an evaluator's tools use: the csv module with the style's
delimiter, pyreadstat for .sav, openpyxl for .xlsx.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

import surveys
from evalsys.collection.models import Response
from evalsys.results import export_files, exports

from .. import results_data

DOCS = Path(__file__).resolve().parents[3] / "docs" / "results.md"


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def export(dbsession, world, fmt, tmp_path, **options) -> Path:
    path = tmp_path / f"export.{exports.EXTENSIONS[fmt]}"
    export_files.write_file(dbsession, world.intervention, fmt, str(path), **options)
    return path


def read_csv(path: Path, delimiter: str) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_the_excel_nl_style_separates_with_semicolons_and_writes_a_decimal_comma(
    dbsession, world, tmp_path
):
    path = export(dbsession, world, "csv_long", tmp_path, csv_style="excel_nl")
    body = path.read_bytes()
    assert body.startswith("\ufeff".encode())  # UTF-8 with a BOM: Excel reads the accents
    assert body[3:].split(b"\r\n")[0].startswith(b"participant_code;site;group;wave;submitted_on;")
    rows = read_csv(path, ";")
    assert len(rows) == 2 * sum(results_data.SITES.values())
    row = next(r for r in rows if r["participant_code"] == "ZU003" and r["wave"] == "T1")
    expected = results_data.brs_score(world.answers[("zuid", "ZU003", "T1")])
    assert "," in row["score_brs"] and "." not in row["score_brs"]
    assert float(row["score_brs"].replace(",", ".")) == pytest.approx(expected)
    assert row["brs_1"].isdigit() and len(row["submitted_on"]) == 10  # 2026-12-07


def test_the_international_style_separates_with_commas_and_writes_a_decimal_point(
    dbsession, world, tmp_path
):
    path = export(dbsession, world, "csv_wide", tmp_path, csv_style="international")
    rows = read_csv(path, ",")
    assert len(rows) == sum(results_data.SITES.values())
    row = next(r for r in rows if r["participant_code"] == "WE002")
    expected = results_data.brs_score(world.answers[("west", "WE002", "T1")])
    assert float(row["score_brs_T1"]) == pytest.approx(expected)
    assert ";" not in path.read_text(encoding="utf-8-sig").splitlines()[0]


@pytest.mark.parametrize(("language", "delimiter"), [("nl", ";"), ("en", ",")])
def test_the_csv_style_follows_the_language_unless_chosen(
    dbsession, world, tmp_path, language, delimiter
):
    path = export(dbsession, world, "csv_long", tmp_path, language=language)
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].split(delimiter)[0] == (
        "participant_code"
    )


def test_an_unknown_csv_style_is_refused_with_the_styles_named(dbsession, world, tmp_path):
    with pytest.raises(ValueError, match="excel_nl, international"):
        export(dbsession, world, "csv_long", tmp_path, csv_style="tab")


def answer_gender(dbsession, world, values: list[int]) -> None:
    """Gender answers on the first responses, written past the ORM (corrections never edit)."""
    query = select(Response).where(Response.intervention_id == world.intervention.id)
    responses = list(dbsession.execute(query.order_by(Response.id)).scalars())
    table = Response.__table__
    for response, value in zip(responses, values, strict=False):
        answers = {**response.answers, "gender": value}
        dbsession.execute(update(table).where(table.c.id == response.id).values(answers=answers))
    dbsession.flush()


def test_sav_has_measurement_levels_formats_dates_and_user_missing_codes(
    dbsession, world, tmp_path
):
    answer_gender(dbsession, world, [9, 1, 2])
    path = str(export(dbsession, world, "sav", tmp_path))
    frame, meta = pyreadstat.read_sav(path, user_missing=True)
    measures = meta.variable_measure
    assert (measures["participant_code"], measures["site"], measures["wave"]) == ("nominal",) * 3
    assert measures["brs_1"] == "ordinal"  # a Likert item
    assert measures["gender"] == "nominal"  # a choice outside every scale
    assert measures["score_brs"] == measures["duration_seconds"] == "scale"
    assert measures["submitted_on"] == "scale"
    formats = meta.original_variable_types
    assert formats["brs_1"] == "F1.0" and formats["gender"] == "F1.0"  # items without decimals
    assert formats["submitted_on"] == "SDATE10"
    assert meta.missing_ranges["gender"] == [{"lo": 9.0, "hi": 9.0}]  # "I prefer not to say"
    assert "age_band" not in meta.missing_ranges  # 9 is "75 or older" there, after 8
    assert "brs_1" not in meta.missing_ranges
    dates = frame["submitted_on"].dropna()
    assert len(dates) == len(frame) and all(type(d) is dt.date for d in dates)
    assert sorted(frame["gender"].dropna()) == [1.0, 2.0, 9.0]  # the user-missing code is kept
    plain, _ = pyreadstat.read_sav(path)  # as SPSS counts: user-missing is missing
    assert sorted(plain["gender"].dropna()) == [1.0, 2.0]


def test_a_wide_sav_column_keeps_its_wave_columns_levels(dbsession, world):
    plan = exports.layout(world.intervention, language="en")
    columns = {c.name: c for c in exports.wide_columns(plan, ["T0", "T1"])}
    assert columns["submitted_on_T1"].kind == "date"
    assert columns["brs_1_T0"].measure == "ordinal" and columns["brs_1_T0"].spss_format == "F1.0"
    assert columns["gender_T1"].missing == (9,)
    assert columns["brs_1_T0"].label.endswith("[T0]")


def test_xlsx_dates_are_date_cells_and_numbers_numbers(dbsession, world, tmp_path):
    book = load_workbook(export(dbsession, world, "xlsx", tmp_path))
    sheet = book["data"]
    header = [cell.value for cell in sheet[1]]
    first = sheet[2]
    date = first[header.index("submitted_on")]
    assert date.is_date and date.value.date() <= dt.date.today()
    assert first[header.index("brs_1")].data_type == "n"


def test_the_fixed_columns_are_labelled_in_english(dbsession, world, tmp_path):
    plan = exports.layout(world.intervention, language="en")
    labels = {c.name: c.label for c in plan.columns}
    assert labels["submitted_on"] == "Date of submission"
    assert labels["group"] == "Group (intervention or comparison)"
    book = load_workbook(export(dbsession, world, "xlsx", tmp_path, language="en"))
    codebook = {row[0]: row for row in book["codebook"].values}
    assert codebook["duration_seconds"][1:3] == ("Time taken to answer (seconds)", "number")


def test_the_fixed_columns_are_labelled_in_dutch(dbsession, world, tmp_path):
    """Needs the Dutch catalogue (evalsys/locale) to hold this part's texts."""
    plan = exports.layout(world.intervention, language="nl")
    labels = {c.name: c.label for c in plan.columns}
    assert labels["participant_code"] == "Deelnemerscode (pseudoniem)"
    assert labels["wave"] == "Meetronde"
    book = load_workbook(export(dbsession, world, "xlsx", tmp_path, language="nl"))
    codebook = {row[0]: row for row in book["codebook"].values}
    assert codebook["variabele"][:3] == ("variabele", "label", "type")
    assert codebook["submitted_on"][1:3] == ("Datum van invullen", "datum")


def library_score_columns() -> set[str]:
    names = set()
    for instrument in surveys.bundled_instruments():
        names |= {exports.score_column(instrument.id, s.id) for s in instrument.scales}
    return names


def test_the_score_columns_in_the_guide_are_the_exports(dbsession, world):
    named = set(re.findall(r"`(score_[a-z0-9_]+)`", DOCS.read_text()))
    assert "score_djg6_djg_emotional" in named
    assert named <= library_score_columns()
    plan = exports.layout(world.intervention)
    assert "score_brs" in plan.scores  # the guide's example of a one-scale instrument
