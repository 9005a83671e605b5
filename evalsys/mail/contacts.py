"""A participant leaves an e-mail address for their next round (checked with
evalsys.accounts.users.is_address): kept apart, one per participant. The thanks page names
the response by its submission id with an HMAC of it (``signature``), so only the browser that
just sent the answers can attach an address."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from evalsys.mail.models import ParticipantContact


def signature(settings: dict, submission_id: str) -> str:
    key = settings["evalsys.session_secret"].encode()
    message = f"follow-up-address:{submission_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def signed(settings: dict, submission_id: str, given: str) -> bool:
    return hmac.compare_digest(signature(settings, submission_id), given or "")


def leave_address(
    dbsession, intervention_id: int, participant_id: int, email: str, language: str
) -> ParticipantContact:
    """Keep (or replace) the participant's address."""
    query = select(ParticipantContact).where(ParticipantContact.participant_id == participant_id)
    contact = dbsession.execute(query).scalar_one_or_none()
    if contact is None:
        contact = ParticipantContact(
            intervention_id=intervention_id,
            participant_id=participant_id,
            token=secrets.token_urlsafe(32),
        )
        dbsession.add(contact)
    contact.email, contact.language = email, language if language in ("nl", "en") else "nl"
    dbsession.flush()
    return contact
