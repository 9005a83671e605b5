"""An evaluator imports a form on the set-up page: ids of their own, demographics and consent
kept, problems in their language, nothing half-stored."""

from __future__ import annotations

import html
import io

import pytest

import surveys
from evalsys.accounts.models import Membership
from evalsys.programme.models import InstrumentDefinition, Intervention
from evalsys.setup import instruments as stored
from evalsys.setup.instrument_import import format_of, import_form

from .. import builders
from ..world import make_user, sign_in, signed_in_evaluator_of_an_intervention
from .instrument_forms import CONSENT_NL, redcap_bytes, xlsform_bytes


@pytest.fixture
def evaluator(dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    builders.commit(tm)
    return user


def upload_form(page):
    return page.forms[[k for k, f in page.forms.items() if "form_file" in f.fields][0]]


def questionnaire_form(page):
    for form in page.forms.values():
        if "action" in form.fields and form["action"].value == "questionnaire":
            return form
    raise AssertionError("no questionnaire form")


def upload(testapp, slug, filename, data, status=303, **fields):
    form = upload_form(testapp.get(f"/i/{slug}/setup"))
    form["form_file"] = (filename, data)
    for name, value in fields.items():
        form[name] = value
    return form.submit(status=status)


def test_owned_ids_keep_teams_apart_and_stay_valid():
    assert stored.owned_id("samen-sterk", "scale") == "samen_sterk_scale"
    assert stored.owned_id("samen-sterk", "samen_sterk_scale") == "samen_sterk_scale"
    assert stored.owned_id("2027-pilot", "scale") == "t2027_pilot_scale"
    long_a = stored.owned_id("wijk", "a" * 80 + "_x")
    long_b = stored.owned_id("wijk", "a" * 80 + "_y")
    assert len(long_a) <= stored.MAX_ID_LENGTH and long_a != long_b
    for made in (long_a, "t2027_pilot_scale"):
        assert surveys.schema_reader.IDENTIFIER.match(made)


def test_the_format_follows_the_choice_the_name_or_the_first_bytes():
    assert format_of("form.XLSX", b"") == "xlsform"
    assert format_of("dictionary.csv", b"PK\x03\x04") == "redcap"
    assert format_of("upload", b"PK\x03\x04rest") == "xlsform"
    assert format_of("upload", b"Variable / Field Name,") == "redcap"
    assert format_of("form.xlsx", b"", "redcap") == "redcap"


def test_an_xlsform_becomes_an_instrument_of_the_intervention(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    prefix = slug.replace("-", "_")
    page = upload(testapp, slug, "buurt.xlsx", xlsform_bytes()).follow()
    assert f"{prefix}_buurtgevoel" in page.text
    form = questionnaire_form(page)
    form["instrument_1"] = f"{prefix}_buurtgevoel@1"
    form.submit().follow()
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    ids = [r["id"] for r in iv.questionnaire.definition["instruments"]]
    assert ids == ["brs", f"{prefix}_buurtgevoel"]
    row = dbsession.query(InstrumentDefinition).one()
    assert row.instrument_key == f"{prefix}_buurtgevoel"
    assert "'buurtgevoel'" in row.definition["notes"]  # the form's own id is kept


def test_a_second_team_imports_its_own_form_of_the_same_name(testapp, dbsession, tm, evaluator):
    """Two teams, two different forms both called ``scale``: each gets an id of its own."""
    first = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    upload(testapp, first, "scale.xlsx", xlsform_bytes("scale"))
    other = make_user(dbsession, "otto", "evaluator")
    builders.commit(tm)
    second = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, other)
    questions = (("eigen_1", "Iets anders.", "Something else."),)
    upload(testapp, second, "scale.xlsx", xlsform_bytes("scale", questions=questions))
    keys = sorted(k for (k,) in dbsession.query(InstrumentDefinition.instrument_key))
    assert keys == sorted(f"{s.replace('-', '_')}_scale" for s in (first, second))
    assert "scale" not in keys


def test_the_demographics_group_and_the_consent_note_are_kept(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    prefix = slug.replace("-", "_")
    data = xlsform_bytes(demographics=True, consent=True)
    page = upload(testapp, slug, "buurt.xlsx", data).follow()
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    assert iv.consent_text["nl"] == CONSENT_NL
    kinds = dict(
        dbsession.query(InstrumentDefinition.instrument_key, InstrumentDefinition.definition)
    )
    assert kinds[f"{prefix}_demographics"]["kind"] == "demographics"
    form = questionnaire_form(page)
    assert f"{prefix}_demographics@1" in [value for value, *_ in form["demographics"].options]
    form["instrument_1"] = f"{prefix}_buurtgevoel@1"
    form["demographics"] = f"{prefix}_demographics@1"
    form.submit().follow()
    dbsession.expire_all()
    built = dbsession.query(Intervention).filter_by(slug=slug).one().questionnaire.definition
    loaded = surveys.Questionnaire.from_dict(built)
    assert loaded.demographics.id == f"{prefix}_demographics"
    assert loaded.consent["nl"] == CONSENT_NL


def test_a_consent_text_the_intervention_has_is_never_replaced(dbsession):
    iv = builders.intervention(dbsession, consent_text={"nl": "Onze eigen tekst."})
    result = import_form(
        dbsession, xlsform_bytes(consent=True), "buurt.xlsx", owner=iv.slug, intervention=iv
    )
    assert result.consent == "kept" and iv.consent_text == {"nl": "Onze eigen tekst."}


def test_the_same_form_again_is_refused_as_adding_nothing(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    upload(testapp, slug, "buurt.xlsx", xlsform_bytes())
    testapp.set_cookie("lang", "en")
    answer = upload(testapp, slug, "kopie.xlsx", xlsform_bytes(), status=400)
    assert "Nothing to import" in answer.text and "error-summary" in answer.text
    assert dbsession.query(InstrumentDefinition).count() == 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_problem_lines_are_in_the_language_of_the_page(testapp, dbsession, tm, evaluator, language):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    testapp.set_cookie("lang", language)
    data = xlsform_bytes(broken_row=True)
    answer = upload(testapp, slug, "kapot.xlsx", data, status=400)
    with pytest.raises(surveys.XLSFormError) as refused:
        surveys.import_xlsform(io.BytesIO(data), name="kapot.xlsx")
    expected = refused.value.lines(language)
    shown = html.unescape(answer.text)
    assert expected and all(line in shown for line in expected)
    other = refused.value.lines("en" if language == "nl" else "nl")
    assert not any(line in shown for line in other if line not in expected)
    assert dbsession.query(InstrumentDefinition).count() == 0


def test_a_file_that_is_no_form_is_explained_and_stores_nothing(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    testapp.set_cookie("lang", "en")
    answer = upload(testapp, slug, "notes.xlsx", b"this is not a workbook", status=400)
    assert "XLSForm" in answer.text and "error-summary" in answer.text
    assert dbsession.query(InstrumentDefinition).count() == 0


def test_a_form_whose_second_block_clashes_stores_nothing(dbsession):
    """All or nothing: a block that cannot be stored takes the blocks before it along."""
    iv = builders.intervention(dbsession)
    import_form(dbsession, xlsform_bytes(demographics=True), "a.xlsx", owner=iv.slug)
    changed = xlsform_bytes(demographics=True, questions=(("buurt_9", "Anders.", "Other."),))
    with pytest.raises(stored.InstrumentImportError) as refused:
        import_form(dbsession, changed, "b.xlsx", owner=iv.slug)
    assert refused.value.code == "version_taken"
    assert dbsession.query(InstrumentDefinition).count() == 2  # the first import's two blocks


@pytest.mark.skipif(
    not hasattr(surveys, "import_redcap"), reason="surveys.import_redcap is not built yet"
)
def test_a_redcap_dictionary_becomes_an_instrument(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    upload(testapp, slug, "wijk.csv", redcap_bytes())
    row = dbsession.query(InstrumentDefinition).one()
    assert row.instrument_key.startswith(slug.replace("-", "_") + "_")
    items = {item["id"]: item for item in row.definition["items"]}
    assert items["wijk_2"]["relevant"] == "${wijk_1} = 1"


def test_an_instrument_stored_under_an_old_style_id_keeps_working(dbsession):
    """Ids stored before the owner prefix (``scale``) stay loadable and choosable."""
    old = surveys.parse_instrument(
        {
            "id": "oude_schaal",
            "version": "1",
            "title": {"nl": "Oud"},
            "languages": {"nl": "original"},
            "items": [
                {
                    "id": "oud_1",
                    "type": "yes_no",
                    "text": {"nl": "Ja of nee?"},
                    "options": [
                        {"value": 1, "label": {"nl": "Ja"}},
                        {"value": 0, "label": {"nl": "Nee"}},
                    ],
                }
            ],
        }
    )
    assert stored.store(dbsession, old)
    iv = builders.intervention(dbsession)
    dbsession.add(
        Membership(user_id=make_user(dbsession, "x", "evaluator").id, intervention_id=iv.id)
    )
    from evalsys import setup

    row, created = setup.set_questionnaire(dbsession, iv, [("oude_schaal", "1")])
    assert created and [r["id"] for r in row.definition["instruments"]] == ["oude_schaal"]


def test_coordinators_cannot_import(testapp, dbsession, tm):
    coordinator = make_user(dbsession, "coen", "coordinator")
    iv = builders.intervention(dbsession)
    dbsession.add(Membership(user_id=coordinator.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    slug = iv.slug
    builders.commit(tm)
    sign_in(testapp, coordinator)
    testapp.post(f"/i/{slug}/instruments/import", status=403, expect_errors=True)
    assert dbsession.query(InstrumentDefinition).count() == 0


def test_the_demographics_choice_shows_what_the_questionnaire_has(
    testapp, dbsession, tm, evaluator
):
    """Saving the form unchanged keeps the version; "(none)" makes one without the block."""
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    form = questionnaire_form(testapp.get(f"/i/{slug}/setup"))
    block = surveys.load_instrument("demographics")
    assert form["demographics"].value == f"demographics@{block.version}"
    form.submit().follow()
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    assert iv.questionnaire.version == 1
    form = questionnaire_form(testapp.get(f"/i/{slug}/setup"))
    form["demographics"] = ""
    form.submit().follow()
    dbsession.expire_all()
    current = dbsession.query(Intervention).filter_by(slug=slug).one().questionnaire
    assert current.version == 2 and not current.definition.get("demographics")
