"""Which interventions and sites a user may see, decided by the same ACLs as the pages."""

from __future__ import annotations

from evalsys.programme.contexts import InterventionContext, SiteContext
from evalsys.programme.models import Intervention, Site


def intervention_context(intervention: Intervention) -> InterventionContext:
    context = InterventionContext.__new__(InterventionContext)
    context.intervention = intervention
    return context


def site_context(site: Site) -> SiteContext:
    context = SiteContext.__new__(SiteContext)
    context.site = site
    context.intervention = site.intervention
    return context


def visible_interventions(request, permission: str = "view") -> list[Intervention]:
    everything = request.dbsession.query(Intervention).order_by(Intervention.name).all()
    return [i for i in everything if request.has_permission(permission, intervention_context(i))]


def visible_sites(request, intervention: Intervention, permission: str = "view") -> list[Site]:
    return [s for s in intervention.sites if request.has_permission(permission, site_context(s))]
