"""Login sessions: what the signed session cookie holds, and when it stops identifying anybody.

The cookie is signed, so nobody can forge one, but a copy works wherever it is sent. It therefore
names the user's *session generation* (``users.session_generation``), read from the database on
every request: logout, a password change, blocking and a role change raise the generation, and
every cookie issued before, on any device, identifies nobody from then on. A session also ends
after ``evalsys.session_idle_minutes`` without a request (default 30).
"""

from __future__ import annotations

import hashlib
import time

from pyramid.session import SignedCookieSessionFactory

from evalsys.accounts.models import User
from evalsys.settings import as_bool

SESSION_USER_KEY = "user_id"
SESSION_FINGERPRINT_KEY = "auth_fp"
SESSION_GENERATION_KEY = "auth_gen"
LAST_SEEN_KEY = "seen"
DEFAULT_IDLE_MINUTES = 30
# The last activity is rewritten at most once a minute, so not every request re-sends the cookie.
SEEN_RESOLUTION_SECONDS = 60


def now() -> float:
    """Seconds since the epoch; one place for the clock, so tests can move it."""
    return time.time()


def session_fingerprint(user: User) -> str:
    """Changes when the password or the authenticator changes, ending every other session."""
    material = f"{user.password_hash or ''}|{user.totp_secret or ''}|{user.role}"
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def end_sessions(user: User) -> None:
    """Every session of this user, on every device, ends at its next request."""
    user.session_generation = (user.session_generation or 0) + 1


def idle_seconds(settings) -> int:
    """How long a session may go without a request (``evalsys.session_idle_minutes``)."""
    return 60 * int(settings.get("evalsys.session_idle_minutes", DEFAULT_IDLE_MINUTES))


def start_session(session, user: User) -> None:
    """Fill a fresh session for ``user`` (the caller has invalidated the old one)."""
    session[SESSION_USER_KEY] = user.id
    session[SESSION_FINGERPRINT_KEY] = session_fingerprint(user)
    session[SESSION_GENERATION_KEY] = user.session_generation or 0
    session[LAST_SEEN_KEY] = int(now())


def session_user(request) -> User | None:
    """The user this request's session cookie still stands for, or None.

    Nobody when the user is gone or blocked, when the password, authenticator or role changed
    (the fingerprint), when the session is of an older generation, or when it has been idle
    too long. An active session's last-activity time moves forward at most once a minute.
    """
    session = request.session
    user_id = session.get(SESSION_USER_KEY)
    if user_id is None:
        return None
    user = request.dbsession.get(User, user_id)
    if user is None or not user.active:
        return None
    if session.get(SESSION_FINGERPRINT_KEY) != session_fingerprint(user):
        return None
    if session.get(SESSION_GENERATION_KEY) != (user.session_generation or 0):
        return None
    current = int(now())
    seen = session.get(LAST_SEEN_KEY)
    if not isinstance(seen, int) or current - seen > idle_seconds(request.registry.settings):
        return None
    if current - seen >= SEEN_RESOLUTION_SECONDS:
        session[LAST_SEEN_KEY] = current
    return user


def session_factory(settings):
    """Signed cookie sessions; ``Secure`` whenever the request came over https."""
    options = dict(
        cookie_name="evalsys_session",
        httponly=True,
        samesite="Lax",
        timeout=int(settings.get("evalsys.session_timeout", 8 * 3600)),
        reissue_time=600,
    )
    secret = settings["evalsys.session_secret"]
    always_secure = as_bool(settings.get("evalsys.secure_cookies", False))
    plain = SignedCookieSessionFactory(secret, secure=always_secure, **options)
    secure = SignedCookieSessionFactory(secret, secure=True, **options)

    def factory(request):
        # Secure whenever the request came over https (directly, or through a trusted proxy).
        return (secure if request.scheme == "https" else plain)(request)

    return factory
