"""The home page (the public pitch, or a signed-in person's work) and the language switch."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from evalsys.i18n import LANGUAGE_COOKIE, LANGUAGES
from evalsys.web.work import home_work


@view_config(route_name="home", renderer="home.jinja2", permission="public")
def home(request):
    """The public pitch, for visitors (and API tokens, which have no pages)."""
    return {}


@view_config(route_name="home", renderer="work.jinja2", permission="public", is_authenticated=True)
def work(request):
    """A signed-in person's work as links: where a coordinator of several sites chooses one."""
    if request.api_token is not None:
        request.override_renderer = "home.jinja2"
        return home(request)
    return home_work(request)


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
