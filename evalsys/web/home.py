"""The public home page and the language switch."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from evalsys.i18n import LANGUAGE_COOKIE, LANGUAGES
from evalsys.programme.visibility import visible_interventions


@view_config(route_name="home", renderer="home.jinja2", permission="public")
def home(request):
    if request.identity is None:
        return {"interventions": []}
    return {"interventions": visible_interventions(request)}


@view_config(route_name="language", permission="public", require_csrf=False)
def choose_language(request):
    code = request.matchdict["code"]
    if code not in LANGUAGES:
        raise HTTPNotFound()
    target = request.params.get("next", "/")
    # Only local paths: an open redirect would let a phishing link borrow our name.
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = HTTPFound(location=target)
    response.set_cookie(
        LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
    )
    return response
