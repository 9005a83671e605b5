"""What the commands share: finding an intervention, and a site of it, by its short name."""

from __future__ import annotations

from evalsys.cli.bootstrap import CommandError
from evalsys.programme.models import Intervention, Site


def intervention_by_slug(dbsession, slug: str) -> Intervention:
    intervention = dbsession.query(Intervention).filter_by(slug=slug).one_or_none()
    if intervention is None:
        known = [s for (s,) in dbsession.query(Intervention.slug).order_by(Intervention.slug)]
        listed = ", ".join(known) if known else "none yet"
        raise CommandError(f"no intervention {slug!r}; known interventions: {listed}")
    return intervention


def site_by_slug(intervention: Intervention, slug: str) -> Site:
    site = next((s for s in intervention.sites if s.slug == slug), None)
    if site is None:
        known = ", ".join(s.slug for s in intervention.sites) or "none yet"
        raise CommandError(f"no site {slug!r} in {intervention.slug}; sites: {known}")
    return site
