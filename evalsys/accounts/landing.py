"""Where a person lands after logging in when they asked for no page: where their work is."""

from __future__ import annotations

from evalsys.accounts.models import User
from evalsys.programme.models import Site


def coordinated_sites(dbsession, user: User) -> list[Site]:
    """The sites a coordinator works at, by intervention and site name."""
    ids = [m.site_id for m in user.memberships if m.site_id is not None]
    if not ids:
        return []
    sites = dbsession.query(Site).filter(Site.id.in_(ids)).all()
    return sorted(sites, key=lambda site: (site.intervention.name, site.name))


def landing_url(request, user: User) -> str:
    """A coordinator of one site goes straight to that site; everyone else to the home page,
    which lists their work (their sites, interventions or the latest published reports).

    Worked out from the user's memberships: at login the request has no identity yet.
    """
    if user.role == "coordinator" and len(user.memberships) == 1:
        sites = coordinated_sites(request.dbsession, user)
        if len(sites) == 1:
            site = sites[0]
            return request.route_url("site.dashboard", slug=site.intervention.slug, site=site.slug)
    return request.route_url("home")
