"""Linking evalsys accounts to a provider's users: only an administrator does it, never a login.

A link names the provider's user by subject (``sub``, stable at the provider), or by e-mail
address; an e-mail link is bound at its first sign-on to the subject whose ID token showed that
address as verified, and from then on only that subject matches it.
"""

from __future__ import annotations

from evalsys.accounts.models import User
from evalsys.accounts.sign_on.models import SignOnLink
from evalsys.accounts.sign_on.providers import ProviderSettings
from evalsys.accounts.users import UserError, is_address
from evalsys.db.meta import utcnow
from evalsys.i18n import _


def normal_email(value: str) -> str:
    return value.strip().lower()


def links_of(dbsession, user: User) -> list[SignOnLink]:
    return (
        dbsession.query(SignOnLink)
        .filter_by(user_id=user.id)
        .order_by(SignOnLink.provider, SignOnLink.id)
        .all()
    )


def link_account(
    dbsession,
    user: User,
    provider: ProviderSettings,
    *,
    subject: str = "",
    email: str = "",
    created_by: User | None = None,
) -> SignOnLink:
    """Let ``user`` sign on as the provider's user with this subject or verified address."""
    subject, email = subject.strip(), normal_email(email)
    if provider.match == "subject":
        if not subject or len(subject) > 255:
            raise UserError(_("Type the user's identifier (subject) at the provider."))
        email = ""
    elif not is_address(email):
        raise UserError(_("Type the user's e-mail address at the provider."))
    else:
        subject = ""
    links = dbsession.query(SignOnLink).filter_by(provider=provider.name)
    if links.filter_by(user_id=user.id).count():
        raise UserError(_("This account is linked to this provider already. Unlink it first."))
    taken = links.filter_by(subject=subject) if subject else links.filter_by(email=email)
    if taken.count():
        raise UserError(_("Another account is linked to this user of the provider."))
    link = SignOnLink(
        user_id=user.id,
        provider=provider.name,
        subject=subject or None,
        email=email or None,
        created_by_id=getattr(created_by, "id", None),
    )
    dbsession.add(link)
    dbsession.flush()
    return link


def unlink(dbsession, link: SignOnLink) -> None:
    dbsession.delete(link)
    dbsession.flush()


def find_link(dbsession, provider: ProviderSettings, claims: dict) -> SignOnLink | None:
    """The link of the provider's user these verified ID-token claims describe, or None."""
    links = dbsession.query(SignOnLink).filter_by(provider=provider.name)
    link = links.filter_by(subject=claims["sub"]).one_or_none()
    if link is not None or provider.match != "email":
        return link
    email = claims.get("email")
    # Only an address the provider checked: anyone can type someone else's address into a profile.
    if claims.get("email_verified") is not True or not isinstance(email, str):
        return None
    link = links.filter_by(email=normal_email(email), subject=None).one_or_none()
    if link is not None:
        link.subject = claims["sub"]
    return link


def used(link: SignOnLink) -> None:
    link.last_used_at = utcnow()
