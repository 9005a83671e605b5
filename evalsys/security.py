"""Who is asking (session cookie or API token) and what they may do (ACLs on contexts)."""

from __future__ import annotations

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import SignedCookieSessionFactory

from .models import Membership, User
from .settings import as_bool

SESSION_USER_KEY = "user_id"


def principals_for(user: User | None) -> list[str]:
    """The principals ACLs grant to: role, user, and each intervention or site the user works on."""
    principals = [Everyone]
    if user is None:
        return principals
    principals += [Authenticated, f"user:{user.id}", f"role:{user.role}"]
    for membership in user.memberships:
        if membership.site_id is None:
            principals.append(f"intervention:{membership.intervention_id}")
        else:
            principals.append(f"site:{membership.site_id}")
            principals.append(f"intervention-site:{membership.intervention_id}")
    return principals


class SecurityPolicy:
    """One policy for the whole application: identity from the signed session, ACLs for rights."""

    def identity(self, request) -> User | None:
        user_id = request.session.get(SESSION_USER_KEY)
        if user_id is None:
            return None
        user = request.dbsession.get(User, user_id)
        if user is None or not user.active:
            return None
        return user

    def authenticated_userid(self, request) -> int | None:
        user = request.identity
        return None if user is None else user.id

    def permits(self, request, context, permission):
        return ACLHelper().permits(context, principals_for(request.identity), permission)

    def remember(self, request, userid, **kw):
        request.session.invalidate()  # a new session on login: no fixation
        request.session[SESSION_USER_KEY] = userid
        request.session.new_csrf_token()
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        return []


def includeme(config) -> None:
    settings = config.get_settings()
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["evalsys.session_secret"],
            cookie_name="evalsys_session",
            httponly=True,
            samesite="Lax",
            secure=as_bool(settings.get("evalsys.secure_cookies", False)),
            timeout=int(settings.get("evalsys.session_timeout", 8 * 3600)),
            reissue_time=600,
        )
    )
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory("evalsys.resources.Root")


__all__ = ["Membership", "SecurityPolicy", "principals_for"]
