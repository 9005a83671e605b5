"""Security headers on every response (a tween, so error pages get them too)."""

from __future__ import annotations

from .settings import as_bool

# No inline script or style anywhere: templates use files under /static only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers_tween_factory(handler, registry):
    hsts = as_bool(registry.settings.get("evalsys.hsts", False))

    def tween(request):
        response = handler(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if hsts:
            headers.setdefault("Strict-Transport-Security", HSTS)
        # A page made for a logged-in person may show participant data: no cache keeps a copy.
        if request.__dict__.get("evalsys_identity") is not None:
            headers["Cache-Control"] = "no-store"
        return response

    return tween


def includeme(config) -> None:
    config.add_tween("evalsys.headers.security_headers_tween_factory")
