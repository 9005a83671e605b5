"""The home page, languages, error pages, login and security headers."""

from __future__ import annotations

from evalsys.audit.models import AuditEvent

from .. import builders
from ..web_session import csrf_token, login


def test_home_page_is_dutch_by_default_and_says_where_to_log_in(testapp):
    page = testapp.get("/")
    assert '<html lang="nl">' in page.text
    assert "Werkt de interventie?" in page.text
    assert 'href="http://localhost/login"' in page.text


def test_accept_language_english_gives_the_english_page(testapp):
    page = testapp.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text
    assert "Does the intervention work?" in page.text


def test_unsupported_accept_language_falls_back_to_dutch(testapp):
    page = testapp.get("/", headers={"Accept-Language": "tr,ar;q=0.8"})
    assert '<html lang="nl">' in page.text


def test_the_users_choice_beats_accept_language(testapp):
    choice = testapp.get("/language/en?next=/login", headers={"Accept-Language": "nl"})
    assert choice.status_int == 302 and choice.location.endswith("/login")
    page = testapp.get("/", headers={"Accept-Language": "nl"})
    assert '<html lang="en">' in page.text
    testapp.get("/language/nl")
    assert '<html lang="nl">' in testapp.get("/", headers={"Accept-Language": "en"}).text


def test_language_switch_never_redirects_off_site(testapp):
    for target in ("https://evil.example/", "//evil.example/"):
        response = testapp.get("/language/en", params={"next": target})
        assert response.location == "http://localhost/"


def test_unknown_page_is_a_friendly_404(testapp):
    page = testapp.get("/bestaat-niet", status=404)
    assert "Pagina niet gevonden" in page.text
    assert "Traceback" not in page.text


def test_security_headers_on_every_response(testapp):
    for response in (testapp.get("/"), testapp.get("/healthz"), testapp.get("/x", status=404)):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(testapp):
    page = testapp.get("/login")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_and_logout(testapp, dbsession, tm):
    builders.user(dbsession, username="anna", role="coordinator", password="lang-genoeg-wachtwoord")
    builders.commit(tm)
    response = login(testapp, "anna", "lang-genoeg-wachtwoord")
    assert response.status_int == 302
    home = testapp.get("/")
    assert "Je bent ingelogd als anna." in home.text
    out = testapp.post("/logout", {"csrf_token": csrf_token(home)})
    assert out.status_int == 302
    assert "ingelogd als" not in testapp.get("/").text


def test_wrong_password_is_refused_and_audited(testapp, dbsession, tm):
    builders.user(dbsession, username="bram", password="lang-genoeg-wachtwoord")
    builders.commit(tm)
    response = login(testapp, "bram", "fout", status=400)
    assert "verkeerd wachtwoord" in response.text
    failures = dbsession.query(AuditEvent).filter_by(action="login_failed").all()
    assert [event.details["username"] for event in failures] == ["bram"]


def test_login_form_without_csrf_token_is_rejected(testapp):
    testapp.get("/login")
    testapp.post("/login", {"username": "x", "password": "y"}, status=400)
