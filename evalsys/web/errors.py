"""Friendly pages for 404 and 403, in the user's language, never a stack trace.

A refusal for an intervention or site outside the person's scope is the 404 page, the same as for
one that does not exist: a 403 would tell that it is there (``unknown_to``).
"""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.view import forbidden_view_config, notfound_view_config

from evalsys.accounts.access import unknown_to


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
    if unknown_to(request, getattr(request, "context", None)):
        return not_found(request)
    request.response.status_int = 403
    return {
        "title": request.translate("No access"),
        "message": request.translate(
            "You do not have access to this page. "
            "Ask your evaluator or administrator if you need it."
        ),
    }
