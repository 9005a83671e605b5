"""Registering, deleting and switching webhooks, test pings, and the switch-off with its notice.

Every change keeps the intervention's ``webhooks`` flag true exactly while it has an active
webhook (the submission path reads only the flag), and is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlsplit

from sqlalchemy import select

from evalsys import audit
from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.mail import outbox
from evalsys.programme.models import Intervention
from evalsys.webhooks import bodies, rights, signing
from evalsys.webhooks.addresses import SETTING, named_private
from evalsys.webhooks.models import EVENTS, Webhook, WebhookDelivery

URL_MAX = 2000


class WebhookError(Exception):
    """What is wrong with a registration; ``message`` is a translation string, ``field`` the
    form field (and API field) it is about."""

    def __init__(self, message, field: str):
        super().__init__(message.interpolate())
        self.message = message
        self.field = field


def checked_url(value, *, allow_private: bool = False) -> str:
    """The URL as given (stripped), if it is a whole http(s) URL that does not plainly point
    into a private network (unless allowed; DNS is asked at delivery); else WebhookError."""
    url = value.strip() if isinstance(value, str) else ""
    if not url:
        raise WebhookError(_("Fill in the URL the events should go to."), "url")
    if len(url) > URL_MAX:
        raise WebhookError(
            _("The URL is too long: at most ${max} characters.", mapping={"max": URL_MAX}), "url"
        )
    malformed = WebhookError(
        _(
            "This is not a whole URL. Write it as https://example.org/evalsys-events: "
            "http:// or https://, a host name, and a path if the receiver needs one."
        ),
        "url",
    )
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise malformed
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise malformed from None
    if parts.scheme.lower() not in ("http", "https"):
        raise WebhookError(
            _("The URL must start with http:// or https:// (evalsys sends events by HTTP)."),
            "url",
        )
    if not parts.hostname:
        raise malformed
    if not allow_private and named_private(parts.hostname):
        raise WebhookError(
            _(
                "This address is in a private network, which evalsys does not send to. Give "
                "the receiver's public address; for a receiver in your own network, the "
                "administrator sets ${setting} = true.",
                mapping={"setting": SETTING},
            ),
            "url",
        )
    if parts.username is not None or parts.password is not None:
        raise WebhookError(
            _(
                "Put no user name or password in the URL: the receiver checks the signature "
                "of each request instead."
            ),
            "url",
        )
    return url


def checked_events(values) -> list[str]:
    chosen = [e for e in EVENTS if e in set(values or ())]
    unknown = [e for e in values or () if e not in EVENTS]
    if unknown or not chosen:
        raise WebhookError(
            _("Choose at least one event: ${events}.", mapping={"events": ", ".join(EVENTS)}),
            "events",
        )
    return chosen


def visible(db, intervention: Intervention, user: User) -> list[Webhook]:
    """The intervention's webhooks this user manages: all of them for its managers, their own
    for a coordinator."""
    query = select(Webhook).where(Webhook.intervention_id == intervention.id)
    if not rights.manages_all(user, intervention.id):
        query = query.where(Webhook.owner_id == user.id)
    return list(db.scalars(query.order_by(Webhook.id)))


def register(
    db,
    intervention: Intervention,
    owner: User,
    *,
    url,
    events,
    include_answers: bool,
    request=None,
    allow_private: bool = False,
) -> tuple[Webhook, str]:
    """A new active webhook, and its secret (to be shown to the owner this once)."""
    hook = Webhook(
        intervention_id=intervention.id,
        owner_id=owner.id,
        url=checked_url(url, allow_private=allow_private),
        events=checked_events(events),
        include_answers=bool(include_answers),
        secret=signing.new_secret(),
        active=True,
        failures_in_row=0,
    )
    db.add(hook)
    db.flush()
    intervention.webhooks = True
    _audit(
        db,
        "webhook_registered",
        hook,
        owner,
        request,
        events=hook.events,
        include_answers=hook.include_answers,
    )
    return hook, hook.secret


def delete(db, hook: Webhook, *, actor: User, request=None) -> None:
    _audit(db, "webhook_deleted", hook, actor, request)
    db.delete(hook)
    db.flush()
    _update_flag(db, hook.intervention_id)


def switch(db, hook: Webhook, on: bool, *, actor: User, request=None) -> None:
    """Switch on (its run of failures forgotten) or off by hand."""
    if hook.active == on:
        return
    hook.active = on
    hook.failures_in_row = 0
    hook.switched_off_at = None if on else utcnow()
    hook.switched_off_reason = None if on else "switched off by hand"
    db.flush()
    _update_flag(db, hook.intervention_id)
    _audit(db, "webhook_switched_on" if on else "webhook_switched_off", hook, actor, request)


def switch_off_after_failures(
    db, hook: Webhook, settings: dict, *, reason: str, now: dt.datetime
) -> None:
    """Too many deliveries given up in a row: switch the hook off and tell its owner (mail
    through evalsys.mail's outbox; the webhooks page shows it too)."""
    hook.active = False
    hook.switched_off_at = now
    hook.switched_off_reason = reason[:300]
    db.flush()
    _update_flag(db, hook.intervention_id)
    _audit(
        db,
        "webhook_switched_off",
        hook,
        None,
        None,
        failures=hook.failures_in_row,
        reason=hook.switched_off_reason,
    )
    owner = db.get(User, hook.owner_id)
    intervention = db.get(Intervention, hook.intervention_id)
    if owner is None or intervention is None:
        return
    page = f"{outbox.public_url(settings)}/i/{intervention.slug}/webhooks"  # intervention.webhooks
    language = owner.mail_language or "nl"
    subject, body = outbox.written(
        language,
        _("Webhook switched off: ${intervention}", mapping={"intervention": intervention.name}),
        [
            _(
                "evalsys could not deliver events to ${url} ${count} times in a row, so it "
                "stopped sending them.",
                mapping={"url": hook.url, "count": hook.failures_in_row},
            ),
            _("The last problem: ${reason}", mapping={"reason": hook.switched_off_reason}),
            _(
                "Check the receiver, then switch the webhook on again on its page: ${page}",
                mapping={"page": page},
            ),
        ],
    )
    outbox.queue(
        db,
        template="webhook_switched_off",
        dedupe_key=f"webhook_switched_off:{hook.id}:{now.isoformat()}",
        user=owner,
        subject=subject,
        body=body,
        language=language,
        intervention_id=intervention.id,
    )


def ping(db, hook: Webhook, intervention: Intervention) -> WebhookDelivery:
    """A test delivery (event ``ping``), tried once, at the next run of the delivery job."""
    delivery_id, now = str(uuid.uuid4()), utcnow()
    row = WebhookDelivery(
        uuid=delivery_id,
        webhook_id=hook.id,
        event="ping",
        body=bodies.ping_body(
            delivery_id=delivery_id, at=now, intervention=intervention.slug, webhook_id=hook.id
        ),
        has_answers=False,
        state="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    db.add(row)
    db.flush()
    return row


def deliveries(db, hook: Webhook, limit: int = 50) -> list[WebhookDelivery]:
    """The hook's delivery log, newest first."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def _update_flag(db, intervention_id: int) -> None:
    intervention = db.get(Intervention, intervention_id)
    active = select(Webhook.id).where(
        Webhook.intervention_id == intervention_id, Webhook.active.is_(True)
    )
    intervention.webhooks = db.execute(active.limit(1)).first() is not None


def _audit(db, action: str, hook: Webhook, actor, request, **details) -> None:
    # The host, not the whole URL: a receiver's URL may carry a key of its own in its query.
    audit.record(
        db,
        action,
        actor=actor,
        request=request,
        target_type="webhook",
        target_id=hook.id,
        intervention_id=hook.intervention_id,
        host=urlsplit(hook.url).hostname or "",
        **details,
    )
