"""Two-factor authentication: TOTP (RFC 6238) with an authenticator app, and recovery codes."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno

from evalsys.accounts.models import RecoveryCode, User
from evalsys.db.meta import utcnow

ISSUER = "evalsys"
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the ones people confuse (0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ROLES_THAT_NEED_TOTP = ("admin", "evaluator")


def totp_required(user: User) -> bool:
    return user.role in ROLES_THAT_NEED_TOTP


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no style attribute: CSP-safe)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def group_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now) // totp.interval
    # One step either side allows for a phone clock that is up to 30 seconds off.
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def check_new_secret(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step of ``code`` for a secret being enrolled, or None when it does not match."""
    return _matching_step(secret, code, time.time() if now is None else now)


def verify_totp(user: User, code: str, now: float | None = None) -> bool:
    """Check a code from the user's app; a code is accepted once (RFC 6238, section 5.2)."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, time.time() if now is None else now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enable_totp(dbsession, user: User, secret: str, step: int) -> list[str]:
    """Store the confirmed secret; returns fresh recovery codes (shown once)."""
    user.totp_secret = secret
    user.totp_last_step = step
    return new_recovery_codes(dbsession, user)


def disable_totp(dbsession, user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    dbsession.query(RecoveryCode).filter_by(user_id=user.id).delete()


def _hash_code(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_recovery_codes(dbsession, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones (50 random bits each)."""
    dbsession.query(RecoveryCode).filter_by(user_id=user.id).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        dbsession.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    dbsession.flush()
    return codes


def use_recovery_code(dbsession, user: User, code: str) -> bool:
    """Accept an unused recovery code once."""
    row = (
        dbsession.query(RecoveryCode)
        .filter_by(user_id=user.id, code_hash=_hash_code(code), used_at=None)
        .first()
    )
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def unused_recovery_codes(dbsession, user: User) -> int:
    return dbsession.query(RecoveryCode).filter_by(user_id=user.id, used_at=None).count()
