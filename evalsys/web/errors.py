"""Friendly pages for 404 and 403, in the user's language, never a stack trace."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.view import forbidden_view_config, notfound_view_config


@notfound_view_config(renderer="error.jinja2", append_slash=HTTPFound)
def not_found(request):
    request.response.status_int = 404
    return {
        "title": request.translate("Page not found"),
        "message": request.translate(
            "This page does not exist (any more). Check the address, or go back to the home page."
        ),
    }


@forbidden_view_config(renderer="error.jinja2")
def forbidden(request):
    if request.identity is None and not request.path.startswith("/api/"):
        return HTTPFound(location=request.route_url("auth.login", _query={"next": request.path}))
    request.response.status_int = 403
    return {
        "title": request.translate("No access"),
        "message": request.translate(
            "You do not have access to this page. "
            "Ask your evaluator or administrator if you need it."
        ),
    }
