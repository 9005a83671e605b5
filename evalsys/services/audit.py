"""Writing to the audit log."""

from __future__ import annotations

from ..models import AuditEvent


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
        target_id=str(target_id),
        intervention_id=intervention_id,
        site_id=site_id,
        client_addr=(request.client_addr or "") if request is not None else "",
        details=details,
    )
    dbsession.add(event)
    return event
