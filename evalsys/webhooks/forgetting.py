"""Erasure and retention reach the webhooks' outbox: what was not sent yet about an erased
participant is not sent at all.

An event waits in ``webhook_events`` until the next delivery run, and a delivery keeps its body
until it is delivered or given up (evalsys.webhooks.models). Both can name the participant's
code and carry their answers. When a participant is erased (evalsys.privacy.erasure) or an
intervention's data reach the end of their retention (evalsys.privacy.retention), the waiting
events about them are deleted, and the deliveries not yet made are given up with their body
emptied; the log keeps that they were, and why, never the code.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from evalsys.db.meta import utcnow
from evalsys.webhooks.models import Webhook, WebhookDelivery, WebhookEvent

REASON = "not sent: the participant was erased"


def _about(payload: dict, codes: set[str], response_ids: set[int]) -> bool:
    return payload.get("participant_code") in codes or payload.get("response_id") in response_ids


def forget(db, intervention_id: int, codes: set[str], response_ids: set[int]) -> int:
    """Delete waiting events and give up undelivered bodies about these participants (by code
    or response id); returns how many went."""
    gone = 0
    events = db.scalars(select(WebhookEvent).where(WebhookEvent.intervention_id == intervention_id))
    for event in events:
        if _about(event.payload or {}, codes, response_ids):
            db.delete(event)
            gone += 1
    pending = db.scalars(
        select(WebhookDelivery)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(Webhook.intervention_id == intervention_id, WebhookDelivery.state == "pending")
    )
    now = utcnow()
    for delivery in pending:
        try:
            body = json.loads(delivery.body or "{}")
        except ValueError:
            continue
        if isinstance(body, dict) and _about(body, codes, response_ids):
            delivery.state, delivery.body, delivery.has_answers = "given_up", "", False
            delivery.last_error, delivery.finished_at = REASON, now
            gone += 1
    return gone
