"""The security policy: who is asking (session cookie or API token), CSRF, the second login step,
and the audit of every view that shows participant-level data.

When a session cookie stops identifying its user is :mod:`evalsys.accounts.sessions`.

What the request may do is :class:`evalsys.accounts.access.Access`, worked out once per request
as ``request.access``; the ACLs of the route contexts grant to its principals.
"""

from __future__ import annotations

import time

from pyramid.authorization import ACLHelper
from pyramid.csrf import SessionCSRFStoragePolicy

from evalsys import audit
from evalsys.accounts.access import Access
from evalsys.accounts.models import User
from evalsys.accounts.sessions import (
    session_factory,
    session_fingerprint,
    session_user,
    start_session,
)
from evalsys.accounts.tokens import Grant, find_token
from evalsys.db.recent import recent

PENDING_USER_KEY = "pending_user_id"
PENDING_SINCE_KEY = "pending_since"
PENDING_FINGERPRINT_KEY = "pending_fp"
# Between the password and the second step (code or enrolment) a person has this long.
PENDING_SECONDS = 10 * 60

# Views with these permissions show participant-level data: every call is audited.
PARTICIPANT_PERMISSIONS = {"view_participants": "participant_data_viewed", "export": "export"}


def bearer_token(request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None when there is no such header."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def _api_token(request) -> Grant | None:
    secret = bearer_token(request)
    if not secret:
        return None
    # Outside the request's transaction: a submission then needs none (models.direct_connection).
    return find_token(request.dbconnection, secret, recent=recent(request, "tokens"))


def _identity(request) -> User | None:
    if bearer_token(request) is not None:
        # Bearer requests never use the session cookie, whatever the token's fate.
        token = request.api_token
        return None if token is None else request.dbsession.get(User, token.user_id)
    return session_user(request)


def request_access(request) -> Access:
    """What this request may reach (``request.access``); a token request never loads its user."""
    token = request.api_token
    return Access(None if token is not None else request.identity, token)


class SecurityPolicy:
    """One policy for the whole app: identity from the session or a token, ACLs for rights."""

    def identity(self, request) -> User | None:
        return request.evalsys_identity

    def authenticated_userid(self, request) -> int | None:
        user = request.identity
        return None if user is None else user.id

    def permits(self, request, context, permission):
        return ACLHelper().permits(context, request.access.principals, permission)

    def remember(self, request, userid, **kw):
        user = request.dbsession.get(User, userid)
        request.session.invalidate()  # a new session on login: no fixation
        start_session(request.session, user)
        request.session.new_csrf_token()
        request.__dict__.pop("evalsys_identity", None)
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        request.__dict__.pop("evalsys_identity", None)
        return []


def start_second_step(request, user: User) -> None:
    """The password was right; the person still has to give a code (or enrol an app)."""
    request.session.invalidate()
    request.session[PENDING_USER_KEY] = user.id
    request.session[PENDING_SINCE_KEY] = int(time.time())
    request.session[PENDING_FINGERPRINT_KEY] = session_fingerprint(user)
    request.session.new_csrf_token()


def pending_user(request) -> User | None:
    """The user who gave the right password in the last ten minutes and is at the second step."""
    user_id = request.session.get(PENDING_USER_KEY)
    since = request.session.get(PENDING_SINCE_KEY, 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    user = request.dbsession.get(User, user_id)
    if user is None or not user.active:
        return None
    if request.session.get(PENDING_FINGERPRINT_KEY) != session_fingerprint(user):
        return None
    return user


def _check_csrf(request) -> bool:
    # A bearer token is not sent by browsers on their own, so it needs no CSRF token.
    return bearer_token(request) is None


def audited_view(view, info):
    """Record every successful call of a view that shows participant-level data."""
    action = PARTICIPANT_PERMISSIONS.get(info.options.get("permission"))
    if action is None:
        return view

    def wrapper(context, request):
        response = view(context, request)
        if getattr(response, "status_int", 200) < 400:
            intervention = getattr(context, "intervention", None)
            site = getattr(context, "site", None)
            audit.record_request(
                request,
                action,
                target_type="route",
                target_id=request.matched_route.name if request.matched_route else "",
                intervention_id=getattr(intervention, "id", None),
                site_id=getattr(site, "id", None),
                path=request.path,
                method=request.method,
            )
        return response

    return wrapper


def includeme(config) -> None:
    settings = config.get_settings()
    config.set_session_factory(session_factory(settings))
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True, callback=_check_csrf)
    config.add_request_method(_api_token, "api_token", reify=True)
    config.add_request_method(_identity, "evalsys_identity", reify=True)
    config.add_request_method(request_access, "access", reify=True)
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory("evalsys.principals.Root")
    config.add_view_deriver(audited_view)


__all__ = [
    "SecurityPolicy",
    "pending_user",
    "request_access",
    "start_second_step",
]
