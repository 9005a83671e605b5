"""The delivery run: events become deliveries, due deliveries are POSTed, outcomes are kept.

Run by the ``deliver_webhooks`` job (evalsys.webhooks.deliver_job) every minute and right after
a request that raised an event commits. Three short transactions, so no lock is held while
receivers answer (on SQLite the write lock, which every submission needs):

1. each new event becomes one delivery per active webhook that wants it and whose owner may
   see it, its body made now; the due deliveries are claimed (an attempt counted, the next
   attempt put off for as long as a POST can take), each owner's rights checked again;
2. the claimed deliveries are POSTed side by side, each with a short timeout, so a slow
   receiver holds up no other webhook;
3. each outcome is kept: a 2xx is delivered; anything else is tried again after 2, 4, 8, ...
   minutes, and given up after ``evalsys.webhooks.max_attempts``. After
   ``evalsys.webhooks.off_after`` deliveries given up in a row the webhook is switched off.

Delivery is at least once: a run that dies after a POST sends it again once its claim runs
out; the receiver drops a repeat by its ``X-Evalsys-Delivery`` id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import select

from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.programme.models import Intervention, Site
from evalsys.webhooks import addresses, bodies, hooks, rights, signing, transport
from evalsys.webhooks.models import Webhook, WebhookDelivery, WebhookEvent

BATCH = 200
DEFAULTS = {"timeout_seconds": 10.0, "max_attempts": 8, "off_after": 3, "workers": 8}


def setting(settings: dict, name: str):
    value = settings.get(f"evalsys.webhooks.{name}", DEFAULTS[name])
    return type(DEFAULTS[name])(value)


@dataclass(frozen=True)
class Attempt:
    """What one POST needs, read before the claim's transaction ends."""

    delivery_id: int
    uuid: str
    event: str
    url: str
    secret: str
    body: bytes


def deliver(dbsession, settings: dict, *, now: dt.datetime | None = None) -> dict[str, int]:
    """One run; commits as it goes (see the module's docstring). Returns its counts."""
    now = now or utcnow()
    done = {"events": 0, "delivered": 0, "retry": 0, "given_up": 0, "switched_off": 0}
    done["events"] = fan_out(dbsession, now)
    attempts = _claim(dbsession, done, now)
    dbsession.commit()
    if not attempts:
        return done
    timeout = setting(settings, "timeout_seconds")
    allow_private = addresses.private_allowed(settings)
    workers = max(1, min(setting(settings, "workers"), len(attempts)))

    def send(attempt: Attempt) -> transport.Answer:
        headers = signing.headers(
            attempt.secret, attempt.body, event=attempt.event, delivery_id=attempt.uuid
        )
        return transport.post(
            attempt.url, attempt.body, headers, timeout, allow_private=allow_private
        )

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evalsys-webhook") as pool:
        answers = list(pool.map(send, attempts))
    for attempt, answer in zip(attempts, answers, strict=True):
        _keep(dbsession, settings, attempt, answer, done, now)
    dbsession.commit()
    return done


