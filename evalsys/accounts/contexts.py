"""Route contexts of the administrator's user pages and of one API token."""

from __future__ import annotations

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound

from evalsys.accounts.models import ApiToken, User
from evalsys.principals import ADMIN


class UserContext:
    """One user account, for the administrator's pages."""

    __acl__ = [ADMIN]

    def __init__(self, request):
        self.user = _row(request, User)
        if self.user is None:
            raise _absent(request)


class ApiTokenContext:
    """One API token: its owner may revoke it (and an admin may)."""

    def __init__(self, request):
        self.token = _row(request, ApiToken)
        if self.token is None:
            raise _absent(request)

    @property
    def __acl__(self):
        return [ADMIN, (Allow, f"user:{self.token.user_id}", "manage_token")]


def _row(request, model):
    value = request.matchdict["id"]
    return request.dbsession.get(model, int(value)) if value.isdigit() else None


def _absent(request) -> HTTPForbidden | HTTPNotFound:
    """Only an administrator learns that an account or token is not there: anyone else gets the
    refusal that an existing one of someone else's gets (and nobody logged in, the login)."""
    return HTTPNotFound() if "role:admin" in request.access.principals else HTTPForbidden()
