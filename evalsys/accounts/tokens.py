"""API tokens: created for oneself, scoped to an intervention or one site, read or submit.

The token itself is shown once; only its SHA-256 is stored (a token has 256 random bits, so a
slow hash adds nothing). Revoked or expired tokens identify nobody.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, or_, select, update

from evalsys.accounts.models import TOKEN_PERMISSIONS, ApiToken, Membership, User
from evalsys.accounts.users import UserError
from evalsys.db.meta import utcnow
from evalsys.db.recent import READ_EVERY_TIME, Recent
from evalsys.db.statements import Prepared, execute
from evalsys.i18n import _
from evalsys.programme.models import Intervention, Site

TOKEN_PREFIX = "evs_"
# Writing last_used_at on every call would make every API request a write; once a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_may_see(user: User | Holder, intervention_id: int, site_id: int | None) -> bool:
    """May ``user`` see this intervention (``site_id`` None: all its sites) or this one site?"""
    if not user.active:
        return False
    if user.role == "admin":
        return True
    for membership in user.memberships:
        if membership.intervention_id != intervention_id:
            continue
        if user.role == "evaluator" and membership.site_id is None:
            return True
        if user.role == "coordinator" and site_id is not None and membership.site_id == site_id:
            return True
    return False


def reads_published(user: User | Holder, intervention_id: int) -> bool:
    """May ``user`` read the published report versions of this intervention? The ministry reads
    every one (aggregates only), an evaluator those of their interventions."""
    return user.active and (user.role == "ministry" or user_may_see(user, intervention_id, None))


def scopes_for(dbsession, user: User) -> list[tuple[Intervention, Site | None]]:
    """The scopes ``user`` may put on a token: whole interventions and single sites they see;
    for a ministry user every intervention (a ministry token reads its published reports)."""
    if user.role == "ministry":
        return [(i, None) for i in dbsession.query(Intervention).order_by(Intervention.name)]
    if user.role == "admin":
        interventions = dbsession.query(Intervention).order_by(Intervention.name).all()
    else:
        ids = {m.intervention_id for m in user.memberships}
        interventions = (
            dbsession.query(Intervention)
            .filter(Intervention.id.in_(ids))
            .order_by(Intervention.name)
            .all()
        )
    scopes = []
    for intervention in interventions:
        if user_may_see(user, intervention.id, None):
            scopes.append((intervention, None))
        for site in intervention.sites:
            if user_may_see(user, intervention.id, site.id):
                scopes.append((intervention, site))
    return scopes


def create_token(
    dbsession,
    user: User,
    *,
    name: str,
    permission: str,
    intervention: Intervention,
    site: Site | None = None,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the token text (shown once only)."""
    name = name.strip()
    if not name:
        raise UserError(_("Give the token a name, for example the script or device that uses it."))
    if permission not in TOKEN_PERMISSIONS:
        raise UserError(_("Choose what the token may do: read or submit."))
    if site is not None and site.intervention_id != intervention.id:
        raise UserError(_("The site is not part of the intervention."))
    if user.role == "ministry":
        if permission != "read" or site is not None:
            raise UserError(
                _(
                    "A ministry token reads the published reports of a whole intervention: "
                    "choose read and the intervention."
                )
            )
    elif not user_may_see(user, intervention.id, None if site is None else site.id):
        raise UserError(_("A token cannot have more access than you have yourself."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        permission=permission,
        intervention_id=intervention.id,
        site_id=None if site is None else site.id,
        expires_at=None if not expires_in_days else utcnow() + dt.timedelta(days=expires_in_days),
    )
    dbsession.add(token)
    dbsession.flush()
    return token, secret


@dataclass(frozen=True)
class Member:
    intervention_id: int
    site_id: int | None


@dataclass(frozen=True)
class Holder:
    """A token's user as far as access goes (what :func:`user_may_see` reads)."""

    id: int
    active: bool
    role: str
    memberships: tuple[Member, ...]


@dataclass(frozen=True)
class Grant:
    """A live API token and what it grants, read in one query: every API request needs it."""

    id: int
    user_id: int
    permission: str
    intervention_id: int
    site_id: int | None
    last_used_at: dt.datetime | None
    user: Holder
    expires_at: dt.datetime | None = None


# Built once: constructing a statement costs more CPU than running it.
_GRANT = Prepared(
    select(
        ApiToken.id,
        ApiToken.user_id,
        ApiToken.permission,
        ApiToken.intervention_id,
        ApiToken.site_id,
        ApiToken.last_used_at,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        User.active,
        User.role,
        Membership.intervention_id.label("member_intervention_id"),
        Membership.site_id.label("member_site_id"),
    )
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)
# Many requests of one token arrive together, and each would find last_used_at stale at the
# same moment: an UPDATE would make them queue on the row's lock until each commits. SKIP
# LOCKED lets one of them write it and the others go on (PostgreSQL; SQLite writes one at a
# time anyway and compiles no locking clause).
_STALE = (
    select(ApiToken.id)
    .where(
        ApiToken.id == bindparam("token_id"),
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= bindparam("cutoff")),
    )
    .with_for_update(skip_locked=True)
)
_TOUCH = Prepared(
    update(ApiToken.__table__)
    .where(ApiToken.__table__.c.id.in_(_STALE))
    .values(last_used_at=bindparam("now"))
)


def find_token(
    db, secret: str, now: dt.datetime | None = None, recent: Recent = READ_EVERY_TIME
) -> Grant | None:
    """The live token with this text, or None (unknown, revoked, expired, or its user disabled).

    With ``recent``, what the database said of the token a moment ago will do (see
    services.recent); its expiry time is checked every time.
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token_hash = hash_token(secret)
    grant = recent.get(token_hash, lambda: _grant(db, token_hash))
    now = now or utcnow()
    if grant is None or (grant.expires_at is not None and grant.expires_at <= now):
        return None
    if grant.last_used_at is None or now - grant.last_used_at >= LAST_USED_RESOLUTION:
        cutoff = now - LAST_USED_RESOLUTION
        execute(db, _TOUCH, {"token_id": grant.id, "now": now, "cutoff": cutoff})
        grant = replace(grant, last_used_at=now)
        recent.put(token_hash, grant)
    return grant


def _grant(db, token_hash: str) -> Grant | None:
    """The token's grant as the database has it, or None (unknown, revoked, user disabled)."""
    rows = execute(db, _GRANT, {"token_hash": token_hash}).all()
    if not rows:
        return None
    token = rows[0]
    if token.revoked_at is not None or not token.active:
        return None
    members = tuple(
        Member(row.member_intervention_id, row.member_site_id)
        for row in rows
        if row.member_intervention_id is not None
    )
    return Grant(
        id=token.id,
        user_id=token.user_id,
        permission=token.permission,
        intervention_id=token.intervention_id,
        site_id=token.site_id,
        last_used_at=token.last_used_at,
        user=Holder(token.user_id, token.active, token.role, members),
        expires_at=token.expires_at,
    )


def covers(
    token: ApiToken | Grant, permission: str, intervention_id: int, site_id: int | None
) -> bool:
    """Does the token's scope cover this intervention (``site_id`` None: all sites) or site?"""
    if token.permission != permission or token.intervention_id != intervention_id:
        return False
    if token.site_id is not None and token.site_id != site_id:
        return False
    # The user may have lost access since the token was made: the token never outlives that.
    return user_may_see(token.user, intervention_id, site_id)


def revoke(token: ApiToken) -> bool:
    """Revoke the token; False when it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True
