"""The Stata .dta export read back with pyreadstat and compared with the CSV: variable and value
labels, declared missing codes as extended missing values (.a, .b with their labels), an item
not asked as .n, dates as Stata dates, the long and the wide layout; and the .sav's declared
missing codes and not-applicable code beside it.
"""

from __future__ import annotations

import datetime as dt

import pyreadstat
import pytest

from evalsys.results import exports

from . import export_reading, export_world


@pytest.fixture
def world(dbsession, tm):
    return export_world.coded(dbsession, tm)


def export(dbsession, world, fmt, tmp_path, language="nl"):
    return export_world.export(dbsession, world, fmt, tmp_path, language, csv_style="international")


def test_the_dta_has_labels_and_missing_codes_as_extended_missing_values(
    dbsession, world, tmp_path
):
    path = export(dbsession, world, "dta", tmp_path)
    frame, meta = pyreadstat.read_dta(str(path), user_missing=True)
    assert meta.column_names_to_labels["often"] == "Hoe vaak sport je?"
    assert meta.column_names_to_labels["participant_code"] == "Deelnemerscode (pseudoniem)"
    labels = meta.variable_value_labels["often"]
    assert labels[1] == "Nooit" and labels[3] == "Vaak"
    assert labels["a"] == "Weet ik niet (98)" and labels["b"] == "Zeg ik liever niet (99)"
    assert set(meta.missing_user_values["often"]) >= {"a", "b"}
    by_person = frame.set_index(["participant_code", "wave"])
    assert by_person.loc[("C01", "T0"), "often"] == "b"  # 99: rather not say
    assert by_person.loc[("C03", "T1"), "often"] == "a"  # 98: don't know
    assert by_person.loc[("C01", "T0"), "hours"] == "a"  # a number item's code too
    assert by_person.loc[("C00", "T1"), "hours"] == 6.0
    plain, _meta = pyreadstat.read_dta(str(path))  # as Stata counts: extended missing is missing
    assert plain["often"].isna().sum() == 8 and sorted(plain["often"].dropna().unique()) == [1, 3]
    assert plain["submitted_on"].map(type).eq(dt.date).all()
    assert all(d.year >= 2020 for d in plain["submitted_on"])  # not 1970: a real date


@pytest.mark.parametrize(("fmt", "csv_fmt"), [("dta", "csv_long"), ("dta_wide", "csv_wide")])
def test_the_dta_holds_what_the_csv_holds(dbsession, world, tmp_path, fmt, csv_fmt):
    plan = exports.layout(world.intervention)
    columns = exports.rows_for(dbsession, world.intervention, fmt, plan)[1]
    names = [c.name for c in columns]
    from_dta = export_reading.read(export(dbsession, world, fmt, tmp_path), fmt, names)
    from_csv = export_reading.read(export(dbsession, world, csv_fmt, tmp_path), csv_fmt, names)
    assert len(from_dta) == len(from_csv) > 0
    for stata_row, csv_row in zip(from_dta, from_csv, strict=True):
        for name in names:
            column = next(c for c in columns if c.name == name)
            value = csv_row[name]
            if column.missing and value in column.missing:
                assert stata_row[name] is None, name  # .a/.b: missing, as Stata counts
            elif column.kind == "date":
                assert stata_row[name].isoformat() == value
            elif column.kind == "string":
                assert (stata_row[name] or None) == (value or None), name
            else:
                assert stata_row[name] == value, name


def test_the_sav_has_the_declared_missing_codes_as_user_missing(dbsession, world, tmp_path):
    path = export(dbsession, world, "sav", tmp_path)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert meta.missing_ranges["often"][:2] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert meta.variable_value_labels["often"][99.0] == "Zeg ik liever niet"
    assert meta.variable_value_labels["hours"][98.0] == "Weet ik niet"
    assert sorted(frame["often"].dropna().unique()) == [1.0, 3.0, 98.0, 99.0]
    plain, _meta = pyreadstat.read_sav(str(path))
    assert sorted(plain["often"].dropna().unique()) == [1.0, 3.0]


@pytest.mark.parametrize("fmt", ["dta", "sav"])
def test_a_question_not_asked_is_not_applicable_apart_from_missing(dbsession, world, tmp_path, fmt):
    path = export(dbsession, world, fmt, tmp_path, language="en")
    reader = pyreadstat.read_dta if fmt == "dta" else pyreadstat.read_sav
    frame, meta = reader(str(path), user_missing=True)
    by_person = frame.set_index(["participant_code", "wave"])
    asked, not_asked = by_person.loc[("C02", "T0"), "why"], by_person.loc[("C00", "T0"), "why"]
    assert asked == 2.0
    code = "n" if fmt == "dta" else -9.0
    assert not_asked == code
    assert meta.variable_value_labels["why"][code] == "not applicable (not asked)"
