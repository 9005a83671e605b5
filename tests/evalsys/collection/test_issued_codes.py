"""Issued participant codes: issuing, the check on every way in, the survey's confirm step."""

from __future__ import annotations

import uuid

import pytest

from evalsys.collection import issued_codes, ratelimit
from evalsys.collection.models import IssuedCode, Participant, Response, SurveyLink
from evalsys.collection.submission_errors import CodeNotIssued
from evalsys.collection.submissions import Submission, submit

from .. import builders
from ..builders import BRS_ANSWERS


@pytest.fixture(autouse=True)
def fresh_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


def issued_intervention(dbsession):
    iv = builders.intervention(dbsession)
    for wave in iv.waves:
        wave.settings = {"participant_code": "issued"}
    dbsession.flush()
    return iv


def submission(iv, code, site=0, **extra) -> Submission:
    return Submission(
        submission_id=extra.pop("submission_id", str(uuid.uuid4())),
        intervention=iv,
        site=iv.sites[site],
        wave=iv.waves[0],
        participant_code=code,
        answers=dict(BRS_ANSWERS),
        issued_only=True,
        **extra,
    )


def test_issuing_makes_distinct_codes_for_the_site(dbsession):
    iv = issued_intervention(dbsession)
    first = issued_codes.issue(dbsession, iv, iv.sites[0], 40)
    second = issued_codes.issue(dbsession, iv, iv.sites[1], 40)
    codes = [row.code for row in first + second]
    assert len(set(codes)) == 80
    assert all(issued_codes.as_printed(code) == code for code in codes)
    (batch,) = issued_codes.batches(dbsession, iv.sites[0])
    assert (batch.count, batch.used) == (40, 0)
    assert issued_codes.codes_of(dbsession, iv.sites[0], batch.first_id) == [
        row.code for row in first
    ]
    with pytest.raises(ValueError, match="1 to 500"):
        issued_codes.issue(dbsession, iv, iv.sites[0], 501)


def test_only_an_issued_code_of_the_site_is_stored(dbsession):
    iv = issued_intervention(dbsession)
    (code,) = [row.code for row in issued_codes.issue(dbsession, iv, iv.sites[0], 1)]
    (elsewhere,) = [row.code for row in issued_codes.issue(dbsession, iv, iv.sites[1], 1)]
    stored = submit(dbsession, submission(iv, code.lower().replace("-", "")))
    assert stored.response.participant_code == code  # as printed on the card
    never_issued = issued_codes.new_code()
    for typed, reason in ((elsewhere, "not_issued"), (never_issued, "not_issued")):
        with pytest.raises(CodeNotIssued) as refused:
            submit(dbsession, submission(iv, typed))
        assert refused.value.reason == reason
        assert refused.value.details[0]["field"] == "participant_code"
    typo = code[:1] + ("Z" if code[1] != "Z" else "Y") + code[2:]
    with pytest.raises(CodeNotIssued) as refused:
        submit(dbsession, submission(iv, typo))
    assert refused.value.reason == "mistyped"
    assert dbsession.query(Participant).count() == 1


def test_a_retry_with_the_code_typed_otherwise_is_the_same_submission(dbsession):
    iv = issued_intervention(dbsession)
    (code,) = [row.code for row in issued_codes.issue(dbsession, iv, iv.sites[0], 1)]
    first = submission(iv, code)
    submit(dbsession, first)
    again = submission(iv, code.lower(), submission_id=first.submission_id)
    assert submit(dbsession, again).created is False
    assert dbsession.query(Response).count() == 1


# -- the participant survey ------------------------------------------------------------------


@pytest.fixture
def link(dbsession, tm):
    iv = issued_intervention(dbsession)
    row = SurveyLink(
        token="tok-issued-1", intervention_id=iv.id, site_id=iv.sites[0].id, wave_id=iv.waves[0].id
    )
    dbsession.add(row)
    codes = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[0], 2)]
    builders.commit(tm)
    return codes


def code_page(testapp):
    consent = testapp.get("/s/tok-issued-1?lang=en").form.submit()
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    return consent.form.submit()


def test_an_empty_code_is_asked_for(testapp, link):
    page = code_page(testapp)
    assert "like ABCD-EFG" in page.text
    answer = page.form.submit(status=400)
    assert "Fill in your code." in answer.text
    assert 'href="#f-code"' in answer.text and 'aria-invalid="true"' in answer.text


def test_a_typo_is_caught_by_the_check_character(testapp, link, dbsession):
    code = link[0]
    page = code_page(testapp)
    page.form["code"] = code[:-1] + ("X" if code[-1] != "X" else "Y")
    answer = page.form.submit(status=400)
    assert "mistyped or missing" in answer.text
    assert dbsession.query(Participant).count() == 0


def test_a_code_not_issued_here_is_refused(testapp, link):
    page = code_page(testapp)
    page.form["code"] = issued_codes.new_code()
    answer = page.form.submit(status=400)
    assert "not on the list of your group" in answer.text


