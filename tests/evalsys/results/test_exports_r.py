"""The R export: a zip with the CSV and a script; Rscript runs the script (base R only) and what
R then holds is compared with the CSV: choice items as factors with their labels, declared
missing codes as NA with the code kept, variable labels, numbers and dates; long and wide.
"""

from __future__ import annotations

import zipfile

import pytest

from evalsys.results import exports
from evalsys.results.export_r import r_string

from . import export_reading, export_world

needs_r = pytest.mark.skipif(
    export_reading.RSCRIPT is None,
    reason="Rscript is not installed (Debian package r-base-core; .ci/run installs it)",
)


@pytest.fixture
def world(dbsession, tm):
    return export_world.coded(dbsession, tm)


def export(dbsession, world, fmt, tmp_path, language="nl"):
    return export_world.export(dbsession, world, fmt, tmp_path, language)


def test_the_zip_holds_the_international_csv_and_an_ascii_script(dbsession, world, tmp_path):
    path = export(dbsession, world, "r", tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        script = archive.read(names[0]).decode("ascii")  # ASCII: any locale reads it
        body = archive.read(names[1]).decode("utf-8-sig")
    slug = world.intervention.slug
    assert names == [f"{slug}-csv-long.R", f"{slug}-csv-long.csv"]
    assert body.startswith("participant_code,site,group,wave,")  # international: , and .
    assert f'read.csv("{slug}-csv-long.csv"' in script
    assert '"Zeg ik liever niet"' in script and "levels = c(1, 2, 3)" in script


def test_an_r_string_escapes_quotes_and_writes_accents_as_unicode_escapes():
    assert r_string('Zeg "ik" liever\\niet') == '"Zeg \\"ik\\" liever\\\\niet"'
    assert r_string("één\n") == '"\\u00e9\\u00e9n\\n"'


@needs_r
@pytest.mark.parametrize(("fmt", "csv_fmt"), [("r", "csv_long"), ("r_wide", "csv_wide")])
def test_r_reads_what_the_csv_holds_with_factors_labels_and_missing_codes(
    dbsession, world, tmp_path, fmt, csv_fmt
):
    rows, columns = export_reading.run_r(export(dbsession, world, fmt, tmp_path))
    plan = exports.layout(world.intervention)
    exported = exports.rows_for(dbsession, world.intervention, fmt, plan)[1]
    from_csv = export_reading.read(
        export(dbsession, world, csv_fmt, tmp_path), csv_fmt, [c.name for c in exported]
    )
    assert len(rows) == len(from_csv) > 0
    for column in exported:
        assert columns[column.name]["label"] == column.label  # attr(x, "label"), accents too
        if column.choice:
            assert columns[column.name]["class"] == "factor"
            options = {v: t for v, t in column.value_labels.items() if v not in column.missing}
            assert columns[column.name]["levels"].split("|") == list(options.values())
    for in_r, in_csv in zip(rows, from_csv, strict=True):
        for column in exported:
            value, held = in_csv[column.name], in_r[column.name]
            if value is not None and column.missing and value in column.missing:
                assert held == "", column.name  # NA in R
            elif column.choice and value is not None:
                assert held == column.value_labels[int(value)]
            elif column.kind == "number":
                assert export_reading._number(held) == value, column.name
            else:
                assert (held or None) == value, column.name
    kept = columns["often" if fmt == "r" else "often_T0"]["missing"].split("|")
    assert "99" in kept and "98" in kept and "NA" in kept  # which code each NA was


@needs_r
def test_r_labels_are_in_the_chosen_language(dbsession, world, tmp_path):
    _rows, columns = export_reading.run_r(export(dbsession, world, "r", tmp_path, "en"))
    assert columns["often"]["label"] == "How often do you exercise?"
    assert columns["often"]["levels"] == "Never|Sometimes|Often"
    assert columns["participant_code"]["label"] == "Participant code (pseudonym)"
