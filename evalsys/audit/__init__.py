"""Writing to and reading from the append-only audit log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from evalsys.audit.models import AuditEvent

# The actions evalsys writes, for the admin page's filter. Views of other parts add their own.
KNOWN_ACTIONS = (
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "password_changed",
    "password_reset_created",
    "password_reset_used",
    "totp_enabled",
    "totp_disabled",
    "recovery_code_used",
    "recovery_codes_created",
    "user_created",
    "user_changed",
    "membership_added",
    "membership_removed",
    "sign_on_linked",  # evalsys.accounts.sign_on
    "sign_on_unlinked",
    "token_created",
    "token_revoked",
    "participant_data_viewed",
    "response_corrected",
    "response_moved",
    "response_voided",
    "paper_entry_held",  # double data entry: evalsys.collection.double_entry
    "paper_entry_matched",
    "paper_entry_differed",
    "paper_entry_resolved",
    "paper_double_entry_switched",
    "test_responses_deleted",  # evalsys.privacy.test_responses
    "participant_erased",  # tombstones: evalsys.privacy, docs/privacy.md
    "retention_erased",
    "export",
    "job_result_downloaded",  # an export's file, an import's list of problems (evalsys.jobs)
    "audit_exported",
    "webhook_registered",  # evalsys.webhooks
    "webhook_deleted",
    "webhook_switched_off",
    "webhook_switched_on",
)


def record(
    dbsession,
    action: str,
    *,
    actor=None,
    request=None,
    target_type: str = "",
    target_id="",
    intervention_id=None,
    site_id=None,
    **details,
) -> AuditEvent:
    """Append one event; ``actor`` is a User or None (the system, or an anonymous client)."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor=getattr(actor, "username", "") or "",
        target_type=target_type,
        target_id=str(target_id)[:64],
        intervention_id=intervention_id,
        site_id=site_id,
        client_addr=(request.client_addr or "")[:64] if request is not None else "",
        details=details,
    )
    dbsession.add(event)
    return event


def record_request(request, action: str, **kwargs) -> AuditEvent:
    """Append one event done by the request's user (session or API token)."""
    token = getattr(request, "api_token", None)
    if token is not None:
        kwargs.setdefault("api_token_id", token.id)
    return record(request.dbsession, action, actor=request.identity, request=request, **kwargs)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    target: str = ""
    intervention_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def query_events(dbsession, where: AuditFilter):
    """Events matching ``where``, newest first."""
    query = dbsession.query(AuditEvent)
    if where.action:
        query = query.filter(AuditEvent.action == where.action)
    if where.actor:
        query = query.filter(AuditEvent.actor == where.actor)
    if where.target:
        query = query.filter(AuditEvent.target_id == where.target)
    if where.intervention_id is not None:
        query = query.filter(AuditEvent.intervention_id == where.intervention_id)
    if where.since is not None:
        start = dt.datetime.combine(where.since, dt.time(), tzinfo=dt.UTC)
        query = query.filter(AuditEvent.occurred_at >= start)
    if where.until is not None:
        end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        query = query.filter(AuditEvent.occurred_at < end)
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "intervention_id",
    "site_id",
    "client_addr",
    "details",
)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to spreadsheet programs (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def events_csv(events) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(
            [
                event.id,
                event.occurred_at.isoformat(),
                _cell(event.actor),
                event.action,
                event.target_type,
                _cell(event.target_id),
                event.intervention_id if event.intervention_id is not None else "",
                event.site_id if event.site_id is not None else "",
                event.client_addr,
                _cell(json.dumps(event.details, ensure_ascii=False, sort_keys=True)),
            ]
        )
    return out.getvalue()
