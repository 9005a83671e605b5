"""Log in (password, then a code from an authenticator app), log out, set a password from a link."""

from __future__ import annotations

import math

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationString
from pyramid.security import forget, remember
from pyramid.view import view_config

from evalsys import audit
from evalsys.accounts import totp
from evalsys.accounts.landing import landing_url
from evalsys.accounts.models import User
from evalsys.accounts.passwords import hash_password, verify_password
from evalsys.accounts.policy import pending_user, start_second_step
from evalsys.accounts.sessions import end_sessions
from evalsys.accounts.sign_on import passwords_allowed, registry_providers
from evalsys.accounts.throttle import ThrottleRules, wait_seconds
from evalsys.accounts.users import UserError, find_reset_link, use_reset_link
from evalsys.db.meta import utcnow

NEXT_KEY = "after_login"
# How the first step was done when it was not a password ("sso:<provider>"), for the audit.
FIRST_STEP_KEY = "first_step"
ENROL_SECRET_KEY = "enrol_secret"
# Checked when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password-at-all")


def message(request, error: Exception) -> str:
    """A service error in the user's language."""
    text = error.args[0] if error.args else ""
    return request.localizer.translate(text) if isinstance(text, TranslationString) else str(text)


def local_path(value: str | None) -> str | None:
    """Only a path on this site: an open redirect would let a phishing link borrow our name."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def throttled(request, username: str) -> int:
    """Seconds this attempt must wait (0: go on); a waiting attempt answers 429 with Retry-After."""
    rules = ThrottleRules.from_settings(request.registry.settings)
    wait = wait_seconds(request.dbsession, rules, username, request.client_addr or "")
    if not wait:
        return 0
    audit.record(
        request.dbsession,
        "login_throttled",
        request=request,
        target_type="user",
        target_id=username,
        username=username,
        retry_after=wait,
    )
    request.response.status_int = 429
    request.response.headers["Retry-After"] = str(wait)
    return wait


def too_many_attempts(request, wait: int) -> str:
    if wait <= 90:
        return request.translate(
            "Too many failed attempts. Wait ${seconds} seconds and try again.",
            mapping={"seconds": wait},
        )
    return request.translate(
        "Too many failed attempts. Wait ${minutes} minutes and try again, "
        "or ask your administrator.",
        mapping={"minutes": math.ceil(wait / 60)},
    )


def record_failure(request, username: str, reason: str, user: User | None = None) -> None:
    audit.record(
        request.dbsession,
        "login_failed",
        actor=user,
        request=request,
        target_type="user",
        target_id=username,
        username=username,
        reason=reason,
    )


def complete_login(request, user: User, method: str, **details):
    """Both steps done: start a fresh session and go where the person was heading, or else
    where their work is (evalsys.accounts.landing)."""
    target = local_path(request.session.get(NEXT_KEY)) or landing_url(request, user)
    if FIRST_STEP_KEY in request.session:
        details["first_step"] = request.session[FIRST_STEP_KEY]
    user.last_login_at = utcnow()
    audit.record(
        request.dbsession,
        "login",
        actor=user,
        request=request,
        target_type="user",
        target_id=user.username,
        method=method,
        **details,
    )
    return HTTPFound(location=target, headers=remember(request, user.id))


def login_page(request, **values) -> dict:
    """What the login page shows: the sign-on buttons, and the password form unless it is off
    (then only on asking, ``?form=password``: administrators keep their passwords)."""
    shown = request.GET.get("form") == "password" or request.method == "POST"
    return {
        "sign_on": list(registry_providers(request.registry).values()),
        "passwords": passwords_allowed(request.registry) or shown,
        **values,
    }


def passwords_off(request, username: str, reason: str, user: User | None = None) -> dict:
    """Passwords are switched off: one answer, whatever was wrong, so it tells no user names."""
    record_failure(request, username, reason, user)
    request.response.status_int = 403
    error = request.translate(
        "Logging in with a password is switched off here: use the sign-on button. "
        "Administrators can still use their password: check your user name and password."
    )
    return login_page(request, error=error, username=username, next="")


@view_config(route_name="auth.login", renderer="login.jinja2", permission="public")
def login(request):
    error = None
    username = ""
    next_path = local_path(request.params.get("next")) or ""
    if request.method == "POST":
        # No user name holds NUL and the database refuses it: such a name is simply unknown.
        username = request.POST.get("username", "").replace("\x00", "\ufffd").strip()[:100]
        password = request.POST.get("password", "")
        if wait := throttled(request, username):
            error = too_many_attempts(request, wait)
            return login_page(request, error=error, username=username, next=next_path)
        user = request.dbsession.query(User).filter_by(username=username).one_or_none()
        allowed = passwords_allowed(request.registry)
        if user is None:
            verify_password(_DUMMY_HASH, password)
        elif user.active and verify_password(user.password_hash, password):
            if not allowed and user.role != "admin":
                return passwords_off(request, username, "local_passwords_off", user)
            request.session.pop(FIRST_STEP_KEY, None)  # of a sign-on left at its second step
            if user.totp_secret or totp.totp_required(user):
                start_second_step(request, user)
                request.session[NEXT_KEY] = next_path
                route = "auth.second_step" if user.totp_secret else "auth.enrol"
                return HTTPFound(location=request.route_url(route))
            request.session[NEXT_KEY] = next_path
            return complete_login(request, user, "password")
        if not allowed:
            return passwords_off(request, username, "password")
        record_failure(request, username, "password")
        error = request.translate("Unknown user name or wrong password. Check both and try again.")
        request.response.status_int = 400
    return login_page(request, error=error, username=username, next=next_path)


@view_config(
    route_name="auth.second_step", renderer="account/login_code.jinja2", permission="public"
)
def second_step(request):
    user = pending_user(request)
    if user is None or not user.totp_secret:
        return HTTPFound(location=request.route_url("auth.login"))
    error = None
    if request.method == "POST":
        if wait := throttled(request, user.username):
            return {"error": too_many_attempts(request, wait)}
        code = request.POST.get("code", "").strip()
        if totp.verify_totp(user, code):
            return complete_login(request, user, "totp")
        if totp.use_recovery_code(request.dbsession, user, code):
            audit.record(
                request.dbsession,
                "recovery_code_used",
                actor=user,
                request=request,
                target_type="user",
                target_id=user.username,
                left=totp.unused_recovery_codes(request.dbsession, user),
            )
            return complete_login(request, user, "recovery_code")
        record_failure(request, user.username, "code", user)
        error = request.translate("This code is not right. Type the code your app shows now.")
        request.response.status_int = 400
    return {"error": error}


def enrolment(request, user: User) -> dict:
    """The secret being enrolled (kept in the signed session until confirmed), as text and QR."""
    secret = request.session.get(ENROL_SECRET_KEY)
    if not secret:
        secret = totp.new_secret()
        request.session[ENROL_SECRET_KEY] = secret
    uri = totp.provisioning_uri(secret, user.username)
    return {"secret": totp.group_secret(secret), "qr_svg": totp.qr_svg(uri), "uri": uri}


def confirm_enrolment(request, user: User) -> list[str] | None:
    """Check the first code; on success store the secret and return new recovery codes."""
    secret = request.session.get(ENROL_SECRET_KEY)
    step = totp.check_new_secret(secret, request.POST.get("code", "")) if secret else None
    if step is None:
        return None
    codes = totp.enable_totp(request.dbsession, user, secret, step)
    request.session.pop(ENROL_SECRET_KEY, None)
    audit.record(
        request.dbsession,
        "totp_enabled",
        actor=user,
        request=request,
        target_type="user",
        target_id=user.username,
    )
    return codes


@view_config(route_name="auth.enrol", renderer="account/enrol.jinja2", permission="public")
def enrol(request):
    """First login of an admin or evaluator: set up an authenticator app before going on."""
    user = pending_user(request)
    if user is None:
        return HTTPFound(location=request.route_url("auth.login"))
    if user.totp_secret:
        return HTTPFound(location=request.route_url("auth.second_step"))
    error = None
    if request.method == "POST":
        if wait := throttled(request, user.username):
            return {**enrolment(request, user), "error": too_many_attempts(request, wait)}
        codes = confirm_enrolment(request, user)
        if codes is not None:
            # The session cookie rides on this page; the codes are shown once, then never again.
            redirect = complete_login(request, user, "totp_enrolment")
            request.override_renderer = "account/recovery_codes.jinja2"
            return {"codes": codes, "continue_to": redirect.location}
        record_failure(request, user.username, "enrolment_code", user)
        error = request.translate("This code is not right. Type the code your app shows now.")
        request.response.status_int = 400
    return {**enrolment(request, user), "error": error}


@view_config(route_name="auth.logout", request_method="POST", permission="public")
def logout(request):
    """End the session here and every copy of it: all of the user's sessions, on every device."""
    # A bearer token has no session to end, and must not end its user's sessions either.
    if request.identity is not None and request.api_token is None:
        end_sessions(request.identity)
        audit.record(
            request.dbsession,
            "logout",
            actor=request.identity,
            request=request,
            target_type="user",
            target_id=request.identity.username,
        )
    return HTTPFound(location=request.route_url("home"), headers=forget(request))


@view_config(route_name="auth.reset", renderer="account/reset.jinja2", permission="public")
def reset_password(request):
    """The one-time link an administrator made: choose a new password."""
    reset = find_reset_link(request.dbsession, request.matchdict["token"])
    if reset is None:
        raise HTTPNotFound()
    error = None
    if request.method == "POST":
        try:
            use_reset_link(reset, request.POST.get("password", ""), request.POST.get("repeat", ""))
        except UserError as problem:
            error = message(request, problem)
            request.response.status_int = 400
        else:
            audit.record(
                request.dbsession,
                "password_reset_used",
                actor=reset.user,
                request=request,
                target_type="user",
                target_id=reset.user.username,
            )
            forget(request)
            return HTTPFound(location=request.route_url("auth.login", _query={"reset": "1"}))
    return {"error": error, "username": reset.user.username}
