"""Creating users and giving them access to interventions and sites."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from evalsys.accounts.models import ROLES, Membership, PasswordReset, User
from evalsys.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from evalsys.accounts.sessions import end_sessions
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.programme.models import Intervention, Site

# One address, no spaces or control characters, a dot in the domain (RFC 5321: 254 at most).
ADDRESS = re.compile(r"^[^@\s\x00-\x1f]{1,64}@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f.]+$")


def is_address(value: str) -> bool:
    """Does ``value`` look like one e-mail address (a staff member's, or a participant's)?"""
    return len(value) <= 254 and bool(ADDRESS.match(value))


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


RESET_LINK_LIFETIME = dt.timedelta(hours=24)


def set_password(user: User, password: str) -> None:
    """Set a new password (argon2id) and end the user's sessions; UserError when it is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("A password needs at least 10 characters."))
    user.password_hash = hash_password(password)
    end_sessions(user)


def change_password(user: User, current: str, new: str, repeated: str) -> None:
    if not verify_password(user.password_hash, current):
        raise UserError(_("The current password is wrong."))
    if new != repeated:
        raise UserError(_("The two new passwords differ."))
    set_password(user, new)


def create_reset_link(dbsession, user: User, created_by: User | None) -> tuple[PasswordReset, str]:
    """A one-time password-reset token for ``user``; earlier unused ones stop working."""
    now = utcnow()
    for earlier in dbsession.query(PasswordReset).filter_by(user_id=user.id, used_at=None):
        earlier.used_at = now
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by_id=getattr(created_by, "id", None),
        expires_at=now + RESET_LINK_LIFETIME,
    )
    dbsession.add(reset)
    dbsession.flush()
    return reset, token


def find_reset_link(dbsession, token: str) -> PasswordReset | None:
    """The unused, unexpired reset with this token, or None."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    reset = dbsession.query(PasswordReset).filter_by(token_hash=digest).one_or_none()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    if not reset.user.active:
        return None
    return reset


def use_reset_link(reset: PasswordReset, password: str, repeated: str) -> None:
    if password != repeated:
        raise UserError(_("The two new passwords differ."))
    set_password(reset.user, password)
    reset.used_at = utcnow()


def update_user(user: User, *, role: str, display_name: str, active: bool) -> dict:
    """Change role, name or active; returns {field: [before, after]} for what changed.

    A new role drops the memberships that do not fit it (an evaluator's whole interventions are
    no coordinator's sites): access is never carried over silently from one role to another.
    Blocking and a new role end the user's sessions (unblocking never revives them).
    """
    if role not in ROLES:
        raise UserError(_("Choose one of the roles."))
    changes = {}
    wanted = {"role": role, "display_name": display_name.strip(), "active": active}
    for field, value in wanted.items():
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if "role" in changes:
        user.memberships[:] = [m for m in user.memberships if _fits(user.role, m)]
    if "role" in changes or ("active" in changes and not active):
        end_sessions(user)
    return changes


def _fits(role: str, membership: Membership) -> bool:
    if role == "evaluator":
        return membership.site_id is None
    if role == "coordinator":
        return membership.site_id is not None
    return False


def add_membership(
    dbsession, user: User, intervention: Intervention, site: Site | None
) -> Membership:
    """Give an evaluator a whole intervention, or a coordinator one site of it."""
    check_membership(user.role, intervention, site)
    site_id = None if site is None else site.id
    for membership in user.memberships:
        if membership.intervention_id == intervention.id and membership.site_id == site_id:
            raise UserError(_("The user already has this access."))
    membership = Membership(intervention_id=intervention.id, site_id=site_id)
    user.memberships.append(membership)
    dbsession.flush()
    return membership


def check_membership(role: str, intervention: Intervention, site: Site | None) -> None:
    """Raise UserError unless a user with ``role`` can be given this intervention or site."""
    if role == "evaluator" and site is not None:
        raise UserError(_("Evaluators get a whole intervention, not a single site."))
    if role == "coordinator" and site is None:
        raise UserError(_("A coordinator works on a site: choose one."))
    if role in ("admin", "ministry"):
        raise UserError(
            _("Administrators and ministry users are not tied to interventions or sites.")
        )
    if site is not None and site.intervention_id != intervention.id:
        raise UserError(_("The site is not part of the intervention."))


def create_account(dbsession, username: str, role: str, display_name: str = "") -> User:
    """A user without a password yet: the administrator hands them a one-time link to set one."""
    username = username.strip()
    if not username or len(username) > 100:
        raise UserError(_("A user name is required (at most 100 characters)."))
    if role not in ROLES:
        raise UserError(_("Choose one of the roles."))
    if dbsession.query(User).filter_by(username=username).count():
        raise UserError(_("This user name is taken."))
    user = User(username=username, role=role, display_name=display_name.strip()[:200])
    dbsession.add(user)
    dbsession.flush()
    return user
