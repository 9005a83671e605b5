"""Security headers: a strict Content-Security-Policy, no sniffing or framing, HSTS if set."""

from __future__ import annotations

import webtest

from evalsys import main

from .. import world as worlds


def test_strict_headers_on_pages_errors_and_json(testapp):
    for response in (
        testapp.get("/"),
        testapp.get("/login"),
        testapp.get("/healthz"),
        testapp.get("/no-such-page", status=404),
        testapp.get("/admin/users", status=302),
    ):
        csp = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in response.headers  # not in development


def test_hsts_when_configured_for_production(app_settings, dbengine, connection):
    production = main({}, **{**app_settings, "evalsys.hsts": "true"})
    response = webtest.TestApp(production).get("/", extra_environ={"wsgi.url_scheme": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_for_a_logged_in_person_are_never_cached(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    assert "no-store" not in testapp.get("/").headers.get("Cache-Control", "")
    worlds.sign_in(testapp, world.users["coordinator"])
    assert testapp.get("/account").headers["Cache-Control"] == "no-store"


def test_a_header_the_view_set_itself_is_kept_and_not_doubled(app):
    from pyramid.response import Response

    from evalsys.security_headers import security_headers_tween_factory

    def view(request):
        return Response(headers={"X-Frame-Options": "SAMEORIGIN"})

    tween = security_headers_tween_factory(view, app.registry)
    response = tween(webtest.TestRequest.blank("/"))
    assert response.headers.getall("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