def fan_out(db, now: dt.datetime) -> int:
    """Turn waiting events into deliveries; returns how many events were handled."""
    events = list(
        db.scalars(
            select(WebhookEvent)
            .order_by(WebhookEvent.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    if not events:
        return 0
    ids = sorted({e.intervention_id for e in events})
    by_intervention: dict[int, list[Webhook]] = {}
    query = select(Webhook).where(Webhook.intervention_id.in_(ids), Webhook.active.is_(True))
    for hook in db.scalars(query.order_by(Webhook.id)):
        by_intervention.setdefault(hook.intervention_id, []).append(hook)
    named = select(Intervention.id, Intervention.slug).where(Intervention.id.in_(ids))
    slugs = {row.id: row.slug for row in db.execute(named)}
    site_ids = sorted({e.site_id for e in events if e.site_id is not None})
    sites = {
        row.id: row.slug
        for row in db.execute(select(Site.id, Site.slug).where(Site.id.in_(site_ids)))
    }
    for event in events:
        for hook in by_intervention.get(event.intervention_id, []):
            owner = db.get(User, hook.owner_id)
            if event.event not in hook.events or not rights.may_receive(
                owner, event.event, event.intervention_id, event.site_id
            ):
                continue
            delivery_id = str(uuid.uuid4())
            body, has_answers = bodies.body_of(
                event.event,
                delivery_id=delivery_id,
                at=event.created_at,
                intervention=slugs.get(event.intervention_id, ""),
                site=sites.get(event.site_id),
                payload=event.payload,
                with_answers=hook.include_answers
                and rights.may_see_answers(owner, event.intervention_id, event.site_id),
            )
            db.add(
                WebhookDelivery(
                    uuid=delivery_id,
                    webhook_id=hook.id,
                    event=event.event,
                    site_id=event.site_id,
                    body=body,
                    has_answers=has_answers,
                    state="pending",
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        db.delete(event)
    db.flush()
    return len(events)


def _claim(db, done: dict, now: dt.datetime) -> list[Attempt]:
    due = (
        select(WebhookDelivery)
        .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    attempts = []
    for row in list(db.scalars(due)):
        hook = db.get(Webhook, row.webhook_id)
        reason = _not_wanted(db, hook, row)
        if reason:
            _finish(row, "given_up", now, error=reason)
            done["given_up"] += 1
            continue
        row.attempts += 1
        row.last_attempt_at = now
        # Claimed: no other run takes it while this one may still be waiting for the answer.
        row.next_attempt_at = now + dt.timedelta(minutes=15)
        attempts.append(
            Attempt(row.id, row.uuid, row.event, hook.url, hook.secret, row.body.encode())
        )
    db.flush()
    return attempts


def _not_wanted(db, hook: Webhook | None, row: WebhookDelivery) -> str:
    """Why this delivery must not go out (any more), or ''."""
    if hook is None:
        return "the webhook was deleted"
    if not hook.active:
        return "the webhook is switched off"
    owner = db.get(User, hook.owner_id)
    if owner is None or not owner.active:
        return "the webhook's owner is blocked or gone"
    if not rights.may_receive(owner, row.event, hook.intervention_id, row.site_id):
        return "the webhook's owner may no longer see this"
    if row.has_answers and not rights.may_see_answers(owner, hook.intervention_id, row.site_id):
        return "the webhook's owner may no longer see answers"
    return ""


def _keep(db, settings, attempt: Attempt, answer: transport.Answer, done: dict, now) -> None:
    row = db.get(WebhookDelivery, attempt.delivery_id)
    if row is None:  # its webhook was deleted meanwhile
        return
    hook = db.get(Webhook, row.webhook_id)
    row.last_status, row.last_error = answer.status, answer.error
    if answer.delivered:
        _finish(row, "delivered", now, error=None)
        if row.event != "ping":
            hook.failures_in_row = 0
        done["delivered"] += 1
        return
    # A ping is tried once: it is for the person looking at the page now.
    if row.event != "ping" and row.attempts < setting(settings, "max_attempts"):
        row.next_attempt_at = now + dt.timedelta(minutes=2**row.attempts)
        done["retry"] += 1
        return
    _finish(row, "given_up", now, error=row.last_error)
    done["given_up"] += 1
    if row.event == "ping":
        return
    hook.failures_in_row += 1
    if hook.active and hook.failures_in_row >= setting(settings, "off_after"):
        reason = answer.error or ""
        if answer.status is not None:
            reason = f"HTTP {answer.status} {reason}".strip()
        hooks.switch_off_after_failures(db, hook, settings, reason=reason, now=now)
        done["switched_off"] += 1


def _finish(row: WebhookDelivery, state: str, now: dt.datetime, *, error: str | None) -> None:
    # The log keeps what happened; the body (the participant's code, perhaps answers) goes.
    row.state, row.finished_at, row.body = state, now, ""
    row.last_error = error
