"""Request size limits for the HTML forms (the JSON API and uploads check their own, larger ones).

A survey page or a set-up form is a few kilobytes; anything far larger is a mistake or abuse and
is refused before the body is read.
"""

from __future__ import annotations

from pyramid.httpexceptions import HTTPRequestEntityTooLarge

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
        return handler(request)

    return tween


def includeme(config) -> None:
    config.add_tween("evalsys.web.limits.request_size_tween_factory")
