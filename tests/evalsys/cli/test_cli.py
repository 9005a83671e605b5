"""The evalsys command: initdb, adduser, demo, and one-line errors instead of tracebacks."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from evalsys.cli import COMMANDS, main
from evalsys.demo import DEMO_LOGINS

ROOT = Path(__file__).resolve().parents[3]
TABLES = ("interventions", "sites", "waves", "users", "survey_links")


@pytest.fixture
def config(scratch_database, tmp_path, monkeypatch) -> str:
    """An .ini file like development.ini, pointing at an empty scratch database."""
    text = (ROOT / "development.ini").read_text()
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/var/evalsys.sqlite",
        f"sqlalchemy.url = {scratch_database['sqlalchemy.url']}",
    )
    path = tmp_path / "evalsys.ini"
    path.write_text(text)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return str(path)


def counts(config_path: str, url: str, tables=None) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        result = {
            table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("interventions", "sites", "waves", "users", "survey_links")
        }
    engine.dispose()
    return result


def link_is_open(url: str, token: str) -> bool:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        query = sa.text("SELECT is_open FROM survey_links WHERE token = :token")
        found = connection.execute(query, {"token": token}).scalar()
    engine.dispose()
    return found is True or found == 1


def test_initdb_and_demo_are_idempotent(config, scratch_database, capsys):
    assert main(["initdb", config]) == 0
    assert "migrated from empty" in capsys.readouterr().out
    assert main(["initdb", config]) == 0
    assert "up to date" in capsys.readouterr().out

    assert main(["demo", config, "--participants", "60"]) == 0
    printed = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login.username in printed and login.password in printed
    # one survey link to try the participant side, and it opens the survey
    (token,) = re.findall(r"http://localhost:6543/s/([\w-]+)", printed)
    assert link_is_open(scratch_database["sqlalchemy.url"], token)
    assert re.search(r"or type [A-Z2-9]{3}-[A-Z2-9]{3} at http://localhost:6543/k", printed)
    first = counts(config, scratch_database["sqlalchemy.url"])
    # Two interventions over the 20 NPLV areas; links: 6 sites x 3 waves x 2 groups
    # (with comparison group) + 14 sites x 3 waves (pre/post only).
    assert first == {"interventions": 2, "sites": 20, "waves": 6, "users": 4, "survey_links": 78}

    assert main(["demo", config]) == 0
    assert counts(config, scratch_database["sqlalchemy.url"]) == first
    assert main(["demo", config, "--if-empty"]) == 0
    assert "already present" in capsys.readouterr().out
    assert counts(config, scratch_database["sqlalchemy.url"]) == first


def test_adduser_creates_a_coordinator_for_named_sites(config, scratch_database, monkeypatch):
    main(["initdb", config])
    main(["demo", config, "--participants", "0"])
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord\n"))
    assert (
        main(
            [
                "adduser",
                config,
                "fatima",
                "--role",
                "coordinator",
                "--intervention",
                "veerkracht-demo",
                "--site",
                "utrecht-overvecht",
                "--password-stdin",
            ]
        )
        == 0
    )
    engine = sa.create_engine(scratch_database["sqlalchemy.url"])
    with engine.connect() as connection:
        sites = (
            connection.execute(
                sa.text(
                    "SELECT s.slug FROM memberships m JOIN users u ON u.id = m.user_id "
                    "JOIN sites s ON s.id = m.site_id WHERE u.username = 'fatima'"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert sites == ["utrecht-overvecht"]


def test_adduser_with_an_unknown_site_saves_nothing(config, scratch_database, monkeypatch, capsys):
    main(["initdb", config])
    main(["demo", config, "--participants", "0"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord\n"))
    assert (
        main(
            [
                "adduser",
                config,
                "gijs",
                "--role",
                "coordinator",
                "--intervention",
                "veerkracht-demo",
                "--site",
                "nergens",
                "--password-stdin",
            ]
        )
        == 2
    )
    error = capsys.readouterr().err
    assert "has no site 'nergens'" in error and "nothing was saved" in error
    assert counts(config, scratch_database["sqlalchemy.url"])["users"] == 4


def one_line_error(capsys) -> str:
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert error.count("\n") == 1, error
    return error


def test_missing_config_is_one_line(capsys, tmp_path):
    assert main(["initdb", str(tmp_path / "nope.ini")]) == 2
    assert "not found" in one_line_error(capsys)


def test_broken_config_is_one_line(capsys, tmp_path):
    broken = tmp_path / "broken.ini"
    broken.write_text("this is [not an ini file\n")
    assert main(["initdb", str(broken)]) == 2
    assert "cannot read" in one_line_error(capsys)


def test_unreachable_database_is_one_line(capsys, config, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/evalsys")
    assert main(["initdb", config]) == 2
    error = one_line_error(capsys)
    assert "cannot reach the database" in error and "127.0.0.1:1" in error


def test_database_that_needs_migrating_is_one_line(capsys, config):
    assert main(["demo", config]) == 2
    assert "run `evalsys initdb" in one_line_error(capsys)


def test_demo_refuses_production(capsys, config, tmp_path):
    production = (
        Path(config)
        .read_text()
        .replace("evalsys.environment = development", "evalsys.environment = production")
    )
    path = tmp_path / "production.ini"
    path.write_text(production)
    assert main(["demo", str(path)]) == 2
    assert "production" in one_line_error(capsys)


def test_demo_programme_has_what_the_demo_promises(config, scratch_database):
    main(["initdb", config])
    main(["demo", config, "--participants", "80", "--seed", "7"])
    engine = sa.create_engine(scratch_database["sqlalchemy.url"])
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT r.language, r.quality_flags, w.label, p.group_name, s.slug "
                "FROM responses r JOIN waves w ON w.id = r.wave_id "
                "JOIN participants p ON p.id = r.participant_id JOIN sites s ON s.id = p.site_id"
            )
        ).all()
    engine.dispose()
    assert len(rows) > 80
    assert {row.label for row in rows} == {"T0", "T1", "T2"}
    assert {row.group_name for row in rows} == {"intervention", "comparison"}
    assert {row.language for row in rows} == {"nl", "en"}
    assert any(row.quality_flags not in ("[]", []) for row in rows)
    assert len({row.slug for row in rows}) == 20


def test_demo_answers_are_deterministic_for_a_seed():
    import datetime as dt

    import numpy as np

    import surveys
    from evalsys.demo import answers as demo_data

    questionnaire = surveys.Questionnaire(
        id="demo",
        version="1",
        title={},
        instruments=(surveys.load_instrument("brs"), surveys.load_instrument("gse")),
        demographics=surveys.load_instrument("demographics"),
    )
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

    def run(seed):
        return demo_data.programme(
            np.random.default_rng(seed),
            questionnaire,
            ["a", "b"],
            [15, 12],
            with_comparison=True,
            start=now - dt.timedelta(weeks=30),
            now=now,
        )

    first, again, other = run(3), run(3), run(4)
    assert first == again
    assert first != other
    for rows in first.values():
        for row in rows:
            assert questionnaire.validate(row.answers) == []


def test_help_lists_every_command_without_loading_the_app():
    """`evalsys --help` answers at once: it imports no command, so neither the app's models nor
    pandas (in a fresh interpreter, since this one has loaded them already)."""
    code = (
        "import sys\n"
        "from evalsys.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('evalsys.models', 'evalsys.cli.report', 'pandas') if m in sys.modules])"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    for name, text in COMMANDS.items():
        assert name in shown and text.split()[0] in shown
    assert shown.strip().splitlines()[-1] == "[]"


def test_a_command_gets_its_own_options(capsys):
    with pytest.raises(SystemExit):
        main(["adduser", "--help"])
    shown = capsys.readouterr().out
    assert "--role" in shown and "--password-stdin" in shown
