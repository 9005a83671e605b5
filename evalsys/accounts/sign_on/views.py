"""Signing on through an OpenID Connect provider: /login/sso/{provider} and its callback."""

from __future__ import annotations

import secrets
import time

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from evalsys import audit
from evalsys.accounts import totp
from evalsys.accounts.models import User
from evalsys.accounts.policy import start_second_step
from evalsys.accounts.sign_on import links, registry_providers
from evalsys.accounts.sign_on.id_tokens import TokenRefused, verified_claims
from evalsys.accounts.sign_on.providers import CodeRefused, Provider, ProviderUnavailable
from evalsys.accounts.views.auth import FIRST_STEP_KEY, NEXT_KEY, complete_login, local_path
from evalsys.i18n import _

PENDING_KEY = "sign_on"
# From leaving for the provider to coming back, a person has this long.
PENDING_SECONDS = 10 * 60

REFUSALS = {
    "sso_state": _(
        "This sign-on was not started here, or it took too long. Start again from the login page."
    ),
    "sso_provider_error": _("${provider} did not sign you on. Start again from the login page."),
    "sso_code": _(
        "${provider} did not accept this sign-on; it may have been used already. "
        "Start again from the login page."
    ),
    "sso_token_expired": _(
        "The sign-on from ${provider} has expired. Start again from the login page."
    ),
    "sso_token": _(
        "The answer from ${provider} could not be trusted, so you are not logged in. "
        "Start again; if this keeps happening, tell your administrator."
    ),
    "sso_not_linked": _(
        "Your account at ${provider} is not linked to an evalsys account. "
        "Ask your administrator to link it."
    ),
    "sso_blocked": _("Your evalsys account is blocked. Ask your administrator."),
    "sso_unavailable": _("${provider} cannot be reached now. Try again in a few minutes."),
}
STATUS = {"sso_not_linked": 403, "sso_blocked": 403, "sso_unavailable": 503}


def _provider(request) -> Provider:
    provider = registry_providers(request.registry).get(request.matchdict["provider"])
    if provider is None:
        raise HTTPNotFound()
    return provider


def _callback_url(request, provider: Provider) -> str:
    return request.route_url("auth.sso_callback", provider=provider.name)


def refuse(request, provider: Provider, reason: str, *, user: User | None = None, **details):
    """A clear page in the person's language, and a ``login_failed`` event with the reason."""
    subject = details.get("subject") or ""
    name = user.username if user is not None else (f"{provider.name}:{subject}" if subject else "")
    audit.record(
        request.dbsession,
        "login_failed",
        actor=user,
        request=request,
        target_type="user",
        target_id=name,
        username=name,
        reason=reason,
        provider=provider.name,
        **details,
    )
    text = REFUSALS.get(reason) or REFUSALS["sso_token"]
    request.response.status_int = STATUS.get(reason, 400)
    return {
        "message": request.translate(text, mapping={"provider": provider.title}),
        "provider": provider,
    }


@view_config(
    route_name="auth.sso_start",
    request_method="GET",
    renderer="sign_on/refused.jinja2",
    permission="public",
)
def start(request):
    """Send the browser to the provider, with a fresh state, nonce and PKCE verifier."""
    provider = _provider(request)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    try:
        url = provider.authorization_url(_callback_url(request, provider), state, nonce, verifier)
    except ProviderUnavailable as problem:
        return refuse(request, provider, "sso_unavailable", detail=str(problem)[:300])
    request.session[PENDING_KEY] = {
        "provider": provider.name,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": local_path(request.params.get("next")) or "",
        "since": int(time.time()),
    }
    return HTTPFound(location=url)


def _pending(request, provider: Provider) -> dict | None:
    """The attempt this browser started with this provider, once: a state is never used twice."""
    pending = request.session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict) or pending.get("provider") != provider.name:
        return None
    state = request.params.get("state", "")
    if not secrets.compare_digest(state.encode(), str(pending.get("state", "")).encode()):
        return None
    if time.time() - pending.get("since", 0) > PENDING_SECONDS:
        return None
    return pending


@view_config(
    route_name="auth.sso_callback",
    request_method="GET",
    renderer="sign_on/refused.jinja2",
    permission="public",
)
def callback(request):
    """The provider sends the browser back here with a code (or an error) and our state."""
    provider = _provider(request)
    pending = _pending(request, provider)
    if pending is None:
        return refuse(request, provider, "sso_state")
    if request.params.get("error"):
        return refuse(request, provider, "sso_provider_error", detail=request.params["error"][:100])
    code = request.params.get("code", "")
    try:
        if not code:
            raise CodeRefused("no code")
        answer = provider.exchange_code(_callback_url(request, provider), code, pending["verifier"])
        id_token = answer.get("id_token")
        if not isinstance(id_token, str):
            raise TokenRefused("sso_token_invalid", "no id_token in the token response")
        claims = verified_claims(provider, id_token, pending["nonce"])
    except CodeRefused as problem:
        return refuse(request, provider, "sso_code", detail=str(problem)[:100])
    except TokenRefused as problem:
        return refuse(request, provider, problem.reason, detail=problem.detail[:300])
    except ProviderUnavailable as problem:
        return refuse(request, provider, "sso_unavailable", detail=str(problem)[:300])
    link = links.find_link(request.dbsession, provider.settings, claims)
    if link is None:
        # No account is ever made here: an administrator links accounts (docs/accounts.md).
        return refuse(request, provider, "sso_not_linked", subject=claims["sub"])
    if not link.user.active:
        return refuse(request, provider, "sso_blocked", user=link.user, subject=claims["sub"])
    links.used(link)
    return _sign_in(request, provider, link.user, claims, pending["next"])


def _sign_in(request, provider: Provider, user: User, claims: dict, next_path: str):
    """The provider vouched for the person; its MFA counts as the second step when it says so."""
    provider_mfa = provider.counts_as_mfa(claims)
    if (user.totp_secret or totp.totp_required(user)) and not provider_mfa:
        start_second_step(request, user)
        request.session[NEXT_KEY] = next_path
        request.session[FIRST_STEP_KEY] = f"sso:{provider.name}"
        route = "auth.second_step" if user.totp_secret else "auth.enrol"
        return HTTPFound(location=request.route_url(route))
    request.session[NEXT_KEY] = next_path
    return complete_login(request, user, "sso", provider=provider.name, provider_mfa=provider_mfa)
