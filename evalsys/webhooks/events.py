"""Raising an event: one row in the outbox, in the transaction that caused it.

Callers (evalsys.collection's submissions, corrections and voids; evalsys.results' publishing)
call down with plain values, and only for an intervention whose ``webhooks`` flag is set, so one
without webhooks pays nothing. The row is the whole cost on the submission path: one INSERT in
the same transaction as the response, so a rolled-back submission raises nothing. When the
transaction is a web request's, the ``deliver_webhooks`` job is asked to run as soon as it
commits (it also runs every minute).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from evalsys.db.meta import utcnow
from evalsys.db.statements import Prepared, execute
from evalsys.webhooks.models import EVENTS, WebhookEvent

JOB = "deliver_webhooks"
_KICK = "evalsys.webhooks.kick"

# Built once: constructing a statement costs more CPU than running it (evalsys.db.statements).
_INSERT = Prepared(insert(WebhookEvent.__table__))


def raise_event(
    db, event: str, *, intervention_id: int, site_id: int | None, payload: dict
) -> None:
    """Put ``event`` in the outbox. ``db``: the session (or connection) whose transaction
    stores what happened; ``payload``: plain JSON values (see evalsys.webhooks.bodies)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}; one of {', '.join(EVENTS)}")
    values = {
        "intervention_id": intervention_id,
        "site_id": site_id,
        "event": event,
        "payload": payload,
        "created_at": utcnow(),
    }
    execute(db, _INSERT, values)
    request = db.info.get("request") if isinstance(db, Session) else None
    if request is not None:
        deliver_after_commit(request)


def raise_events(db, event: str, events: list[tuple[int, int | None, dict]]) -> None:
    """Many events of one kind at once (a spreadsheet import): (intervention id, site id,
    payload) each, in one executemany."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}; one of {', '.join(EVENTS)}")
    if not events:
        return
    now = utcnow()
    rows = [
        {
            "intervention_id": intervention_id,
            "site_id": site_id,
            "event": event,
            "payload": payload,
            "created_at": now,
        }
        for intervention_id, site_id, payload in events
    ]
    execute(db, _INSERT, rows)


def deliver_after_commit(request) -> None:
    """Ask the queue to run the delivery job once this request commits (once per request)."""
    if request.__dict__.get(_KICK):
        return
    request.__dict__[_KICK] = True
    backend = request.registry["evalsys.jobs"]

    def kick(committed: bool) -> None:
        if committed:
            backend.run_soon(JOB)

    request.tm.get().addAfterCommitHook(kick)


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat()


def response_payload(
    *,
    response_id: int,
    participant_code: str,
    wave: str,
    mode: str,
    submitted_at: dt.datetime | None,
    answers: dict | None = None,
    scores: dict | None = None,
    **more,
) -> dict:
    """The plain facts of a response's event, as the callers hand them down."""
    return {
        "response_id": response_id,
        "participant_code": participant_code,
        "wave": wave,
        "mode": mode,
        "submitted_at": iso(submitted_at),
        "answers": answers if answers is not None else {},
        "scores": scores if scores is not None else {},
        **more,
    }
