"""An evalsys export re-imports: its participant code column is the import template's
(``participant_code``) and the columns an export derives (date, mode, duration, flags, scores)
are ignored by the import. Uploaded again where its rows are stored, to another site, or to an
intervention with other questions, it is refused with the reason and nothing is stored.
"""

from __future__ import annotations

import csv
import io

import pytest

from evalsys.collection.models import Response
from evalsys.imports.importer import Importer
from evalsys.imports.problems import FileProblem
from evalsys.imports.spreadsheets import open_table
from evalsys.results import export_files

from .. import builders, results_data


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def exported(dbsession, intervention, tmp_path) -> list[dict]:
    path = tmp_path / "export.csv"
    export_files.write_file(dbsession, intervention, "csv_long", str(path), language="nl")
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))


def reimport(dbsession, intervention, site, rows: list[dict], tmp_path):
    """Write ``rows`` as the export wrote them (``;``) and import them into ``site``."""
    path = tmp_path / "again.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    errors = []
    result = Importer(dbsession, intervention, site).run(open_table(path, "csv"), errors.append)
    return result, errors


def site(intervention, slug):
    return next(s for s in intervention.sites if s.slug == slug)


def count(dbsession, intervention) -> int:
    dbsession.expire_all()
    return dbsession.query(Response).filter_by(intervention_id=intervention.id).count()


def test_the_export_uses_the_import_templates_name_for_the_participant_code(
    dbsession, world, tmp_path
):
    rows = exported(dbsession, world.intervention, tmp_path)
    assert list(rows[0])[:4] == ["participant_code", "site", "group", "wave"]


def test_an_export_uploaded_again_to_its_site_names_each_answered_round_and_stores_nothing(
    dbsession, world, tmp_path
):
    iv = world.intervention
    before = count(dbsession, iv)
    rows = [r for r in exported(dbsession, iv, tmp_path) if r["site"] == "noord"]
    result, errors = reimport(dbsession, iv, site(iv, "noord"), rows, tmp_path)
    assert result.stored == 0 and len(errors) == len(rows)
    assert {e.column for e in errors} == {"participant_code"}
    assert all("already answered round" in str(e.problem) for e in errors)
    assert count(dbsession, iv) == before  # nothing stored twice, nothing half-stored


def test_an_export_re_imports_into_the_same_intervention_once_its_rows_are_new(
    dbsession, world, tmp_path
):
    """The file as exported, its participant codes renamed (a site that typed its paper
    forms in another evalsys): the export's own columns are read, the derived ones ignored."""
    iv = world.intervention
    before = count(dbsession, iv)
    rows = [r for r in exported(dbsession, iv, tmp_path) if r["site"] == "noord"]
    moved = [{**r, "participant_code": "X" + r["participant_code"]} for r in rows]
    result, errors = reimport(dbsession, iv, site(iv, "noord"), moved, tmp_path)
    assert errors == [] and result.stored == len(rows)
    assert count(dbsession, iv) == before + len(rows)
    again = {
        (r.participant.code, r.wave.label): r.answers
        for r in dbsession.query(Response).filter_by(intervention_id=iv.id, mode="import")
    }
    for row in rows:
        answers = again[("X" + row["participant_code"], row["wave"])]
        assert {k: str(v) for k, v in answers.items()} == {
            k: row[k] for k in answers
        }  # every answer as the export wrote it


def test_an_export_uploaded_to_another_site_is_refused_row_by_row_with_the_reason(
    dbsession, world, tmp_path
):
    iv = world.intervention
    before = count(dbsession, iv)
    rows = exported(dbsession, iv, tmp_path)
    result, errors = reimport(dbsession, iv, site(iv, "noord"), rows, tmp_path)
    others = [r for r in rows if r["site"] != "noord"]
    assert result.stored == 0 and len(errors) >= len(others)
    refused = {e.value for e in errors if e.column == "site"}
    assert refused == {r["site"] for r in others}  # each other site's rows, named
    assert all("you are uploading to" in str(e.problem) for e in errors if e.column == "site")
    assert count(dbsession, iv) == before  # nothing half-stored


def test_an_export_uploaded_to_another_intervention_with_the_questionnaire_is_read(
    dbsession, world, tmp_path, tm
):
    other = builders.intervention(dbsession, slug="andere", name="Andere")
    other.sites[0].slug = "noord"
    builders.commit(tm)
    rows = [r for r in exported(dbsession, world.intervention, tmp_path) if r["site"] == "noord"]
    result, errors = reimport(dbsession, other, other.sites[0], rows, tmp_path)
    assert errors == [] and result.stored == len(rows)
    again, errors = reimport(dbsession, other, other.sites[0], rows, tmp_path)
    assert errors == [] and (again.stored, again.already_stored) == (0, len(rows))


def test_an_export_uploaded_to_an_intervention_with_other_questions_names_the_columns(
    dbsession, world, tmp_path, tm
):
    other = builders.intervention(dbsession, instruments=(("gse", None),), slug="gse-elders")
    builders.commit(tm)
    rows = [r for r in exported(dbsession, world.intervention, tmp_path) if r["site"] == "noord"]
    with pytest.raises(FileProblem) as refused:
        reimport(dbsession, other, other.sites[0], rows, tmp_path)
    message = refused.value.problem
    assert str(message).startswith("Required columns are missing")
    assert "gse_1" in message.mapping["columns"]  # the file holds brs_*, not gse_*


def test_every_fixed_column_of_an_export_is_one_the_import_reads_or_reads_past():
    """The import keeps its own list of what an export adds (rooms on one floor do not import
    each other): a fixed column added to the export without it would make exports unimportable."""
    from evalsys.imports.columns import EXPORT_ONLY_COLUMNS, META_COLUMNS, OPTIONAL_COLUMNS
    from evalsys.results.export_layout import META_COLUMNS as EXPORTED

    read = set(META_COLUMNS) | set(OPTIONAL_COLUMNS) | EXPORT_ONLY_COLUMNS
    assert {c.name for c in EXPORTED} <= read
