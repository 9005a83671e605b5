"""Route contexts of the API: each loads its object and says in an ACL who may read or manage it.

A GET that is denied answers 404 (``hide_when_denied``), and so does any request for an
intervention or site outside the asker's scope (evalsys.accounts.access.unknown_to): the API never
tells someone that an intervention or site they may not see exists.
"""

from __future__ import annotations

from pyramid.authorization import Allow, Authenticated

from evalsys.principals import ADMIN
from evalsys.programme.contexts import absent, intervention_in_url, site_in_url
from evalsys.programme.models import Wave


class ApiRoot:
    """Collections (/responses, /interventions): any session or valid token; admins and
    evaluators may create interventions (with a session: a token never carries a role)."""

    __acl__ = [
        ADMIN,
        (Allow, Authenticated, "api"),
        (Allow, "api-token", "api"),
        (Allow, "role:evaluator", "create_intervention"),
    ]

    def __init__(self, request):
        self.request = request


class ApiIntervention:
    hide_when_denied = True

    def __init__(self, request):
        self.intervention = intervention_in_url(request)

    @property
    def __acl__(self):
        iid = self.intervention.id
        acl = [
            ADMIN,
            (Allow, f"intervention:{iid}", ("read", "manage")),
            (Allow, f"intervention-site:{iid}", "read"),
            (Allow, f"token-read:intervention:{iid}", "read"),
            # Set-up through a token: one that may submit for the whole intervention, whose
            # user (an evaluator of it, or an admin) may still see all of it.
            (Allow, f"token-submit:intervention:{iid}", ("read", "manage")),
        ]
        for site in self.intervention.sites:
            acl.append((Allow, f"token-read:site:{site.id}", "read"))
            acl.append((Allow, f"token-submit:site:{site.id}", "read"))
        return acl


class ApiSite(ApiIntervention):
    """One site: read by whoever covers the whole intervention or this very site."""

    def __init__(self, request):
        super().__init__(request)
        self.site = site_in_url(request, self.intervention)

    @property
    def __acl__(self):
        iid, sid = self.intervention.id, self.site.id
        return [
            ADMIN,
            (Allow, f"intervention:{iid}", ("read", "manage")),
            (Allow, f"site:{sid}", "read"),
            (Allow, f"token-read:intervention:{iid}", "read"),
            (Allow, f"token-submit:intervention:{iid}", ("read", "manage")),
            (Allow, f"token-read:site:{sid}", "read"),
            (Allow, f"token-submit:site:{sid}", "read"),
        ]


class ApiWave(ApiIntervention):
    def __init__(self, request):
        super().__init__(request)
        label = request.matchdict["label"]
        self.wave = None
        if "\x00" not in label:  # no label holds it, and the database refuses to look it up
            self.wave = (
                request.dbsession.query(Wave)
                .filter_by(intervention_id=self.intervention.id, label=label)
                .one_or_none()
            )
        if self.wave is None:
            raise absent(request)
