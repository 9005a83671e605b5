"""Route contexts: each loads its object and carries the ACL that says who may do what with it."""

from __future__ import annotations

from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.httpexceptions import HTTPNotFound

from .models import Intervention, Site

ADMIN = (Allow, "role:admin", ALL_PERMISSIONS)


class Root:
    """The application as a whole: public pages, and pages every logged-in user has."""

    __acl__ = [ADMIN, (Allow, Everyone, "public"), (Allow, Authenticated, "view")]

    def __init__(self, request):
        self.request = request


class InterventionContext:
    """One intervention, found by its slug in the URL."""

    def __init__(self, request):
        slug = request.matchdict["slug"]
        self.intervention = request.dbsession.query(Intervention).filter_by(slug=slug).one_or_none()
        if self.intervention is None:
            raise HTTPNotFound()

    @property
    def __acl__(self):
        iid = self.intervention.id
        return [
            ADMIN,
            (Allow, f"intervention:{iid}", ("view", "manage", "view_participants", "export")),
            (Allow, f"intervention-site:{iid}", ("view",)),
            (Allow, "role:ministry", ("view_published",)),
        ]


class SiteContext:
    """One site of an intervention: its coordinators see it, no other site's."""

    def __init__(self, request):
        intervention = InterventionContext(request).intervention
        self.site = (
            request.dbsession.query(Site)
            .filter_by(intervention_id=intervention.id, slug=request.matchdict["site"])
            .one_or_none()
        )
        if self.site is None:
            raise HTTPNotFound()
        self.intervention = intervention

    @property
    def __acl__(self):
        return [
            ADMIN,
            (
                Allow,
                f"intervention:{self.intervention.id}",
                ("view", "manage", "collect", "view_participants"),
            ),
            (Allow, f"site:{self.site.id}", ("view", "collect", "view_participants")),
        ]
