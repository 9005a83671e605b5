"""Who may register webhooks, and what a webhook may be told: never more than its owner may see
now (checked again when each delivery is made and before each attempt)."""

from __future__ import annotations

from evalsys.accounts.access import Access
from evalsys.accounts.models import User


def manages_all(user: User | None, intervention_id: int) -> bool:
    """An administrator, or an evaluator of the intervention: every webhook of it is theirs to
    see and manage."""
    if user is None or not user.active or user.role not in ("admin", "evaluator"):
        return False
    return Access(user).allows("read", intervention_id=intervention_id, site_id=None)


def may_register(user: User | None, intervention_id: int) -> bool:
    """Managers, and coordinators of a site of the intervention (their hooks hear of their
    sites only); never a ministry user, who sees no participant-level data."""
    if manages_all(user, intervention_id):
        return True
    return (
        user is not None
        and user.active
        and user.role == "coordinator"
        and Access(user).scope("read").touches(intervention_id)
    )


def may_receive(user: User | None, event: str, intervention_id: int, site_id: int | None) -> bool:
    """May the owner of a webhook be told of ``event`` at this site?

    A report (no site) goes to those who read the intervention's reports as a whole (its
    evaluators and admins); a response's event to whoever may read that site's responses.
    """
    if user is None or not user.active or user.role == "ministry":
        return False
    if event == "ping":
        return True
    if site_id is None and not manages_all(user, intervention_id):
        return False
    return Access(user).allows("read", intervention_id=intervention_id, site_id=site_id)


def may_see_answers(user: User | None, intervention_id: int, site_id: int | None) -> bool:
    """Participant-level data (answers and scores): evaluators and admins, a coordinator for
    their own sites; a ministry user never."""
    return site_id is not None and may_receive(user, "response.stored", intervention_id, site_id)
