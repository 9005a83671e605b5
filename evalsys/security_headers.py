"""Security headers on every response (a tween, so error pages get them too)."""

from __future__ import annotations

from evalsys.settings import as_bool

# No inline script or style anywhere: templates use files under /static only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(registry) -> list[tuple[str, tuple[str, str]]]:
    """The headers every response gets, as (lower-case name, (name, value))."""
    defaults = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if as_bool(registry.settings.get("evalsys.hsts", False)):
        defaults.append(("Strict-Transport-Security", HSTS))
    return [(name.lower(), (name, value)) for name, value in defaults]


def add_security_headers(request, response, by_name) -> None:
    """Each of ``by_name`` (:func:`security_headers`) unless the view set its own; no-store
    for what was made for a logged-in person."""
    # One pass over the headers, not one per header (webob's setdefault scans them all).
    headerlist = response.headerlist
    present = {name.lower() for name, _ in headerlist}
    headerlist.extend(header for name, header in by_name if name not in present)
    # A page made for a logged-in person may show participant data: no cache keeps a copy.
    if request.__dict__.get("evalsys_identity") is not None:
        response.headers["Cache-Control"] = "no-store"


def security_headers_tween_factory(handler, registry):
    by_name = security_headers(registry)

    def tween(request):
        response = handler(request)
        add_security_headers(request, response, by_name)
        return response

    return tween


def includeme(config) -> None:
    config.add_tween("evalsys.security_headers.security_headers_tween_factory")
