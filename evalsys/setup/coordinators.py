"""Giving coordinator accounts access to a site."""

from __future__ import annotations

from evalsys import audit
from evalsys.accounts.models import Membership, User
from evalsys.accounts.users import UserError, add_membership
from evalsys.i18n import _
from evalsys.programme.models import Site
from evalsys.setup.fields import SetupError


def assign_coordinator(
    dbsession, site: Site, user: User, *, actor: User | None = None
) -> tuple[Membership, bool]:
    """Give a coordinator account access to ``site``; returns (membership, whether it is new)."""
    for membership in user.memberships:
        if membership.site_id == site.id:
            return membership, False
    if user.role != "coordinator":
        message = _(
            "${username} is not a coordinator account.", mapping={"username": user.username}
        )
        raise SetupError("username", "not_a_coordinator", message)
    try:
        membership = add_membership(dbsession, user, site.intervention, site)
    except UserError as error:
        raise SetupError("username", "invalid", error.args[0]) from None
    if actor is not None:
        audit.record(
            dbsession,
            "membership_added",
            actor=actor,
            target_type="user",
            target_id=user.id,
            intervention_id=site.intervention_id,
            site_id=site.id,
        )
    return membership, True
