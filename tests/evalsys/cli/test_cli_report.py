"""evalsys report and evalsys export: files from the demo data, and one-line errors."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pyreadstat
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from evalsys.cli import main
from evalsys.settings import apply_environment

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def cli_database(app_settings, tmp_path_factory):
    """A database of this module's own (the suite's kind), dropped afterwards."""
    url = sa.make_url(apply_environment(app_settings)["sqlalchemy.url"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('cli-db') / 'cli.sqlite'}"
        return
    name = f"evalsys_cli_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def demo_config(cli_database, tmp_path_factory) -> str:
    """development.ini pointing at a database with the demo programme in it."""
    text = (ROOT / "development.ini").read_text()
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/var/evalsys.sqlite",
        f"sqlalchemy.url = {cli_database}",
    )
    path = tmp_path_factory.mktemp("cli") / "evalsys.ini"
    path.write_text(text)
    assert main(["initdb", str(path)]) == 0
    assert main(["demo", str(path), "--participants", "120"]) == 0
    return str(path)


@pytest.fixture
def slug(demo_config, cli_database) -> str:
    engine = sa.create_engine(cli_database)
    with engine.connect() as connection:
        found = connection.execute(sa.text("SELECT slug FROM interventions ORDER BY id")).scalar()
        responses = connection.execute(sa.text("SELECT count(*) FROM responses")).scalar()
    engine.dispose()
    assert responses > 0
    return found


def test_report_writes_a_pdf(demo_config, slug, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "rapport.pdf"
    assert main(["report", demo_config, "--intervention", slug, "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    text = PdfReader(out).pages[0].extract_text()
    assert "Evaluatierapport" in text


def test_report_in_english(demo_config, slug, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "report.pdf"
    args = ["report", demo_config, "--intervention", slug, "--lang", "en", "--out", str(out)]
    assert main(args) == 0
    assert "Evaluation report" in PdfReader(out).pages[0].extract_text()


def test_programme_report_puts_the_interventions_side_by_side(
    demo_config, slug, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "programma.pdf"
    assert main(["report", demo_config, "--programme", "--out", str(out)]) == 0
    assert "interventions" in capsys.readouterr().out
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Veerkracht in de wijk (demo)" in text and "Samen sterk (demo)" in text


@pytest.mark.parametrize("fmt", ["csv", "csv_wide", "xlsx", "sav"])
def test_export_writes_each_format(demo_config, slug, tmp_path, capsys, fmt, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / f"data.{fmt.split('_')[0]}"
    args = ["export", demo_config, "--intervention", slug, "--format", fmt, "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    total = int(printed.split(": ")[1].split(" ")[0].replace(",", ""))
    if fmt == "csv":  # --lang nl by default: the Dutch Excel style
        text = out.read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        assert len(rows) == total and "participant_code" in rows[0]
    elif fmt == "sav":
        frame, meta = pyreadstat.read_sav(str(out))
        assert len(frame) == total and meta.column_names[0] == "participant_code"
        assert meta.variable_measure["participant_code"] == "nominal"
    else:
        assert out.stat().st_size > 0


def test_export_in_english_in_the_international_csv_style(demo_config, slug, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "data.csv"
    args = ["export", demo_config, "--intervention", slug, "--format", "csv_wide", "--out"]
    assert main([*args, str(out), "--csv-style", "international"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows and "participant_code" in rows[0]
    sav = tmp_path / "data.sav"
    english = ["export", demo_config, "--intervention", slug, "--format", "sav", "--lang", "en"]
    assert main([*english, "--out", str(sav)]) == 0
    _, meta = pyreadstat.read_sav(str(sav))
    assert meta.column_labels[0] == "Participant code (pseudonym)"
    with pytest.raises(SystemExit) as refused:  # argparse names the two styles
        main([*args, str(out), "--csv-style", "tabs"])
    assert refused.value.code == 2


def test_an_unknown_intervention_is_one_line_listing_the_known_ones(
    demo_config, slug, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = str(tmp_path / "x.pdf")
    assert main(["report", demo_config, "--intervention", "bestaat-niet", "--out", out]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert error.startswith("evalsys report: no intervention 'bestaat-niet'")
    assert slug in error
    args = ["export", demo_config, "--intervention", "nee", "--format", "csv", "--out", out]
    assert main(args) == 2
    assert "known interventions" in capsys.readouterr().err


def test_a_missing_output_folder_is_one_line(demo_config, slug, capsys):
    args = ["export", demo_config, "--intervention", slug, "--format", "sav", "--out", "/nee/x"]
    assert main(args) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_progress_bar_draws_only_on_a_terminal():
    from evalsys.cli.progress_bar import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen, pipe = Terminal(), io.StringIO()
    for stream in (screen, pipe):
        bar = ProgressBar("export", 10, stream=stream)
        bar.update(5)
        bar.close()
    assert "[" in screen.getvalue() and "10/10" in screen.getvalue()
    assert pipe.getvalue() == ""


def test_both_commands_are_audited_as_exports(demo_config, slug, cli_database, tmp_path):
    out = str(tmp_path / "r.pdf")
    assert main(["report", demo_config, "--intervention", slug, "--out", out]) == 0
    args = ["export", demo_config, "--intervention", slug, "--format", "csv", "--out", out]
    assert main(args) == 0
    engine = sa.create_engine(cli_database)
    with engine.connect() as connection:
        targets = [
            target
            for (target,) in connection.execute(
                sa.text("SELECT target_id FROM audit_events WHERE action = 'export'")
            )
        ]
    engine.dispose()
    assert "report pdf" in targets and "export csv_long" in targets
