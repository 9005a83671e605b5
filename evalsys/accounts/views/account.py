"""A person's own account: password, authenticator app, recovery codes and API tokens."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.security import remember
from pyramid.view import view_config

from evalsys import audit
from evalsys.accounts import totp
from evalsys.accounts.models import ApiToken
from evalsys.accounts.passwords import verify_password
from evalsys.accounts.tokens import create_token, revoke, scopes_for
from evalsys.accounts.users import UserError, change_password
from evalsys.accounts.views.auth import confirm_enrolment, enrolment, message
from evalsys.programme.models import Intervention, Site

TOKEN_LIFETIMES = (30, 90, 365)


def _record(request, action: str, **details) -> None:
    user = request.identity
    audit.record_request(request, action, target_type="user", target_id=user.username, **details)


@view_config(route_name="account.home", renderer="account/home.jinja2", permission="account")
def account_home(request):
    user = request.identity
    return {
        "user": user,
        "totp_required": totp.totp_required(user),
        "recovery_codes_left": totp.unused_recovery_codes(request.dbsession, user),
        "memberships": describe_memberships(request.dbsession, user),
    }


def describe_memberships(dbsession, user) -> list[tuple[int, Intervention, Site | None]]:
    """(membership id, intervention, site or None) for each of the user's memberships."""
    rows = []
    for membership in user.memberships:
        intervention = dbsession.get(Intervention, membership.intervention_id)
        site = None if membership.site_id is None else dbsession.get(Site, membership.site_id)
        rows.append((membership.id, intervention, site))
    return rows


@view_config(
    route_name="account.password", renderer="account/password.jinja2", permission="account"
)
def password(request):
    user = request.identity
    error = done = None
    if request.method == "POST":
        try:
            change_password(
                user,
                request.POST.get("current", ""),
                request.POST.get("password", ""),
                request.POST.get("repeat", ""),
            )
        except UserError as problem:
            error = message(request, problem)
            request.response.status_int = 400
        else:
            _record(request, "password_changed")
            remember(request, user.id)  # other sessions end; this one carries on
            done = request.translate("Your password is changed.")
    return {"error": error, "done": done}


@view_config(route_name="account.totp", renderer="account/totp.jinja2", permission="account")
def authenticator(request):
    """Set up an authenticator app (optional for coordinators and ministry users)."""
    user = request.identity
    if user.totp_secret:
        return {
            "enabled": True,
            "required": totp.totp_required(user),
            "recovery_codes_left": totp.unused_recovery_codes(request.dbsession, user),
            "error": None,
        }
    error = None
    if request.method == "POST":
        codes = confirm_enrolment(request, user)
        if codes is not None:
            remember(request, user.id)  # the fingerprint changed: keep this session
            request.override_renderer = "account/recovery_codes.jinja2"
            return {"codes": codes, "continue_to": request.route_url("account.home")}
        error = request.translate("This code is not right. Type the code your app shows now.")
        request.response.status_int = 400
    return {"enabled": False, **enrolment(request, user), "error": error}


def _password_confirmed(request) -> bool:
    return verify_password(request.identity.password_hash, request.POST.get("password", ""))


@view_config(
    route_name="account.totp_remove",
    request_method="POST",
    renderer="account/totp.jinja2",
    permission="account",
)
def remove_authenticator(request):
    user = request.identity
    if not user.totp_secret:
        return HTTPFound(location=request.route_url("account.totp"))
    error = None
    if totp.totp_required(user):
        error = request.translate(
            "Your role needs an authenticator app. Ask an administrator to reset it if you lost it."
        )
    elif not _password_confirmed(request):
        error = request.translate("The password is wrong.")
    if error:
        request.response.status_int = 400
        return {
            "enabled": True,
            "required": totp.totp_required(user),
            "recovery_codes_left": totp.unused_recovery_codes(request.dbsession, user),
            "error": error,
        }
    totp.disable_totp(request.dbsession, user)
    _record(request, "totp_disabled")
    remember(request, user.id)
    return HTTPFound(location=request.route_url("account.totp"))


@view_config(
    route_name="account.recovery_codes",
    request_method="POST",
    renderer="account/recovery_codes.jinja2",
    permission="account",
)
def new_recovery_codes(request):
    user = request.identity
    if not user.totp_secret:
        return HTTPFound(location=request.route_url("account.totp"))
    if not _password_confirmed(request):
        request.override_renderer = "account/totp.jinja2"
        request.response.status_int = 400
        return {
            "enabled": True,
            "required": totp.totp_required(user),
            "recovery_codes_left": totp.unused_recovery_codes(request.dbsession, user),
            "error": request.translate("The password is wrong."),
        }
    codes = totp.new_recovery_codes(request.dbsession, user)
    _record(request, "recovery_codes_created")
    return {"codes": codes, "continue_to": request.route_url("account.home")}


def parse_scope(dbsession, value: str) -> tuple[Intervention, Site | None] | None:
    """A scope field: ``intervention:ID`` or ``site:ID``."""
    kind, _, number = value.partition(":")
    if not number.isdigit():
        return None
    if kind == "intervention":
        intervention = dbsession.get(Intervention, int(number))
        return None if intervention is None else (intervention, None)
    if kind == "site":
        site = dbsession.get(Site, int(number))
        return None if site is None else (site.intervention, site)
    return None


@view_config(route_name="account.tokens", renderer="account/tokens.jinja2", permission="account")
def tokens(request):
    user = request.identity
    error = created = None
    if request.method == "POST":
        scope = parse_scope(request.dbsession, request.POST.get("scope", ""))
        days = request.POST.get("expires", "")
        try:
            if scope is None:
                raise UserError(request.translate("Choose what the token may reach."))
            if days and not (days.isdigit() and int(days) in TOKEN_LIFETIMES):
                raise UserError(request.translate("Choose how long the token is valid."))
            token, secret = create_token(
                request.dbsession,
                user,
                name=request.POST.get("name", ""),
                permission=request.POST.get("permission", ""),
                intervention=scope[0],
                site=scope[1],
                expires_in_days=int(days) if days.isdigit() else None,
            )
        except UserError as problem:
            error = message(request, problem)
            request.response.status_int = 400
        else:
            created = secret
            audit.record_request(
                request,
                "token_created",
                target_type="api_token",
                target_id=token.id,
                intervention_id=token.intervention_id,
                site_id=token.site_id,
                permission=token.permission,
                name=token.name,
            )
    rows = (
        request.dbsession.query(ApiToken)
        .filter_by(user_id=user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .all()
    )
    return {
        "tokens": rows,
        "scopes": scopes_for(request.dbsession, user),
        "created": created,
        "error": error,
        "lifetimes": TOKEN_LIFETIMES,
        "names": _scope_names(request.dbsession, rows),
    }


def _scope_names(dbsession, rows) -> dict[int, str]:
    names = {}
    for token in rows:
        intervention = dbsession.get(Intervention, token.intervention_id)
        name = intervention.name
        if token.site_id is not None:
            name += " · " + dbsession.get(Site, token.site_id).name
        names[token.id] = name
    return names


@view_config(route_name="account.token_revoke", request_method="POST", permission="manage_token")
def revoke_token(request):
    token = request.context.token
    if revoke(token):
        audit.record_request(
            request,
            "token_revoked",
            target_type="api_token",
            target_id=token.id,
            intervention_id=token.intervention_id,
            site_id=token.site_id,
            owner=token.user.username,
        )
    if token.user_id == request.identity.id:
        return HTTPFound(location=request.route_url("account.tokens"))
    return HTTPFound(location=request.route_url("admin.user", id=token.user_id))
