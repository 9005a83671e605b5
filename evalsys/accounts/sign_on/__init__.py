"""Single sign-on with OpenID Connect (docs/accounts.md): providers, account links, the flow."""

from __future__ import annotations

from evalsys.settings import as_bool

PROVIDERS_KEY = "sign_on_providers"


def registry_providers(registry) -> dict:
    """The providers of this application, by name (none when the .ini names none)."""
    return registry.get(PROVIDERS_KEY, {})


def passwords_allowed(registry) -> bool:
    """``evalsys.local_passwords``: may everyone log in with an evalsys password (default yes)?
    When not, administrators still may: a provider that is down must not lock everyone out."""
    return as_bool(registry.settings.get("evalsys.local_passwords", "true"))


def includeme(config) -> None:
    # Here, not at the top: the models import this package, and need no HTTP client.
    from evalsys.accounts.sign_on.providers import providers_from_settings

    # Checked at start-up: a wrong provider block stops the app with a message saying what to do.
    config.registry[PROVIDERS_KEY] = providers_from_settings(config.get_settings())
