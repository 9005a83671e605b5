"""An invitation names the next round in the participant's language (their contact's)."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.followup.due_list import today
from evalsys.followup.invitations import queue_invitations
from evalsys.mail import outbox
from evalsys.mail.contacts import leave_address
from evalsys.programme.models import Wave

from .. import builders
from ..mail_server import smtp_server  # noqa: F401 - the fixture
from .test_invitations import intervention, mail  # noqa: F401 - fixtures


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "The next round is open: Post-test"),
        ("nl", "De volgende ronde is open: Nameting"),
    ],
)
def test_the_invitation_names_the_round_in_the_participants_language(
    dbsession,
    intervention,  # noqa: F811 - the fixture imported above
    mail,  # noqa: F811
    language,
    subject,
):
    inbox, settings = mail
    post = dbsession.query(Wave).filter_by(intervention_id=intervention.id, label="T1").one()
    post.names = {"nl": "Nameting", "en": "Post-test"}
    person = builders.participant(dbsession, intervention, code="NAAM12")
    pre = dbsession.query(Wave).filter_by(intervention_id=intervention.id, label="T0").one()
    builders.response(dbsession, person, pre, submitted_at=dt.datetime.now(dt.UTC))
    leave_address(dbsession, intervention.id, person.id, "jongere@example.org", language)
    queue_invitations(dbsession, settings, on=today() + dt.timedelta(days=56))
    outbox.deliver(dbsession, settings)
    assert [message["Subject"] for message in inbox.messages] == [subject]
    body = inbox.messages[0].get_content()
    assert subject.split(": ")[1] in body
