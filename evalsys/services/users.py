"""Creating users and giving them access to interventions and sites."""

from __future__ import annotations

from ..models import Intervention, Membership, Site, User
from ..models.user import ROLES
from .passwords import hash_password


class UserError(ValueError):
    """The request cannot be carried out; the message says why."""


def create_user(
    dbsession,
    username: str,
    role: str,
    password: str,
    *,
    display_name: str = "",
    intervention: str | None = None,
    sites: list[str] = (),
) -> User:
    """Create a user; evaluators get the whole ``intervention``, coordinators its ``sites``."""
    username = username.strip()
    if not username:
        raise UserError("a user name is required")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if dbsession.query(User).filter_by(username=username).count():
        raise UserError(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        password_hash=hash_password(password),
    )
    dbsession.add(user)
    grant(dbsession, user, intervention, sites)
    return user


def grant(dbsession, user: User, intervention_slug: str | None, site_slugs=()) -> None:
    if user.role == "coordinator" and (intervention_slug is None or not site_slugs):
        raise UserError("a coordinator needs an intervention and at least one site")
    if site_slugs and user.role != "coordinator":
        raise UserError("only coordinators are tied to sites; evaluators get a whole intervention")
    if intervention_slug is None:
        return
    if user.role in ("admin", "ministry"):
        raise UserError(f"{user.role} users see every intervention; leave out --intervention")
    intervention = dbsession.query(Intervention).filter_by(slug=intervention_slug).one_or_none()
    if intervention is None:
        raise UserError(f"no intervention with the short name {intervention_slug!r}")
    if user.role == "evaluator":
        user.memberships.append(Membership(intervention_id=intervention.id))
        return
    known = {site.slug: site for site in intervention.sites}
    for slug in site_slugs:
        if slug not in known:
            raise UserError(
                f"intervention {intervention_slug!r} has no site {slug!r}; "
                f"its sites are: {', '.join(sorted(known)) or 'none yet'}"
            )
        site: Site = known[slug]
        user.memberships.append(Membership(intervention_id=intervention.id, site_id=site.id))
