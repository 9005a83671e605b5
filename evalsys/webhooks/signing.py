"""Signing a webhook body: HMAC-SHA256, with the webhook's secret, of the timestamp, a dot and the
raw body (docs/api.md, "Webhooks"), so a receiver can check who sent it and refuse old ones."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
USER_AGENT = "evalsys-webhooks/1"


def new_secret() -> str:
    """A new secret: shown once to whoever registers the webhook, kept for signing."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signed_text(timestamp: int, body: bytes) -> bytes:
    return f"{timestamp}.".encode() + body


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Evalsys-Signature`` header's value: ``sha256=`` and the HMAC in hex."""
    digest = hmac.new(secret.encode(), signed_text(timestamp, body), hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def headers(
    secret: str, body: bytes, *, event: str, delivery_id: str, timestamp: int | None = None
) -> dict[str, str]:
    """Every header of one attempt; a retry is signed again with the time of that attempt."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Evalsys-Event": event,
        "X-Evalsys-Delivery": delivery_id,
        "X-Evalsys-Timestamp": str(timestamp),
        "X-Evalsys-Signature": signature(secret, timestamp, body),
    }
