"""The SPSS syntax export: a zip with the CSV and a .sps. SPSS is not on this machine, so the
syntax is parsed back (spss_syntax_reading) and compared with what pyreadstat reads from the
.sav of the same export: names, variable and value labels, user-missing codes, levels, formats
and the values themselves; long and wide."""

from __future__ import annotations

import csv
import io

import pyreadstat
import pytest

from evalsys.results import exports
from evalsys.results.export_spss_syntax import LABEL_PIECE_BYTES, spss_string, syntax

from . import export_world
from .spss_syntax_reading import cases, commands, parse, unzip


@pytest.fixture
def world(dbsession, tm):
    return export_world.coded(dbsession, tm)


def export(dbsession, world, fmt, tmp_path, language="nl"):
    return export_world.export(dbsession, world, fmt, tmp_path, language)


def test_the_zip_holds_the_international_csv_and_the_syntax_that_reads_it(
    dbsession, world, tmp_path
):
    csv_name, body, script, text = unzip(export(dbsession, world, "sps", tmp_path))
    slug = world.intervention.slug
    assert (csv_name, script) == (f"{slug}-csv-long.csv", f"{slug}-csv-long.sps")
    assert body.startswith("participant_code,site,group,wave,")  # international: , and .
    read = parse(text)
    assert read.file == csv_name and read.encoding == "UTF8" and read.first_case == 2
    assert read.delimiters == ","
    assert read.commands[0] == "GET DATA" and read.commands[-1] == "EXECUTE"
    header = next(csv.reader(io.StringIO(body)))
    assert [name for name, _fmt in read.variables] == header  # every column, in order
    assert set(read.labels) == set(header)


@pytest.mark.parametrize(("fmt", "sav"), [("sps", "sav"), ("sps_wide", "sav_wide")])
def test_the_syntax_tells_spss_what_the_sav_holds(dbsession, world, tmp_path, fmt, sav):
    _csv, body, _script, text = unzip(export(dbsession, world, fmt, tmp_path))
    read = parse(text)
    sav_path = export(dbsession, world, sav, tmp_path)
    frame, meta = pyreadstat.read_sav(str(sav_path), user_missing=True)  # codes as they are
    assert [name for name, _fmt in read.variables] == meta.column_names
    assert read.labels == meta.column_names_to_labels
    assert read.value_labels == meta.variable_value_labels
    assert read.missing == meta.missing_ranges
    assert read.levels == meta.variable_measure
    for name, kind in meta.original_variable_types.items():
        if kind.startswith("A"):
            assert name not in read.formats
        else:
            assert read.formats[name] == kind, name
    # the values: equal to the .sav's, but for a question not asked (empty in the CSV)
    rows = cases(read, body)
    assert len(rows) == len(frame) == len(world.answers) // (2 if fmt == "sps_wide" else 1)
    not_asked = 0
    for case, (_index, saved) in zip(rows, frame.iterrows(), strict=True):
        for name, value in case.items():
            kept = saved[name]
            if meta.original_variable_types[name].startswith("A"):
                assert value == kept, name
            elif meta.original_variable_types[name].startswith("SDATE"):
                assert value == kept.isoformat(), name
            elif value is None and kept == kept:  # empty here, a code in the .sav: not asked
                assert (
                    meta.variable_value_labels[name][kept] == "niet van toepassing (niet gevraagd)"
                )
                not_asked += 1
            elif value is None:
                assert kept != kept, name  # not answered: system-missing in both
            else:
                assert value == pytest.approx(kept), name
    assert not_asked > 0  # the world has questions not asked: the comparison saw them


def test_choice_labels_and_missing_codes_are_named_in_the_syntax(dbsession, world, tmp_path):
    read = parse(unzip(export(dbsession, world, "sps", tmp_path, "en"))[3])
    assert read.value_labels["often"] == {
        1.0: "Never",
        2.0: "Sometimes",
        3.0: "Often",
        98.0: "Don't know",
        99.0: "Rather not say",
    }
    assert read.missing["often"] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    # ``why`` is asked only when often = 3: its not-asked code is declared as in the .sav
    assert read.value_labels["why"][-9.0] == "not applicable (not asked)"
    assert {"lo": -9.0, "hi": -9.0} in read.missing["why"]
    assert read.levels["hours"] == "scale" and read.formats["submitted_on"] == "SDATE10"


def test_a_label_with_quotes_accents_and_length_stays_whole():
    label = 'Hoe "vaak" één' + " keer" * 40 + "\nnieuwe regel"
    written = spss_string(label)
    assert all(len(line.encode()) <= LABEL_PIECE_BYTES + 12 for line in written.splitlines())
    (tokens,) = commands(f"VARIABLE LABELS x {written}.")
    assert parse(f"VARIABLE LABELS x {written}.\n").labels == {"x": label.replace("\n", " ")}
    assert tokens[:3] == ["VARIABLE", "LABELS", "x"]


def test_a_formula_looking_text_is_given_back_without_its_apostrophe():
    columns = (
        exports.Column("participant_code", "code", "string", per_wave=False),
        exports.Column("note", "note", "string"),
    )
    read = parse(syntax(columns, "x.csv", "x.sps", {"participant_code": 3, "note": 6}))
    assert read.variables == [("participant_code", "A3"), ("note", "A6")]
    assert read.repeated == ["participant_code", "note"]
    rows = cases(read, "participant_code,note\r\nP01,'=1+2\r\nP02,'x\r\n")
    assert [r["note"] for r in rows] == ["=1+2", "'x"]


def test_the_results_page_offers_it(testapp, world):
    from ..world import sign_in

    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    assert f"/i/{world.intervention.slug}/export.sps" in page.text
    response = testapp.get(f"/i/{world.intervention.slug}/export.sps_wide", status=200)
    assert response.content_type == "application/zip" and response.body[:2] == b"PK"
