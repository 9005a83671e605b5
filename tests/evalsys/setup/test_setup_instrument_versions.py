"""The set-up form keeps the chosen version of an instrument when the library holds several.

Options are ``id@version``; a questionnaire that uses brs 1.0 must show brs 1.0 as selected even
when a newer brs is listed, so that saving the form again does not silently move the
intervention to the newer version.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

import surveys
import surveys.registry
from evalsys.programme.models import Intervention

from ..world import make_user, signed_in_evaluator_of_an_intervention

LATER = "1.9"  # a version invented for these tests only, newer than any bundled brs


@pytest.fixture
def library_with_a_newer_brs(tmp_path, monkeypatch):
    """The bundled library plus a later brs, in a registry of its own (the global one is kept)."""
    for path in surveys.registry.LIBRARY.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    data = yaml.safe_load((surveys.registry.LIBRARY / "brs.yaml").read_text(encoding="utf-8"))
    data["version"] = LATER
    (tmp_path / f"brs-{LATER}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    registry = surveys.Registry(library=tmp_path)
    monkeypatch.setattr(surveys.registry, "default_registry", registry)
    assert surveys.load_instrument("brs").version == LATER
    return registry


@pytest.fixture
def evaluator_of_brs_1_0(testapp, dbsession, tm, library_with_a_newer_brs):
    """A signed-in evaluator of an intervention whose questionnaire asks brs 1.0; its slug."""
    user = make_user(dbsession, "eva", "evaluator")
    return signed_in_evaluator_of_an_intervention(
        testapp, dbsession, tm, user, instruments=(("brs", "1.0"),)
    )


def questionnaire_form(page):
    for form in page.forms.values():
        if "action" in form.fields and form["action"].value == "questionnaire":
            return form
    raise AssertionError("no questionnaire form")


def stored_refs(dbsession, slug):
    dbsession.expire_all()
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    refs = [(r["id"], r["version"]) for r in iv.questionnaire.definition["instruments"]]
    return iv.questionnaire.version, refs


def test_the_set_up_page_selects_the_stored_version_not_the_newest(
    testapp, dbsession, evaluator_of_brs_1_0
):
    page = testapp.get(f"/i/{evaluator_of_brs_1_0}/setup")
    assert f'value="brs@{LATER}"' in page.text  # both versions are offered
    form = questionnaire_form(page)
    assert form["instrument_0"].value == "brs@1.0"
    assert form["instrument_1"].value == ""
    # With more than one option marked, browsers keep the last (the newest version) while WebTest
    # reports the first, so check the markup itself: exactly one option is marked.
    select = page.html.find("select", {"name": "instrument_0"})
    assert [o["value"] for o in select.find_all("option", selected=True)] == ["brs@1.0"]


def test_saving_the_form_again_keeps_the_older_version(testapp, dbsession, evaluator_of_brs_1_0):
    slug = evaluator_of_brs_1_0
    assert stored_refs(dbsession, slug) == (1, [("brs", "1.0")])
    questionnaire_form(testapp.get(f"/i/{slug}/setup")).submit().follow()
    assert stored_refs(dbsession, slug) == (1, [("brs", "1.0")])  # unchanged, no new version

    # Choosing the newer version on purpose still works, and is then the selected one.
    form = questionnaire_form(testapp.get(f"/i/{slug}/setup"))
    form["instrument_0"] = f"brs@{LATER}"
    page = form.submit().follow()
    assert stored_refs(dbsession, slug) == (2, [("brs", LATER)])
    assert questionnaire_form(page)["instrument_0"].value == f"brs@{LATER}"
