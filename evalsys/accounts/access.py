"""What a request may reach, worked out once per request (``request.access``): the principals the
ACLs grant to, and the scope that lists and the JSON API filter by.

Both come from the same facts, read once: the session's user and their memberships, or the API
token's grant (which carries its user's memberships, read with the token in one query). No view
or service asks the token or membership tables again. The principals are named in
:mod:`evalsys.principals`; a token never carries its user's role, so an admin's token is no admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pyramid.authorization import Authenticated, Everyone
from sqlalchemy import false, or_

from evalsys.accounts.models import User
from evalsys.accounts.tokens import Grant, reads_published, user_may_see

# what the API is used for -> the token permissions that allow it
TOKEN_PERMISSIONS = {"read": ("read",), "submit": ("submit",), "structure": ("read", "submit")}


@dataclass(frozen=True)
class Scope:
    """Whole interventions and single sites; ``everything`` for an administrator's session."""

    everything: bool = False
    interventions: frozenset[int] = frozenset()  # every site of these
    sites: frozenset[tuple[int, int]] = frozenset()  # (intervention id, site id)

    def covers(self, intervention_id: int, site_id: int | None) -> bool:
        """This site, or (``site_id`` None) the whole intervention: one site does not cover it."""
        return (
            self.everything
            or intervention_id in self.interventions
            or (intervention_id, site_id) in self.sites
        )

    def touches(self, intervention_id: int) -> bool:
        """Does the scope reach at least one site of this intervention?"""
        return (
            self.everything
            or intervention_id in self.interventions
            or any(iid == intervention_id for iid, _ in self.sites)
        )

    def clause(self, intervention_column, site_column):
        """A SQL condition that keeps rows inside the scope (None: every row)."""
        if self.everything:
            return None
        conditions = []
        if self.interventions:
            conditions.append(intervention_column.in_(sorted(self.interventions)))
        if self.sites:
            conditions.append(site_column.in_(sorted(sid for _, sid in self.sites)))
        return or_(*conditions) if conditions else false()


NOTHING = Scope()


class Access:
    """Who is asking and what they may reach: a session's user, an API token's grant, or nobody."""

    def __init__(self, user: User | None = None, grant: Grant | None = None):
        self.grant = grant
        self.user = None if grant is not None else user

    @cached_property
    def principals(self) -> tuple[str, ...]:
        """What the ACLs of the route contexts grant to."""
        principals = [Everyone]
        if self.grant is not None:
            grant = self.grant
            if not grant.user.active:
                return tuple(principals)
            kind = f"token-{grant.permission}"
            principals += ["api-token", f"token-user:{grant.user_id}"]
            if self._token_scope.interventions:
                principals.append(f"{kind}:intervention:{grant.intervention_id}")
            if self._token_scope.sites:
                principals.append(f"{kind}:site:{grant.site_id}")
            if self._token_reads_published:
                principals.append(f"token-published:intervention:{grant.intervention_id}")
            return tuple(principals)
        user = self.user
        if user is None or not user.active:
            return tuple(principals)
        principals += [Authenticated, f"user:{user.id}", f"role:{user.role}"]
        for intervention_id in sorted(self._session_scope.interventions):
            principals.append(f"intervention:{intervention_id}")
        for intervention_id, site_id in sorted(self._session_scope.sites):
            principals += [f"site:{site_id}", f"intervention-site:{intervention_id}"]
        return tuple(dict.fromkeys(principals))

    def scope(self, purpose: str) -> Scope:
        """Where this request may ``purpose`` ("read", "submit" or "structure")."""
        if self.grant is None:
            return self._session_scope
        if self.grant.permission in TOKEN_PERMISSIONS[purpose]:
            return self._token_scope
        return NOTHING

    def allows(self, purpose: str, *, intervention_id: int, site_id: int | None) -> bool:
        """May this request ``purpose`` at this site (``site_id`` None: the whole intervention)?"""
        return self.scope(purpose).covers(intervention_id, site_id)

    def knows(self, intervention_id: int, site_id: int | None = None) -> bool:
        """May this request learn that this intervention (some site of it) or this site exists?

        Outside this, a refusal answers 404 as for what does not exist (evalsys.web.errors), so a
        403 never tells anyone that an intervention or a site of someone else is there.
        """
        scope = self.scope("structure")  # a token knows what it may read or submit to
        if site_id is None:
            # a ministry token knows its intervention: it reads the published reports
            return scope.touches(intervention_id) or (
                self._token_reads_published and intervention_id == self.grant.intervention_id
            )
        return scope.covers(intervention_id, site_id)

    @cached_property
    def _session_scope(self) -> Scope:
        user = self.user
        if user is None or not user.active:
            return NOTHING
        if user.role == "admin":
            return Scope(everything=True)
        whole, sites = set(), set()
        # Only the memberships that fit the role count (a role change never widens access).
        for membership in user.memberships:
            if user.role == "evaluator" and membership.site_id is None:
                whole.add(membership.intervention_id)
            elif user.role == "coordinator" and membership.site_id is not None:
                sites.add((membership.intervention_id, membership.site_id))
        return Scope(False, frozenset(whole), frozenset(sites))

    @cached_property
    def _token_reads_published(self) -> bool:
        """A ``read`` token for a whole intervention whose user may read its published report
        versions (an evaluator of it, or the ministry: aggregates only, no participant data)."""
        grant = self.grant
        return (
            grant is not None
            and grant.permission == "read"
            and grant.site_id is None
            and reads_published(grant.user, grant.intervention_id)
        )

    @cached_property
    def _token_scope(self) -> Scope:
        grant = self.grant
        # The user may have lost access since the token was made: the token never outlives that.
        if not user_may_see(grant.user, grant.intervention_id, grant.site_id):
            return NOTHING
        if grant.site_id is None:
            return Scope(interventions=frozenset({grant.intervention_id}))
        return Scope(sites=frozenset({(grant.intervention_id, grant.site_id)}))


def unknown_to(request, context) -> bool:
    """Is the intervention or site of a refused request one the asker may not know of?

    Both error views (pages and API) then answer 404, the same as for one that does not exist;
    a refusal inside the asker's scope stays 403, and nobody (not logged in) is not asked here.
    Contexts name their objects ``intervention`` and ``site`` (evalsys.programme.contexts,
    evalsys.api.contexts, evalsys.results.contexts).
    """
    intervention = getattr(context, "intervention", None)
    if intervention is None:
        return False
    site = getattr(context, "site", None)
    return not request.access.knows(intervention.id, None if site is None else site.id)
