"""Route contexts of an intervention and of one of its sites, each with the ACL that says who may
do what with it.

Permissions (an admin has all of them, everywhere):

- InterventionContext: ``view`` (its evaluators, coordinators of its sites), ``manage``,
  ``view_participants``, ``export`` (its evaluators), ``view_published`` (its evaluators, ministry),
  ``api_read`` / ``api_submit`` (a token scoped to the whole intervention).
- SiteContext: ``view``, ``collect``, ``view_participants`` (the intervention's evaluators, the
  coordinators of that site), ``manage`` (evaluators), ``api_read`` / ``api_submit`` (a token
  scoped to the intervention or to that site).

Ministry users get no participant-level permission anywhere. The principals are named in
:mod:`evalsys.principals`.
"""

from __future__ import annotations

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound

from evalsys.principals import ADMIN
from evalsys.programme.models import Intervention, Site


def absent(request) -> HTTPForbidden | HTTPNotFound:
    """What to raise when the object the URL names does not exist: the answer for one that
    exists outside the asker's scope, so no answer tells whether it is there.

    Nobody logged in is asked to log in (the forbidden views do that); anyone else gets the 404
    that :func:`evalsys.accounts.access.unknown_to` also leads to. Asking for the identity here
    also gives both answers the same headers (``Cache-Control`` follows the identity).
    """
    if request.identity is None:
        return HTTPForbidden()
    return HTTPNotFound()


def intervention_in_url(request) -> Intervention:
    """The intervention whose slug the URL names (see :func:`absent` when there is none)."""
    slug = request.matchdict["slug"]
    if "\x00" in slug:  # no slug holds it, and the database refuses to look it up
        raise absent(request)
    intervention = request.dbsession.query(Intervention).filter_by(slug=slug).one_or_none()
    if intervention is None:
        raise absent(request)
    return intervention


def site_in_url(request, intervention: Intervention) -> Site:
    """The site of ``intervention`` whose slug the URL names (see :func:`absent`)."""
    if "\x00" in request.matchdict["site"]:
        raise absent(request)
    site = (
        request.dbsession.query(Site)
        .filter_by(intervention_id=intervention.id, slug=request.matchdict["site"])
        .one_or_none()
    )
    if site is None:
        raise absent(request)
    return site


class InterventionContext:
    """One intervention, found by its slug in the URL."""

    def __init__(self, request):
        self.intervention = intervention_in_url(request)

    @property
    def __acl__(self):
        iid = self.intervention.id
        return [
            ADMIN,
            (
                Allow,
                f"intervention:{iid}",
                ("view", "manage", "view_participants", "export", "view_published", "follow_up"),
            ),
            (Allow, f"intervention-site:{iid}", ("view",)),
            (Allow, "role:ministry", ("view_published",)),
            (Allow, "api-token", "api"),
            (Allow, f"token-read:intervention:{iid}", "api_read"),
            (Allow, f"token-submit:intervention:{iid}", "api_submit"),
        ]


class SiteContext:
    """One site of an intervention: its coordinators see it, no other site's."""

    def __init__(self, request):
        intervention = InterventionContext(request).intervention
        self.site = site_in_url(request, intervention)
        self.intervention = intervention

    @property
    def __acl__(self):
        iid, sid = self.intervention.id, self.site.id
        return [
            ADMIN,
            (Allow, f"intervention:{iid}", ("view", "manage", "collect", "view_participants")),
            (Allow, f"site:{sid}", ("view", "collect", "view_participants")),
            (Allow, "api-token", "api"),
            (Allow, f"token-read:intervention:{iid}", "api_read"),
            (Allow, f"token-read:site:{sid}", "api_read"),
            (Allow, f"token-submit:intervention:{iid}", "api_submit"),
            (Allow, f"token-submit:site:{sid}", "api_submit"),
        ]
