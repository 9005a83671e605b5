"""The short way to a survey: /k and a code from the flyer instead of the long link."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from evalsys.collection import ratelimit, typed_codes
from evalsys.collection.models import SHORT_CODE_LENGTH, SurveyLink


def shown(short_code: str | None) -> str:
    """``ABCDEF`` as printed on the flyer: ``ABC-DEF``."""
    return typed_codes.grouped(short_code, SHORT_CODE_LENGTH // 2) if short_code else ""


def short_address(request) -> str:
    """The address to type for /k, without ``https://`` (as a person writes it)."""
    url = request.route_url("short.form")
    return url.split("://", 1)[-1]


def find(dbsession, typed: str) -> SurveyLink | None:
    """The link of a typed short code (any case, spaces and dashes ignored), or None."""
    characters = typed_codes.read(typed)
    if not typed_codes.is_well_formed(characters, SHORT_CODE_LENGTH):
        return None
    return dbsession.query(SurveyLink).filter_by(short_code=characters).one_or_none()


@view_config(
    route_name="short.form", request_method="GET", permission="public", renderer="short_code.jinja2"
)
@view_config(
    route_name="short.go", request_method="GET", permission="public", renderer="short_code.jinja2"
)
def go(request):
    """A code that leads to a link sends on to it; the survey page itself says when that link
    is closed or not open yet (one answer for a closed link, wherever it is opened)."""
    typed = request.matchdict.get("code") or request.params.get("code")
    if typed is None:
        return {"code": "", "error": None}
    ratelimit.check(request, "survey")  # a code is short: guessing it takes many tries
    if not typed.strip():
        request.response.status_int = 400
        return {"code": "", "error": request.translate("Fill in the code from the flyer.")}
    link = find(request.dbsession, typed)
    if link is None:
        request.response.status_int = 404
        error = request.translate(
            "No questionnaire has this code. Check the code on the flyer (it looks like "
            "ABC-DEF), or scan the QR code. Still stuck? Ask your coach for the link."
        )
        return {"code": typed[:40], "error": error}
    query = {"lang": request.params["lang"]} if request.params.get("lang") else {}
    return HTTPSeeOther(request.route_url("survey.fill", token=link.token, _query=query))
