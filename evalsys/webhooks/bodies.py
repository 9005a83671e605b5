"""The JSON body of one delivery: the event's facts, and answers only where the webhook may.

A response's event carries the intervention, site and wave, the response's id, the
participant's code, the mode and ``submitted_at``; ``answers`` and ``scores`` only when the
webhook was registered with "include answers" and its owner may see participant-level data
there. A report's event carries the published version's facts, never participant data.
"""

from __future__ import annotations

import datetime as dt

from evalsys.json_text import encode
from evalsys.webhooks.events import iso

PARTICIPANT_LEVEL = ("answers", "scores")


def body_of(
    event: str,
    *,
    delivery_id: str,
    at: dt.datetime,
    intervention: str,
    site: str | None,
    payload: dict,
    with_answers: bool,
) -> tuple[str, bool]:
    """The body's text and whether it holds answers."""
    data = {
        "event": event,
        "delivery_id": delivery_id,
        "time": iso(at),
        "intervention": intervention,
    }
    if event.startswith("response."):
        data["site"] = site
    facts = {k: v for k, v in payload.items() if k not in PARTICIPANT_LEVEL}
    data.update(facts)
    answers = with_answers and event in ("response.stored", "response.corrected")
    if answers:
        data.update({k: payload.get(k, {}) for k in PARTICIPANT_LEVEL})
    return encode(data).decode(), answers


def ping_body(*, delivery_id: str, at: dt.datetime, intervention: str, webhook_id: int) -> str:
    data = {
        "event": "ping",
        "delivery_id": delivery_id,
        "time": iso(at),
        "intervention": intervention,
        "webhook_id": webhook_id,
    }
    return encode(data).decode()
