"""A stored response's versions: the current one, the whole chain, the events that made it,
and the participants an ambiguous code could be moved to (evalsys.collection.corrections makes
the versions)."""

from __future__ import annotations

from sqlalchemy import select

from evalsys.collection.models import Participant, Response
from evalsys.collection.participant_codes import differs_in_one_element

# The audit events that change a response, each making a version (or voiding the last one).
ACTIONS = ("response_corrected", "response_moved", "response_voided")


def current_version(db, response: Response) -> Response | None:
    """The current version of ``response``'s chain (itself when current); None when voided."""
    while response.superseded_at is not None:
        successor = db.scalars(
            select(Response).where(Response.supersedes_id == response.id)
        ).one_or_none()
        if successor is None:
            return None  # voided: superseded without a successor
        response = successor
    return response


def versions(db, response: Response) -> list[Response]:
    """Every version of ``response``'s chain, oldest first."""
    first = response
    while first.supersedes_id is not None:
        first = db.get(Response, first.supersedes_id)
    chain = [first]
    while True:
        successor = db.scalars(
            select(Response).where(Response.supersedes_id == chain[-1].id)
        ).one_or_none()
        if successor is None:
            return chain
        chain.append(successor)


def match_candidates(db, response: Response) -> list[Participant]:
    """For a response whose self-generated code matched several earlier participants
    (``code_match_ambiguous``): those participants of its site and group, one element away and
    without a current response in its wave, that it may be linked to by a move."""
    if "code_match_ambiguous" not in (response.quality_flags or []):
        return []
    person = response.participant
    answered = select(Response.participant_id).where(
        Response.wave_id == response.wave_id, Response.superseded_at.is_(None)
    )
    near = db.scalars(
        select(Participant)
        .where(
            Participant.site_id == person.site_id,
            Participant.group_name == person.group_name,
            Participant.test.is_(False),
            Participant.id != person.id,
            Participant.id.not_in(answered),
        )
        .order_by(Participant.code)
    )
    return [p for p in near if differs_in_one_element(p.code, person.code)]


def history_events(db, chain: list[Response]):
    """The audit events of a chain's changes, oldest first."""
    from evalsys.audit.models import AuditEvent

    return (
        db.query(AuditEvent)
        .filter(
            AuditEvent.action.in_(ACTIONS),
            AuditEvent.target_type == "response",
            AuditEvent.target_id.in_([str(r.id) for r in chain]),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .all()
    )
