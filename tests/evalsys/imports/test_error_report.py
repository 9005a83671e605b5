"""The import's error report: formulas in the uploader's cells are neutralised as in the exports."""

from __future__ import annotations

import csv
import io

import pytest

from evalsys.imports.problems import RowError
from evalsys.imports.reports import ErrorReport
from evalsys.results import exports
from evalsys.spreadsheet_cells import neutralise

from .test_import import csv_file, login, row, setup, upload  # noqa: F401 (setup is a fixture)

HOSTILE = ['=HYPERLINK("http://x")', "+31 6", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_a_formula_in_a_cell_reaches_the_downloaded_report_as_text(testapp, setup):  # noqa: F811
    login(testapp)
    body = csv_file([row(f"A{n}", brs_2=cell) for n, cell in enumerate(HOSTILE, start=1)])
    page = upload(testapp, setup, body, status=400)
    report = testapp.get(page.html.find("a", string="Download the list of problems (CSV)")["href"])
    lines = list(
        csv.reader(io.StringIO(report.body.decode("utf-8-sig"), newline=""), delimiter=";")
    )
    values = [line[2] for line in lines[1:]]
    # The report shows cells stripped, so a leading tab or CR is gone already.
    assert values == ['\'=HYPERLINK("http://x")', "'+31 6", "'-2+3", "'@SUM(A1)", "x", "x"]
    assert not any(
        line[i].startswith(("=", "+", "-", "@", "\t", "\r")) for line in lines for i in range(4)
    )


@pytest.mark.parametrize("cell", HOSTILE)
def test_every_column_of_the_report_is_neutralised(tmp_path, cell):
    report = ErrorReport(
        {"evalsys.work_dir": str(tmp_path), "sqlalchemy.url": "sqlite://"},
        1,
        lambda error: cell,  # a problem sentence that quotes the cell
        ("row", "column", "value", "problem"),
    )
    report.add(RowError(2, cell, cell, None))
    report.close()
    lines = list(csv.reader(report.path.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert lines[1] == ["2", "'" + cell, "'" + cell, "'" + cell]


def test_exports_and_report_share_one_rule():
    assert exports.neutralise is neutralise
