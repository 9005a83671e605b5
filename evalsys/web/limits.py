"""What the HTML pages refuse before any view runs: forms larger than a limit (the JSON API and
uploads check their own, larger ones), and a NUL character in the address or a form.

A survey page or a set-up form is a few kilobytes; anything far larger is a mistake or abuse and
is refused before the body is read. No text evalsys stores may hold NUL (PostgreSQL refuses it),
so a page that gets one says so instead of failing in the database; the API's bodies and
addresses are checked by the API (evalsys/api).
"""

from __future__ import annotations

from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

from evalsys.i18n import _

DEFAULT_FORM_LIMIT_KB = 512
UPLOAD_SUFFIXES = ("/import",)


def request_size_tween_factory(handler, registry):
    limit = int(registry.settings.get("evalsys.max_form_kb", DEFAULT_FORM_LIMIT_KB)) * 1024

    def tween(request):
        path = request.path_info  # below the mount point, unquoted: cheaper than path
        exempt = path.startswith("/api/") or path.endswith(UPLOAD_SUFFIXES)
        if not exempt and (request.content_length or 0) > limit:
            return HTTPRequestEntityTooLarge(
                detail=f"The form is larger than {limit // 1024} KB and was not read."
            )
        if not path.startswith("/api/") and _holds_nul(request, path):
            return HTTPBadRequest(detail=request.translate(NUL_MESSAGE))
        return handler(request)

    return tween


NUL_MESSAGE = _(
    "The address or the form holds a hidden control character (NUL) that cannot be stored. "
    "Type the text again without copying it, and send it once more."
)


def _holds_nul(request, path: str) -> bool:
    if "\x00" in path or "%00" in request.query_string:
        return True
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        return b"%00" in request.body
    return False


def includeme(config) -> None:
    config.add_tween("evalsys.web.limits.request_size_tween_factory")
