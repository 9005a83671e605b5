"""Security headers on every response (a tween, so error pages get them too)."""

from __future__ import annotations

from .settings import as_bool

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def security_headers_tween_factory(handler, registry):
    hsts = as_bool(registry.settings.get("evalsys.hsts", False))

    def tween(request):
        response = handler(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    return tween


def includeme(config) -> None:
    config.add_tween("evalsys.headers.security_headers_tween_factory")
