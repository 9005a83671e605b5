"""The route context of one stored response of a site: who may read its history and change it."""

from __future__ import annotations

from pyramid.authorization import Allow

from evalsys.collection.models import Participant, Response
from evalsys.principals import ADMIN
from evalsys.programme.contexts import SiteContext


class ResponseContext:
    """One stored response (any version) of a site, found by its id (``response`` None when the
    site has none with it): who may see the site's participants may read its history, and they
    may correct, move or void it (the intervention's evaluators, the coordinators of that
    site)."""

    def __init__(self, request):
        site_context = SiteContext(request)
        self.intervention, self.site = site_context.intervention, site_context.site
        response_id = request.matchdict["id"]
        response = None
        if response_id.isdigit() and len(response_id) <= 18:
            response = (
                request.dbsession.query(Response)
                .join(Participant, Participant.id == Response.participant_id)
                .filter(Response.id == int(response_id), Participant.site_id == self.site.id)
                .one_or_none()
            )
        # None: the view answers 404 (evalsys.collection.views.corrections), after the
        # permission and CSRF checks, so a missing id tells nothing the site's ACL does not.
        self.response = response

    @property
    def __acl__(self):
        iid, sid = self.intervention.id, self.site.id
        return [
            ADMIN,
            (Allow, f"intervention:{iid}", ("view_participants", "correct")),
            (Allow, f"site:{sid}", ("view_participants", "correct")),
        ]
