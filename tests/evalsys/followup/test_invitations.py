"""Participant invitations end to end: an address left on the thanks page, the personal link
when the next round opens, two reminders at most, unsubscribing, and the address deleted after
the last round and with the participant; never in an export. Mail through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from evalsys.collection import links
from evalsys.collection.models import Participant, SurveyLink
from evalsys.followup.due_list import today
from evalsys.followup.invitations import queue_invitations
from evalsys.mail import outbox
from evalsys.mail.models import MailMessage, ParticipantContact
from evalsys.privacy.erasure import erase_participant
from evalsys.programme.models import Intervention
from evalsys.results import exports

from .. import builders
from ..builders import BRS_ANSWERS
from ..collection.test_survey import fill_page, fresh_limits, through_consent  # noqa: F401
from ..mail_server import smtp_server  # noqa: F401 - the fixture
from . import due_data

ADDRESS = "jongere@example.org"


@pytest.fixture
def intervention(dbsession, tm):
    iv = builders.intervention(dbsession, consent_text={"nl": "Doe je mee?"}, invitations=True)
    iv.waves[1].opens_after_days, iv.waves[1].closes_after_days = 56, 84
    dbsession.add(
        SurveyLink(
            token="tok-survey-1",
            intervention_id=iv.id,
            site_id=iv.sites[0].id,
            wave_id=iv.waves[0].id,
        )
    )
    dbsession.flush()
    links.ensure_links(dbsession, iv)
    builders.commit(tm)
    return iv


def answer_the_pre_test(testapp, code="ab12cd"):
    code_page = through_consent(testapp)
    code_page.form["code"] = code
    done = fill_page(fill_page(code_page.form.submit(), {"age_band": 2}), BRS_ANSWERS)
    return done.follow()


@pytest.fixture
def mail(app, smtp_server):  # noqa: F811
    inbox, settings = smtp_server
    return inbox, {**app.registry.settings, **settings}


def test_an_address_left_after_the_answers_gets_the_next_round_and_two_reminders(
    testapp, intervention, dbsession, mail
):
    inbox, settings = mail
    thanks = answer_the_pre_test(testapp)
    assert "Een e-mail voor de volgende ronde?" in thanks.text
    thanks.form["email"] = "geen adres"
    refused = thanks.form.submit(status=400)
    assert "Dit is geen e-mailadres" in refused.text
    refused.form["email"] = ADDRESS
    assert "We sturen je een e-mail" in refused.form.submit().text
    contact = dbsession.query(ParticipantContact).one()
    participant = dbsession.get(Participant, contact.participant_id)
    assert (contact.email, participant.code) == (ADDRESS, "AB12CD")

    opens = today() + dt.timedelta(days=56)
    sent = []
    for offset in (-1, 0, 1, 7, 8, 14, 21, 28):  # days after T1 opened for this participant
        queue_invitations(dbsession, settings, on=opens + dt.timedelta(days=offset))
        outbox.deliver(dbsession, settings)
        sent.append(len(inbox.messages))
    assert sent == [0, 1, 1, 2, 2, 3, 3, 3]  # the invitation, then a reminder a week apart, twice
    first, reminder = inbox.messages[0], inbox.messages[1]
    assert inbox.recipients[0] == [ADDRESS]
    assert first["Subject"] == "De volgende ronde is open: Nameting"
    assert reminder["Subject"].startswith("Herinnering")
    t1 = (
        dbsession.query(SurveyLink)
        .filter_by(
            wave_id=intervention.waves[1].id,
            site_id=intervention.sites[0].id,
            group_name="intervention",
        )
        .one()
    )
    body = first.get_content()
    personal = f"https://evalsys.example.org/s/{t1.token}?code=AB12CD"
    assert personal in body and "Je code is: AB12CD" in body
    # the mail gives the welcome page's estimate of the time it takes (one source)
    minutes = re.search(r"ongeveer (\d+) minuten", testapp.get("/s/tok-survey-1").text).group(1)
    assert f"Het duurt ongeveer {minutes} minuten" in body
    consent = testapp.get(personal.removeprefix("https://evalsys.example.org")).form.submit()
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    code_step = consent.form.submit()
    assert 'name="code"' in code_step.text and 'value="AB12CD"' in code_step.text  # to confirm
    stop = f"https://evalsys.example.org/mail/stop/{contact.token}"
    assert stop in body and first["List-Unsubscribe"] == f"<{stop}>"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    logged = dbsession.query(MailMessage).order_by(MailMessage.id).all()
    assert [m.template for m in logged] == ["invitation", "reminder", "reminder"]
    assert all(m.body == "" and m.contact_id == contact.id and m.user_id is None for m in logged)
    export = b"".join(
        exports.csv_chunks(
            *exports.rows_for(
                dbsession, intervention, "csv_long", exports.layout(intervention, free_text=True)
            )
        )
    )
    assert ADDRESS.encode() not in export


def test_unsubscribing_deletes_the_address_and_nothing_more_is_sent(
    testapp, intervention, dbsession, mail
):
    inbox, settings = mail
    thanks = answer_the_pre_test(testapp)
    thanks.form["email"] = ADDRESS
    thanks.form.submit()
    token = dbsession.query(ParticipantContact).one().token
    opens = today() + dt.timedelta(days=56)
    queue_invitations(dbsession, settings, on=opens)
    page = testapp.get(f"/mail/stop/{token}")
    assert "Verwijder mijn e-mailadres" in page.text
    assert dbsession.query(ParticipantContact).count() == 1  # a GET changes nothing
    done = testapp.post(f"/mail/stop/{token}")  # as a mail program's one click
    assert "Je e-mailadres is verwijderd" in done.text
    dbsession.expire_all()
    assert dbsession.query(ParticipantContact).count() == 0
    outbox.deliver(dbsession, settings)
    assert inbox.messages == []  # the queued invitation is given up: the address is gone
    assert dbsession.query(MailMessage).one().state == "failed"
    assert "al verwijderd" in testapp.get(f"/mail/stop/{token}").text


def test_the_address_goes_after_the_last_round_and_with_an_erased_participant(
    testapp, intervention, dbsession, mail, tm
):
    _inbox, settings = mail
    thanks = answer_the_pre_test(testapp)
    thanks.form["email"] = ADDRESS
    thanks.form.submit()
    contact = dbsession.query(ParticipantContact).one()
    person = dbsession.get(Participant, contact.participant_id)
    builders.response(dbsession, person, intervention.waves[1], submitted_at=due_data.day(0))
    assert queue_invitations(dbsession, settings) == {"queued": 0, "deleted": 1}
    assert dbsession.query(ParticipantContact).count() == 0

    other = builders.participant(dbsession, intervention, code="ZZ99")
    builders.response(dbsession, other, intervention.waves[0])
    from evalsys.mail.contacts import leave_address

    leave_address(dbsession, intervention.id, other.id, "ander@example.org", "nl")
    erase_participant(dbsession, settings, other, "Op verzoek van de deelnemer")
    assert dbsession.query(ParticipantContact).count() == 0


def test_no_address_is_asked_without_invitations_or_without_the_signature(
    testapp, intervention, dbsession, tm
):
    thanks = answer_the_pre_test(testapp)
    assert 'name="email"' in thanks.text
    url = thanks.request.url
    forged = url.replace("k=", "k=0")
    assert 'name="email"' not in testapp.get(forged).text
    dbsession.query(Intervention).filter_by(id=intervention.id).update({"invitations": False})
    builders.commit(tm)
    assert 'name="email"' not in testapp.get(url).text
