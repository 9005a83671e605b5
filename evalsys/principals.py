"""The names that ACLs grant to, and the root of every URL.

A request's principals (:mod:`evalsys.accounts.access` works them out once per request):

- ``system.Everyone``; for a logged-in person also ``system.Authenticated``, ``user:{id}`` and
  ``role:{role}``;
- an evaluator's whole intervention: ``intervention:{id}``; a coordinator's site: ``site:{id}`` and
  ``intervention-site:{intervention id}`` (they may open the intervention, and see only their sites
  inside it);
- a request with ``Authorization: Bearer <token>`` gets ``api-token`` and ``token-user:{id}``, plus
  ``token-read:...`` / ``token-submit:...`` for what the token's scope covers and its user may still
  see; a ``read`` token for a whole intervention whose user may read its published reports (an
  evaluator of it, a ministry user) also ``token-published:intervention:{id}``. A token never
  carries its user's role: an admin's token is no admin.

Root's permissions: ``public`` (everyone), ``view`` (any logged-in person), ``account`` (a
logged-in person's own account pages; never through an API token), ``api`` (any valid API token),
``create_intervention`` (evaluators).
"""

from __future__ import annotations

from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.httpexceptions import HTTPNotFound

ADMIN = (Allow, "role:admin", ALL_PERMISSIONS)


class Root:
    """The application as a whole: public pages, and pages every logged-in user has."""

    __acl__ = [
        ADMIN,
        (Allow, Everyone, "public"),
        (Allow, Authenticated, ("view", "account")),
        (Allow, "role:evaluator", "create_intervention"),
        (Allow, "api-token", "api"),
    ]

    def __init__(self, request):
        self.request = request


def int_or_404(value: str) -> int:
    if not value.isdigit():
        raise HTTPNotFound()
    return int(value)
