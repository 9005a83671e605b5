"""`evalsys due` and `evalsys digests`: the due list and the coordinators' mail from the shell."""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from evalsys.cli import main

from .. import builders
from ..followup.due_data import SITE_A, day
from ..world import grant, make_user
from .test_cli_import import config_file


@pytest.fixture
def config(scratch_database, tmp_path, monkeypatch):
    """A config (mail into a folder) on a migrated scratch database; (config, slug)."""
    path = config_file(scratch_database, tmp_path, monkeypatch)
    assert main(["initdb", str(path)]) == 0
    engine = sa.create_engine(scratch_database["sqlalchemy.url"])
    with Session(engine) as session:
        intervention = builders.intervention(session)
        t0, t1 = intervention.waves
        t1.opens_after_days, t1.closes_after_days = 56, 84
        site = intervention.sites[0]
        for code, (offset, both) in SITE_A.items():
            person = builders.participant(session, intervention, code=code, site=site)
            builders.response(session, person, t0, submitted_at=day(offset))
            if both:
                builders.response(session, person, t1, submitted_at=day(offset + 60))
        coordinator = make_user(session, "coordinator-cli", "coordinator")
        coordinator.email = "cli@example.org"
        grant(session, coordinator, intervention, site)
        slug = intervention.slug
        session.commit()
    engine.dispose()
    return str(path), slug


def test_the_due_list_on_the_screen_and_as_a_file(config, tmp_path, capsys):
    path, slug = config
    assert main(["due", path, "--intervention", slug, "--site", "site-a"]) == 0
    printed = capsys.readouterr().out
    assert "Te laat: 1, Nu open: 1, Binnenkort open: 1, Later: 1, Gemist: 1" in printed
    listed = [line.split()[0] for line in printed.splitlines()[1:]]
    assert listed == ["A-OVERDUE", "A-OPEN", "A-SOON", "A-MISSED"]
    out = tmp_path / "due.csv"
    assert main(["due", path, "--intervention", slug, "--site", "site-a", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("A-OVERDUE,")
    pdf = tmp_path / "due.pdf"
    args = ["due", path, "--intervention", slug, "--site", "site-a", "--status", "later"]
    assert main([*args, "--out", str(pdf)]) == 0 and pdf.read_bytes().startswith(b"%PDF")
    assert main([*args, "--out", str(tmp_path / "due.txt")]) == 2
    assert "must end in .csv, .xlsx or .pdf" in capsys.readouterr().err


def test_digests_are_written_to_the_mail_folder(config, tmp_path, capsys):
    path, _slug = config
    assert main(["digests", path]) == 0
    printed = capsys.readouterr().out
    assert "queued 1 digests; sent 1 into" in printed
    (written,) = (tmp_path / "var" / "mail").glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "cli@example.org"
    assert message["Subject"] == "Site A: deelnemers te laat met hun volgende ronde: 1"
    assert main(["digests", path]) == 0  # the same day again: nothing new
    assert "queued 0 digests; sent 0" in capsys.readouterr().out


def test_the_command_runs_on_its_own(config):
    """In a process of its own, where only what the command imports is loaded: its audit event
    must still find the tables it refers to."""
    path, slug = config
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("evalsys")),  # the installed command
            "due",
            path,
            "--intervention",
            slug,
            "--site",
            "site-a",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "A-OVERDUE" in run.stdout
