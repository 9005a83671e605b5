"""Route contexts of the administrator's user pages and of one API token."""

from __future__ import annotations

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPNotFound

from evalsys.accounts.models import ApiToken, User
from evalsys.principals import ADMIN, int_or_404


class UserContext:
    """One user account, for the administrator's pages."""

    __acl__ = [ADMIN]

    def __init__(self, request):
        self.user = request.dbsession.get(User, int_or_404(request.matchdict["id"]))
        if self.user is None:
            raise HTTPNotFound()


class ApiTokenContext:
    """One API token: its owner may revoke it (and an admin may)."""

    def __init__(self, request):
        self.token = request.dbsession.get(ApiToken, int_or_404(request.matchdict["id"]))
        if self.token is None:
            raise HTTPNotFound()

    @property
    def __acl__(self):
        return [ADMIN, (Allow, f"user:{self.token.user_id}", "manage_token")]
