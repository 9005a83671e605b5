"""Log in and log out."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config

from ..models import User, utcnow
from ..services import audit
from ..services.passwords import verify_password


@view_config(route_name="auth.login", renderer="login.jinja2", permission="public")
def login(request):
    error = None
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        user = request.dbsession.query(User).filter_by(username=username).one_or_none()
        if user is not None and user.active and verify_password(user.password_hash, password):
            user.last_login_at = utcnow()
            audit.record(request.dbsession, "login", actor=user, request=request)
            headers = remember(request, user.id)
            return HTTPFound(location=request.route_url("home"), headers=headers)
        audit.record(request.dbsession, "login_failed", request=request, username=username)
        error = request.translate("Unknown user name or wrong password. Check both and try again.")
        request.response.status_int = 400
    return {"error": error, "username": username}


@view_config(route_name="auth.logout", request_method="POST", permission="public")
def logout(request):
    if request.identity is not None:
        audit.record(request.dbsession, "logout", actor=request.identity, request=request)
    return HTTPFound(location=request.route_url("home"), headers=forget(request))
