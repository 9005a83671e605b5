"""What a request may reach through the API: whole interventions and single sites.

Derived from the security policy's principals, so the API grants exactly what the ACLs grant:
an admin's session sees everything, an evaluator's session their interventions, a coordinator's
session their sites; a token only what its scope covers and its user may still see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, or_

from evalsys.accounts.policy import request_principals, token_allows
from evalsys.programme.models import Site

# what the API is used for -> the token permissions that allow it
TOKEN_PERMISSIONS = {"read": ("read",), "submit": ("submit",), "structure": ("read", "submit")}


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    interventions: frozenset[int] = frozenset()  # every site of these
    sites: frozenset[tuple[int, int]] = frozenset()  # (intervention id, site id)

    def covers_site(self, intervention_id: int, site_id: int) -> bool:
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
        """A SQL condition that keeps rows inside the scope."""
        if self.everything:
            return None
        conditions = []
        if self.interventions:
            conditions.append(intervention_column.in_(sorted(self.interventions)))
        if self.sites:
            conditions.append(site_column.in_(sorted(sid for _, sid in self.sites)))
        return or_(*conditions) if conditions else false()


def scope_for(request, purpose: str) -> Scope:
    """The scope of ``purpose`` ("read", "submit" or "structure") for this request."""
    principals = request_principals(request)
    if request.api_token is None:
        if "role:admin" in principals:
            return Scope(everything=True)
        whole = _ids(principals, "intervention:")
        site_ids = _ids(principals, "site:")
    else:
        kinds = [f"token-{p}:" for p in TOKEN_PERMISSIONS[purpose]]
        whole = {i for kind in kinds for i in _ids(principals, kind + "intervention:")}
        site_ids = {i for kind in kinds for i in _ids(principals, kind + "site:")}
    sites = set()
    if site_ids:
        rows = request.dbsession.query(Site.intervention_id, Site.id).filter(Site.id.in_(site_ids))
        sites = {(iid, sid) for iid, sid in rows}
    return Scope(False, frozenset(whole), frozenset(sites))


def allows(request, purpose: str, *, intervention_id: int, site_id: int) -> bool:
    """May this request ``purpose`` ("read" or "submit") at this site?"""
    if request.api_token is not None:
        return any(
            token_allows(request, p, intervention_id=intervention_id, site_id=site_id)
            for p in TOKEN_PERMISSIONS[purpose]
        )
    return scope_for(request, purpose).covers_site(intervention_id, site_id)


def _ids(principals: list[str], prefix: str) -> set[int]:
    return {int(p[len(prefix) :]) for p in principals if p.startswith(prefix)}
