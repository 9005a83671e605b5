"""The OpenID Connect providers of the .ini: their settings, discovery documents and keys.

Each provider's discovery document (``/.well-known/openid-configuration``) and signing keys are
fetched when first needed and kept for an hour in the process; an unknown key id fetches the keys
again at once (the provider rotated them).
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc.jwk import KeySet

from evalsys.settings import ConfigurationError

PREFIX = "evalsys.sso."
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MATCHES = ("email", "subject")
DISCOVERY_PATH = "/.well-known/openid-configuration"
CACHE_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered something that is no OpenID Connect."""


class CodeRefused(Exception):
    """The provider's token endpoint refused the code (used already, expired, not ours)."""


@dataclass(frozen=True)
class ProviderSettings:
    """One ``evalsys.sso.<name>.*`` block of the .ini."""

    name: str
    title: str
    issuer: str
    metadata_url: str
    client_id: str
    client_secret: str | None
    scope: str = "openid email profile"
    mfa_amr: frozenset[str] = frozenset()
    mfa_acr: frozenset[str] = frozenset()
    match: str = "email"
    timeout: float = 10.0


def _words(value: str | None) -> frozenset[str]:
    return frozenset((value or "").split())


def provider_settings(settings: dict, environ=os.environ) -> dict[str, ProviderSettings]:
    """Every provider named in ``evalsys.sso.providers``; ConfigurationError says what is wrong."""
    found = {}
    for name in (settings.get(PREFIX + "providers") or "").split():
        key = f"{PREFIX}{name}."
        if not NAME.match(name):
            raise ConfigurationError(
                f"{PREFIX}providers: {name!r} is no provider name (a-z, 0-9, - and _)"
            )
        issuer = (settings.get(key + "issuer") or "").rstrip("/")
        client_id = settings.get(key + "client_id") or ""
        if not issuer or not client_id:
            raise ConfigurationError(f"provider {name!r} needs {key}issuer and {key}client_id")
        secret = None
        if secret_env := settings.get(key + "client_secret_env"):
            secret = environ.get(secret_env)
            if not secret:
                raise ConfigurationError(
                    f"provider {name!r}: set its client secret in the environment, {secret_env}"
                )
        match = settings.get(key + "match") or "email"
        if match not in MATCHES:
            raise ConfigurationError(f"{key}match must be one of {', '.join(MATCHES)}")
        found[name] = ProviderSettings(
            name=name,
            title=settings.get(key + "title") or name,
            issuer=issuer,
            metadata_url=settings.get(key + "server_metadata_url") or issuer + DISCOVERY_PATH,
            client_id=client_id,
            client_secret=secret,
            scope=settings.get(key + "scope") or "openid email profile",
            mfa_amr=_words(settings.get(key + "mfa_amr")),
            mfa_acr=_words(settings.get(key + "mfa_acr")),
            match=match,
            timeout=float(settings.get(key + "timeout") or 10),
        )
    return found


@dataclass
class Provider:
    """One provider: its settings, and what evalsys learnt from it (kept for an hour)."""

    settings: ProviderSettings
    _metadata: tuple[float, dict] | None = field(default=None, repr=False)
    _keys: tuple[float, KeySet] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def title(self) -> str:
        return self.settings.title

    def _get_json(self, url: str) -> dict:
        try:
            response = requests.get(url, timeout=self.settings.timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as problem:
            raise ProviderUnavailable(f"{url}: {problem}") from problem
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        return document

    def metadata(self) -> dict:
        """The discovery document; its issuer must be the configured one (OIDC Discovery 4.3)."""
        with self._lock:
            if self._metadata and time.monotonic() - self._metadata[0] < CACHE_SECONDS:
                return self._metadata[1]
        document = self._get_json(self.settings.metadata_url)
        needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if any(not isinstance(document.get(key), str) for key in needed):
            raise ProviderUnavailable(f"{self.settings.metadata_url}: lacks one of {needed}")
        if document["issuer"].rstrip("/") != self.settings.issuer:
            raise ProviderUnavailable(
                f"{self.settings.metadata_url} names issuer {document['issuer']!r}, "
                f"not {self.settings.issuer!r}"
            )
        with self._lock:
            self._metadata = (time.monotonic(), document)
        return document

    def keys(self, refresh: bool = False) -> KeySet:
        """The provider's signing keys (its JWKS)."""
        with self._lock:
            fresh = self._keys and time.monotonic() - self._keys[0] < CACHE_SECONDS
            if fresh and not refresh:
                return self._keys[1]
        try:
            keys = KeySet.import_key_set(self._get_json(self.metadata()["jwks_uri"]))
        except ValueError as problem:  # joserfc's errors for a bad key set
            raise ProviderUnavailable(f"{self.name}: unusable keys: {problem}") from problem
        with self._lock:
            self._keys = (time.monotonic(), keys)
        return keys

    def _client(self, redirect_uri: str) -> OAuth2Session:
        secret = self.settings.client_secret
        return OAuth2Session(
            self.settings.client_id,
            secret,
            scope=self.settings.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
        )

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, verifier: str) -> str:
        """Where to send the browser: the authorization-code flow with PKCE (RFC 7636, S256)."""
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.metadata()["authorization_endpoint"],
                state=state,
                nonce=nonce,
                code_verifier=verifier,
            )
        return url

    def exchange_code(self, redirect_uri: str, code: str, verifier: str) -> dict:
        """The provider's token response for ``code``; CodeRefused when it says no."""
        endpoint = self.metadata()["token_endpoint"]
        with self._client(redirect_uri) as client:
            try:
                return dict(
                    client.fetch_token(
                        endpoint, code=code, code_verifier=verifier, timeout=self.settings.timeout
                    )
                )
            except OAuthError as problem:
                raise CodeRefused(problem.error or "refused") from problem
            except (requests.RequestException, ValueError) as problem:
                raise ProviderUnavailable(f"{endpoint}: {problem}") from problem

    def counts_as_mfa(self, claims: dict) -> bool:
        """Did the provider itself ask for a second factor (``amr`` or ``acr``, RFC 8176)?"""
        amr = claims.get("amr")
        methods = {m for m in amr if isinstance(m, str)} if isinstance(amr, list) else set()
        acr = claims.get("acr")
        return bool(methods & self.settings.mfa_amr) or (
            isinstance(acr, str) and acr in self.settings.mfa_acr
        )


def providers_from_settings(settings: dict, environ=os.environ) -> dict[str, Provider]:
    return {name: Provider(found) for name, found in provider_settings(settings, environ).items()}
