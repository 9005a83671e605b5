"""A person's own mail settings: an address checked before it is kept, digests on and off."""

from __future__ import annotations

from evalsys.accounts.models import User
from evalsys.audit.models import AuditEvent

from .. import builders
from ..web_session import csrf_token
from ..world import make_user, sign_in


def test_an_address_is_kept_only_when_it_is_one(testapp, dbsession, tm):
    user = make_user(dbsession, "coordinator-mail", "coordinator")
    builders.commit(tm)
    sign_in(testapp, user)
    page = testapp.get("/account/mail")
    assert 'id="digests"' in page.text and " checked" in page.text  # on unless switched off
    form = {"email": "naam@voorbeeld", "digests": "on", "language": "nl"}
    refused = testapp.post("/account/mail", {**form, "csrf_token": csrf_token(page)}, status=400)
    assert "Dit is geen e-mailadres" in refused.text and 'value="naam@voorbeeld"' in refused.text
    dbsession.expire_all()
    assert dbsession.get(User, user.id).email is None
    form = {"email": " coen@example.org ", "language": "en", "csrf_token": csrf_token(page)}
    saved = testapp.post("/account/mail", form)  # no "digests": the box was unticked
    assert "Je mailinstellingen zijn opgeslagen" in saved.text
    dbsession.expire_all()
    stored = dbsession.get(User, user.id)
    assert (stored.email, stored.digests, stored.mail_language) == ("coen@example.org", False, "en")
    event = dbsession.query(AuditEvent).filter_by(action="mail_settings_changed").one()
    assert event.details == {"digests": False, "has_address": True}  # never the address itself
    assert "mails over de opvolging staan uit" in testapp.get("/account").text
