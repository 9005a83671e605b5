"""`evalsys instrument import|export`: forms in and out of the library from the command line."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import surveys
from evalsys.cli import main

from .. import builders
from ..setup.instrument_forms import CONSENT_NL, xlsform_bytes
from .test_cli_import import config_file


@pytest.fixture
def config(scratch_database, tmp_path, monkeypatch):
    """A config on a migrated scratch database with one intervention; (config, slug, url)."""
    path = config_file(scratch_database, tmp_path, monkeypatch)
    assert main(["initdb", str(path)]) == 0
    url = scratch_database["sqlalchemy.url"]
    engine = sa.create_engine(url)
    with Session(engine) as session:
        slug = builders.intervention(session).slug
        session.commit()
    engine.dispose()
    return str(path), slug, url


def stored_keys(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        keys = connection.execute(
            sa.text("SELECT instrument_key FROM instrument_definitions ORDER BY instrument_key")
        ).scalars()
        found = list(keys)
    engine.dispose()
    return found


def test_a_form_is_imported_for_an_intervention_with_its_consent(config, tmp_path, capsys):
    path, slug, url = config
    form = tmp_path / "buurt.xlsx"
    form.write_bytes(xlsform_bytes(demographics=True, consent=True))
    assert main(["instrument", path, "import", str(form), "--intervention", slug]) == 0
    shown = capsys.readouterr().out
    prefix = slug.replace("-", "_")
    assert f"stored: {prefix}_buurtgevoel 1" in shown and "form id buurtgevoel" in shown
    assert "consent text is now the intervention's" in shown
    assert stored_keys(url) == [f"{prefix}_buurtgevoel", f"{prefix}_demographics"]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        consent = connection.execute(sa.text("SELECT consent_text FROM interventions")).scalar()
    engine.dispose()
    assert CONSENT_NL in str(consent)


def test_a_team_imports_its_own_scale_beside_another_teams(config, tmp_path, capsys):
    path, slug, url = config
    form = tmp_path / "scale.xlsx"
    form.write_bytes(xlsform_bytes("scale"))
    assert main(["instrument", path, "import", str(form), "--team", "Wijkteam Noord"]) == 0
    form.write_bytes(xlsform_bytes("scale", questions=(("andere_1", "Anders.", "Other."),)))
    assert main(["instrument", path, "import", str(form), "--team", "wijkteam-zuid"]) == 0
    assert stored_keys(url) == ["wijkteam_noord_scale", "wijkteam_zuid_scale"]


def test_a_broken_form_lists_every_problem_and_stores_nothing(config, tmp_path, capsys):
    path, slug, url = config
    form = tmp_path / "kapot.xlsx"
    data = xlsform_bytes(broken_row=True)
    form.write_bytes(data)
    assert main(["instrument", path, "import", str(form), "--team", "noord"]) == 2
    shown = capsys.readouterr().err
    with pytest.raises(surveys.XLSFormError) as refused:
        surveys.import_xlsform(io.BytesIO(data), name="kapot.xlsx")
    assert all(line in shown for line in refused.value.lines("en"))
    assert stored_keys(url) == []


def test_an_instrument_is_exported_and_read_back(config, tmp_path, capsys):
    path, slug, url = config
    out = tmp_path / "brs.xlsx"
    assert main(["instrument", path, "export", "brs", "--format", "xlsform", "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    again = surveys.import_xlsform(out)
    assert [i.id for i in again.instruments[0].items] == [
        i.id for i in surveys.load_instrument("brs").items
    ]
    yaml_out = tmp_path / "brs.yaml"
    assert main(["instrument", path, "export", "brs", "--format", "yaml", "-o", str(yaml_out)]) == 0
    parsed = surveys.parse_instrument(yaml_out.read_text(encoding="utf-8"))
    assert parsed.fingerprint == surveys.load_instrument("brs").fingerprint


def test_an_unknown_instrument_is_named_with_the_known_ones(config, tmp_path, capsys):
    path, slug, url = config
    out = tmp_path / "x.csv"
    assert main(["instrument", path, "export", "nope", "--format", "yaml", "-o", str(out)]) == 2
    shown = capsys.readouterr().err
    assert "no instrument 'nope'" in shown and "brs" in shown
    assert not out.exists()
