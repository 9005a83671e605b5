"""An evaluator downloads instruments and the questionnaire from the set-up page: every link gives
a file that surveys reads back to the same instrument; others get 403, unknown ids 404."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import yaml

import surveys
from evalsys.accounts.models import Membership
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention
from evalsys.setup import instruments as stored

from .. import builders
from ..world import make_user, sign_in, signed_in_evaluator_of_an_intervention
from .instrument_forms import CONSENT_NL, xlsform_bytes

LINK = re.compile(
    r'href="(?:http://localhost)?(/i/[^"]+/instruments/([^/"]+)/export\.(xlsform|redcap|yaml)\?([^"]*))"'
)
MEDIA = {
    "xlsform": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "redcap": "text/csv",
    "yaml": "application/yaml",
}


@pytest.fixture
def evaluator(dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    builders.commit(tm)
    return user


def read_back(data: bytes, fmt: str) -> surveys.Instrument:
    """The one block a downloaded file holds, read by surveys as an import would."""
    if fmt == "yaml":
        return surveys.parse_instrument(yaml.safe_load(data.decode("utf-8")))
    if fmt == "xlsform":
        questionnaire = surveys.import_xlsform(io.BytesIO(data), name="download.xlsx")
    else:
        questionnaire = surveys.import_redcap(io.BytesIO(data), name="download.csv")
    (block,) = questionnaire.blocks
    return block


def export_links(page) -> list[tuple[str, str, str, str]]:
    """(url, instrument id, format, version) of every download link on the set-up page."""
    found = []
    for url, instrument_id, fmt, query in LINK.findall(page.text):
        version = dict(part.split("=", 1) for part in unescape(query).split("&"))["version"]
        found.append((unescape(url), instrument_id, fmt, version))
    return found


def test_every_link_downloads_what_reads_back_the_same(testapp, dbsession, tm, evaluator):
    """Library and imported instruments, demographics blocks too, in all three formats."""
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    form = testapp.get(f"/i/{slug}/setup").forms
    upload = form[[k for k, f in form.items() if "form_file" in f.fields][0]]
    upload["form_file"] = ("buurt.xlsx", xlsform_bytes(demographics=True))
    upload.submit(status=303)
    imported = {f"{slug.replace('-', '_')}_buurtgevoel", f"{slug.replace('-', '_')}_demographics"}
    links = export_links(testapp.get(f"/i/{slug}/setup"))
    ids = {instrument_id for _url, instrument_id, _fmt, _version in links}
    assert imported | {"brs", "gse", "demographics"} <= ids
    assert {fmt for *_rest, fmt, _version in links} == {"xlsform", "redcap", "yaml"}
    assert len(links) == 3 * len({(i, v) for _u, i, _f, v in links})  # three per instrument
    for url, instrument_id, fmt, version in links:
        original = stored.find(dbsession, instrument_id, version)
        if original.outside_names and fmt != "yaml":
            # Registered by another test of this process (a block whose condition names
            # another block's item): a form cannot hold it alone, which the page says (409);
            # YAML can.
            testapp.get(url, status=409)
            continue
        response = testapp.get(url, status=200)
        assert response.content_type == MEDIA[fmt]
        assert f'filename="{instrument_id}-{version}.' in response.headers["Content-Disposition"]
        again = read_back(response.body, fmt)
        assert (again.id, again.version) == (instrument_id, version), url
        assert again.fingerprint == original.fingerprint, url


def test_the_questionnaire_downloads_as_one_xlsform(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(
        testapp, dbsession, tm, evaluator, instruments=(("brs", None), ("gse", None))
    )
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    iv.consent_text = {"nl": CONSENT_NL}
    builders.commit(tm)
    page = testapp.get(f"/i/{slug}/setup")
    assert f'/i/{slug}/questionnaire.xlsx"' in page.text
    response = testapp.get(f"/i/{slug}/questionnaire.xlsx", status=200)
    assert response.content_type == MEDIA["xlsform"]
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    assert f"{slug}-questionnaire-{iv.questionnaire.version}.xlsx" in response.content_disposition
    current = questionnaires.load(iv.questionnaire)
    again = surveys.import_xlsform(io.BytesIO(response.body), name="questionnaire.xlsx")
    assert [b.fingerprint for b in again.blocks] == [b.fingerprint for b in current.blocks]
    assert [b.id for b in again.blocks] == ["demographics", "brs", "gse"]


def test_a_coordinator_is_refused(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    coordinator = make_user(dbsession, "coen", "coordinator")
    dbsession.add(Membership(user_id=coordinator.id, intervention_id=iv.id, site_id=iv.sites[0].id))
    slug = iv.slug
    builders.commit(tm)
    sign_in(testapp, coordinator)
    testapp.get(f"/i/{slug}/instruments/brs/export.xlsform", status=403)
    testapp.get(f"/i/{slug}/instruments/brs/export.yaml?version=1.0", status=403)
    testapp.get(f"/i/{slug}/questionnaire.xlsx", status=403)


def test_anonymous_visitors_are_sent_to_the_login(testapp, dbsession, tm):
    slug = builders.intervention(dbsession).slug
    builders.commit(tm)
    answer = testapp.get(f"/i/{slug}/instruments/brs/export.redcap", status=302)
    assert "/login" in answer.location


@pytest.mark.parametrize(
    "path",
    [
        "instruments/no_such_instrument/export.xlsform",
        "instruments/brs/export.redcap?version=9.9",
        "instruments/brs/export.yaml?version=",  # empty: the newest
        "instruments/..%2Fbrs/export.yaml",
        "instruments/" + "x" * 300 + "/export.xlsform",
        "instruments/brs/export.pdf",
    ],
)
def test_an_unknown_instrument_or_format_is_404_never_500(testapp, dbsession, tm, evaluator, path):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    testapp.set_cookie("lang", "en")
    status = 200 if path.endswith("version=") else 404
    answer = testapp.get(f"/i/{slug}/{path}", status=status)
    if path.startswith("instruments/no_such"):
        assert "There is no instrument with this id and version." in answer.text


def test_no_questionnaire_yet_is_404(testapp, dbsession, tm, evaluator):
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    iv = dbsession.query(Intervention).filter_by(slug=slug).one()
    for row in list(iv.questionnaires):
        dbsession.delete(row)
    builders.commit(tm)
    testapp.set_cookie("lang", "en")
    answer = testapp.get(f"/i/{slug}/questionnaire.xlsx", status=404)
    assert "no questionnaire yet" in answer.text
    assert "questionnaire.xlsx" not in testapp.get(f"/i/{slug}/setup").text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_instrument_that_cannot_stand_alone_is_explained(
    testapp, dbsession, tm, evaluator, language
):
    """A block whose condition names another block's item is no file on its own: the set-up
    page says so (409) in the page's language, and writes no file."""
    definition = surveys.load_instrument("brs").to_dict()
    definition.update(id="webexport_after_gender", relevant="${geslacht} = 1")
    stored.store(dbsession, surveys.parse_instrument(definition))
    slug = signed_in_evaluator_of_an_intervention(testapp, dbsession, tm, evaluator)
    testapp.set_cookie("lang", language)
    answer = testapp.get(f"/i/{slug}/instruments/webexport_after_gender/export.xlsform", status=409)
    assert answer.content_type == "text/html"
    assert 'class="error-summary"' in answer.text and 'href="#f-export"' in answer.text
    assert 'id="f-export"' in answer.text
    assert "geslacht" in answer.text
    assert ("on its own" in answer.text) == (language == "en")
    # YAML holds a block on its own with its condition: that one downloads
    data = testapp.get(f"/i/{slug}/instruments/webexport_after_gender/export.yaml").body
    assert read_back(data, "yaml").relevant == "${geslacht} = 1"
