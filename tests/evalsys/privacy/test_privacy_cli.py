"""`evalsys retention` and `evalsys erase` against a scratch database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from evalsys.cli import main
from evalsys.cli.bootstrap import database_session
from evalsys.db.meta import utcnow

from .. import builders
from .leftovers import found_in_tables

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config(scratch_database, tmp_path, monkeypatch) -> str:
    """An .ini like development.ini on an empty scratch database, migrated, with a programme:
    intervention ``kept-30`` (30 days' retention) with participants AAA-1 and BBB-2 at site-a."""
    text = (ROOT / "development.ini").read_text()
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/var/evalsys.sqlite",
        f"sqlalchemy.url = {scratch_database['sqlalchemy.url']}\nevalsys.work_dir = {tmp_path}/w",
    )
    path = tmp_path / "evalsys.ini"
    path.write_text(text)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["initdb", str(path)]) == 0
    engine = sa.create_engine(scratch_database["sqlalchemy.url"])
    with database_session(engine) as dbsession:
        intervention = builders.intervention(dbsession, slug="kept-30", retention_days=30)
        for code in ("AAA-1", "BBB-2"):
            person = builders.participant(dbsession, intervention, code=code)
            builders.response(dbsession, person, intervention.waves[0])
    engine.dispose()
    return str(path)


def table_hits(url: str, needles) -> list:
    engine = sa.create_engine(url)
    with database_session(engine) as dbsession:
        hits = found_in_tables(dbsession, needles)
    engine.dispose()
    return hits


def test_retention_dry_run_then_run(config, scratch_database, capsys):
    capsys.readouterr()
    today = utcnow().date()
    assert main(["retention", config, "--dry-run"]) == 0
    assert "no intervention has participant data" in capsys.readouterr().out
    later = (today + dt.timedelta(days=30)).isoformat()
    assert main(["retention", config, "--dry-run", "--as-of", later]) == 0
    out = capsys.readouterr().out
    assert "kept-30 (retention ended on" in out
    assert "site-a: 2 participants, 2 responses (all versions), 0 scores" in out
    assert "dry run: nothing was deleted" in out
    url = scratch_database["sqlalchemy.url"]
    assert table_hits(url, ["AAA-1"])
    assert main(["retention", config, "--as-of", later]) == 0
    assert "deleted" in capsys.readouterr().out
    assert table_hits(url, ["AAA-1", "BBB-2"]) == []
    assert main(["retention", config, "--as-of", "31-12-2027"]) == 2
    assert "is not a date" in capsys.readouterr().err


def test_erase_asks_to_confirm_unless_yes(config, scratch_database, capsys, monkeypatch):
    url = scratch_database["sqlalchemy.url"]
    command = ["erase", config, "--intervention", "kept-30", "--site", "site-a", "--code", "aaa-1"]
    monkeypatch.setattr("builtins.input", lambda prompt: "BBB-2")  # not the code shown
    assert main([*command, "--reason", "asked by e-mail"]) == 1
    assert "nothing erased" in capsys.readouterr().out
    assert table_hits(url, ["AAA-1"])

    monkeypatch.setattr("builtins.input", lambda prompt: "aaa-1")
    assert main([*command, "--reason", "asked by e-mail"]) == 0
    assert "erased participant AAA-1 at site-a: 1 responses" in capsys.readouterr().out
    assert table_hits(url, ["AAA-1"]) == []
    assert table_hits(url, ["BBB-2"])

    assert main([*command, "--reason", "again", "--yes"]) == 2
    assert "There is no participant AAA-1" in capsys.readouterr().err
    other = ["erase", config, "--intervention", "kept-30", "--site", "site-b", "--code", "BBB-2"]
    assert main([*other, "--reason", "x", "--yes"]) == 2  # BBB-2 is at site-a
    assert main([*command[:-1], "BBB-2", "--reason", " ", "--yes"]) == 2
    assert "Give a reason" in capsys.readouterr().err
