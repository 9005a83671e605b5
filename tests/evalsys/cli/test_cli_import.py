"""`evalsys import`: a spreadsheet into a site from the command line, all rows or none."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from evalsys.cli import main

from .. import builders
from ..import_fixtures import INSTRUMENTS
from ..jobs.imports_data import csv_file, row

ROOT = Path(__file__).resolve().parents[3]


def config_file(scratch_database, tmp_path, monkeypatch):
    """development.ini pointed at the scratch database, its work folder in ``tmp_path``."""
    text = (
        (ROOT / "development.ini")
        .read_text()
        .replace(
            "sqlalchemy.url = sqlite:///%(here)s/var/evalsys.sqlite",
            f"sqlalchemy.url = {scratch_database['sqlalchemy.url']}\n"
            f"evalsys.work_dir = {tmp_path}/work",
        )
    )
    config = tmp_path / "evalsys.ini"
    config.write_text(text)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return config


@pytest.fixture
def site(scratch_database, tmp_path, monkeypatch):
    """A config on a migrated scratch database with one intervention; (config, slug, site)."""
    config = config_file(scratch_database, tmp_path, monkeypatch)
    assert main(["initdb", str(config)]) == 0
    engine = sa.create_engine(scratch_database["sqlalchemy.url"])
    with Session(engine) as session:
        iv = builders.intervention(session, instruments=INSTRUMENTS)
        found = (str(config), iv.slug, iv.sites[0].slug, scratch_database["sqlalchemy.url"])
        session.commit()
    engine.dispose()
    return found


def responses(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM responses")).scalar()
    engine.dispose()
    return count


def test_a_file_is_stored_once_and_audited(site, tmp_path, capsys):
    config, slug, site_slug, url = site
    data = tmp_path / "antwoorden.csv"
    data.write_bytes(csv_file([row("A001"), row("A002")]))
    args = ["import", config, "--intervention", slug, "--site", site_slug, "--file", str(data)]
    assert main(args) == 0
    assert "stored 2 responses from 2 rows (0 were stored before)" in capsys.readouterr().out
    assert main(args) == 0
    assert "stored 0 responses from 2 rows (2 were stored before)" in capsys.readouterr().out
    assert responses(url) == 2
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        action = "SELECT count(*) FROM audit_events WHERE action = 'responses_imported'"
        assert connection.execute(sa.text(action)).scalar() == 2
    engine.dispose()


def test_a_bad_row_stores_nothing_and_lists_every_problem(site, tmp_path, capsys):
    config, slug, site_slug, url = site
    data, errors = tmp_path / "antwoorden.csv", tmp_path / "problems.csv"
    data.write_bytes(csv_file([row("A001"), row("A002", brs_1=9)]))
    args = ["import", config, "--intervention", slug, "--site", site_slug, "--file", str(data)]
    assert main([*args, "--errors", str(errors)]) == 2
    printed = capsys.readouterr().err
    assert "row 3, brs_1 = '9'" in printed or "row 3, brs_1 = 9" in printed
    assert "nothing was stored (problems: 1, rows checked: 2)" in printed
    assert "brs_1;9;" in errors.read_text(encoding="utf-8-sig")
    assert responses(url) == 0


def test_an_unknown_site_or_a_broken_file_is_one_line(site, tmp_path, capsys):
    config, slug, site_slug, _url = site
    data = tmp_path / "antwoorden.xlsx"
    data.write_bytes(b"PK\x03\x04 not a zip")
    base = ["import", config, "--intervention", slug, "--file", str(data)]
    assert main([*base, "--site", "nergens"]) == 2
    assert "no site 'nergens'" in capsys.readouterr().err
    assert main([*base, "--site", site_slug]) == 2
    assert "damaged or is not an Excel file" in capsys.readouterr().err