def test_the_participant_confirms_the_code_then_answers(testapp, link, dbsession):
    code = link[0]
    page = code_page(testapp)
    page.form["code"] = code.lower().replace("-", " ")
    confirm = page.form.submit()
    assert f"Is this your code: {code}?" in confirm.text
    back = confirm.form.submit("confirm", value="no")
    assert back.form["code"].value == code  # to correct it
    confirm = back.form.submit()
    first = confirm.form.submit("confirm", value="yes")
    assert "Part 1 of 2" in first.text
    first.form["age_band"] = "2"
    last = first.form.submit()
    for item, value in BRS_ANSWERS.items():
        last.form[item] = str(value)
    assert last.form.submit().status_int == 303
    assert dbsession.query(Participant).one().code == code


def test_an_altered_hidden_code_is_refused_at_the_end(testapp, link, dbsession):
    page = code_page(testapp)
    page.form["code"] = link[0]
    first = page.form.submit().form.submit("confirm", value="yes")
    first.form["age_band"] = "2"
    last = first.form.submit()
    for item, value in BRS_ANSWERS.items():
        last.form[item] = str(value)
    last.form["_code"] = issued_codes.new_code()  # well-formed, never issued
    answer = last.form.submit(status=400)
    assert "not on the list of your group" in answer.text
    assert dbsession.query(Response).count() == 0


# -- the coordinator's page and the cards ------------------------------------------------------


def test_a_coordinator_issues_codes_and_prints_them_as_cards(testapp, dbsession, tm):
    import io

    from pypdf import PdfReader

    from .. import world as worlds

    world = worlds.build(dbsession, tm)
    site = world.site("A1")
    worlds.sign_in(testapp, world.users["coordinator"])
    url = f"/i/{world.a.slug}/sites/{site.slug}/codes"
    testapp.set_cookie("lang", "en")
    page = testapp.get(url)
    page.forms["issue-codes"]["count"] = "abc"
    refused = page.forms["issue-codes"].submit(status=400)
    assert "from 1 to 500" in refused.text
    refused.forms["issue-codes"]["count"] = "12"
    listed = refused.forms["issue-codes"].submit().follow()
    assert "Print cards (PDF, A4)" in listed.text
    codes = [row.code for row in dbsession.query(IssuedCode).filter_by(site_id=site.id)]
    assert len(codes) == 12
    pdf = listed.click(description=r"Print cards \(PDF, A4\)")
    assert pdf.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body))
    assert len(reader.pages) == 2  # ten cards a page
    text = "".join(p.extract_text() for p in reader.pages)
    assert all(code in text for code in codes)
    assert "Bewaar deze kaart" in text or "Keep this card" in text


def test_erasure_takes_the_issued_code_with_the_participant(dbsession, app):
    from evalsys.privacy.erasure import erase_participant

    iv = issued_intervention(dbsession)
    kept, erased = [row.code for row in issued_codes.issue(dbsession, iv, iv.sites[0], 2)]
    submit(dbsession, submission(iv, erased))
    person = dbsession.query(Participant).filter_by(code=erased).one()
    erase_participant(dbsession, app.registry.settings, person, "asked to be removed")
    left = {row.code for row in dbsession.query(IssuedCode)}
    assert left == {kept}
    with pytest.raises(CodeNotIssued):  # the card no longer starts a participant
        submit(dbsession, submission(iv, erased))


def test_a_move_to_another_code_takes_only_an_issued_one(dbsession):
    from evalsys.collection import corrections
    from evalsys.collection.corrections import CodeNotIssuedHere, Reason

    iv = issued_intervention(dbsession)
    first, second = [row.code for row in issued_codes.issue(dbsession, iv, iv.sites[0], 2)]
    stored = submit(dbsession, submission(iv, first))
    response = dbsession.get(Response, stored.response.id)
    with pytest.raises(CodeNotIssuedHere) as refused:
        corrections.move(
            dbsession, response, Reason("wrong_participant_code"), participant_code="AB12"
        )
    assert refused.value.reason == "mistyped" and refused.value.field == "participant_code"
    moved = corrections.move(
        dbsession, response, Reason("wrong_participant_code"), participant_code=second.lower()
    )
    assert moved.participant.code == second


def test_an_empty_handed_out_code_is_asked_for_too(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)  # participant_code: assigned (any well-formed code)
    dbsession.add(
        SurveyLink(
            token="tok-assigned-1",
            intervention_id=iv.id,
            site_id=iv.sites[0].id,
            wave_id=iv.waves[0].id,
        )
    )
    builders.commit(tm)
    consent = testapp.get("/s/tok-assigned-1?lang=en").form.submit()
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    answer = consent.form.submit().form.submit(status=400)
    assert "Fill in your code." in answer.text
    assert "This code is not right" not in answer.text


def test_the_code_steps_speak_dutch(testapp, link):
    """Needs the Dutch catalogue with this part's texts (/tmp/tr/codes.json)."""
    consent = testapp.get("/s/tok-issued-1").form.submit()
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    page = consent.form.submit()
    assert "Vul je code in." in page.form.submit(status=400).text
    page.form["code"] = link[0]
    assert f"Is dit je code: {link[0]}?" in page.form.submit().text
