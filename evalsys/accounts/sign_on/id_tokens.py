"""Checking an ID token (OpenID Connect Core 1.0, section 3.1.3.7) with joserfc."""

from __future__ import annotations

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, InvalidKeyIdError, JoseError

from evalsys.accounts.sign_on.providers import Provider

# Asymmetric algorithms only: "none" and the HMAC ones (keyed with the client secret) never.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
# Clocks of evalsys and the provider may differ a little.
LEEWAY_SECONDS = 60


class TokenRefused(Exception):
    """The ID token is not good; ``reason`` is the audit's ``sso_*`` reason."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def _decode(provider: Provider, id_token: str) -> jwt.Token:
    algorithms = [
        alg
        for alg in provider.metadata().get("id_token_signing_alg_values_supported", ["RS256"])
        if alg in ALGORITHMS
    ] or ["RS256"]
    try:
        return jwt.decode(id_token, provider.keys(), algorithms=algorithms)
    except InvalidKeyIdError:
        # A key id we do not know yet: the provider may have rotated its keys since we fetched.
        return jwt.decode(id_token, provider.keys(refresh=True), algorithms=algorithms)


def verified_claims(provider: Provider, id_token: str, nonce: str, now: int | None = None) -> dict:
    """The claims of a genuine, current ID token meant for us and for this login attempt."""
    try:
        token = _decode(provider, id_token)
    except JoseError as problem:
        raise TokenRefused("sso_token_signature", str(problem)) from problem
    except ValueError as problem:  # not even a JWT
        raise TokenRefused("sso_token_invalid", str(problem)) from problem
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.metadata()["issuer"]},
        aud={"essential": True, "value": provider.settings.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as problem:
        raise TokenRefused("sso_token_expired", str(problem)) from problem
    except InvalidClaimError as problem:
        reason = {"aud": "sso_token_audience", "nonce": "sso_token_nonce"}.get(problem.claim)
        raise TokenRefused(reason or "sso_token_invalid", str(problem)) from problem
    except JoseError as problem:
        raise TokenRefused("sso_token_invalid", str(problem)) from problem
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # Several audiences: the token must say it was issued to us (Core 3.1.3.7, items 4 and 5).
    if len(audiences) > 1 and claims.get("azp") != provider.settings.client_id:
        raise TokenRefused("sso_token_audience", "azp is not our client id")
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise TokenRefused("sso_token_invalid", "sub is not a string of 1-255 characters")
    return claims
