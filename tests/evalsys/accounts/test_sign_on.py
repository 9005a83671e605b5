"""Single sign-on with OpenID Connect, through the real HTTP round trip to a provider process.

evalsys (WebTest) -> the provider's /authorize (requests, as the browser) -> back to evalsys's
callback -> evalsys calls the provider's /token over HTTP and checks the ID token.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import webtest

from evalsys import main
from evalsys.accounts.models import User
from evalsys.accounts.sign_on.links import link_account
from evalsys.accounts.sign_on.models import SignOnLink
from evalsys.accounts.sign_on.providers import provider_settings
from evalsys.audit.models import AuditEvent
from evalsys.settings import ConfigurationError

from .. import builders
from ..web_session import csrf_token
from ..world import PASSWORD, make_user, sign_in, totp_code

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.py")
SECRET_ENV = "EVALSYS_SSO_TEST_SECRET"
CODE = re.compile(r"code=([^&]+)")
CLIENTS = {"evalsys": "the-client-secret", "evalsys-public": None}


@pytest.fixture(scope="module")
def provider_url():
    """The provider process, on a free port of 127.0.0.1, for the tests of this module."""
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER_SCRIPT), "--clients", json.dumps(CLIENTS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("PORT "), f"the provider did not start: {line!r}"
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def sso_settings(app_settings, provider_url, **extra) -> dict:
    return {
        **app_settings,
        "evalsys.sso.providers": "test badge down",
        "evalsys.sso.test.title": "Gemeente Test",
        "evalsys.sso.test.issuer": provider_url,
        "evalsys.sso.test.client_id": "evalsys",
        "evalsys.sso.test.client_secret_env": SECRET_ENV,
        "evalsys.sso.test.mfa_amr": "mfa otp hwk",
        "evalsys.sso.test.match": "email",
        # a public client (PKCE only), matched by subject, whose MFA shows in acr
        "evalsys.sso.badge.title": "Pasjes",
        "evalsys.sso.badge.server_metadata_url": f"{provider_url}/.well-known/openid-configuration",
        "evalsys.sso.badge.issuer": provider_url,
        "evalsys.sso.badge.client_id": "evalsys-public",
        "evalsys.sso.badge.match": "subject",
        "evalsys.sso.badge.mfa_acr": "urn:test:loa:high",
        # nobody listens on port 9 of this machine
        "evalsys.sso.down.issuer": "http://127.0.0.1:9",
        "evalsys.sso.down.client_id": "evalsys",
        "evalsys.sso.down.timeout": "2",
        **extra,
    }


def build_app(settings: dict):
    os.environ[SECRET_ENV] = CLIENTS["evalsys"]
    try:
        return main({}, **settings)
    finally:
        os.environ.pop(SECRET_ENV)


@pytest.fixture(scope="module")
def sso_app(app_settings, dbengine, provider_url):
    return build_app(sso_settings(app_settings, provider_url))


@pytest.fixture(scope="module")
def no_passwords_app(app_settings, dbengine, provider_url):
    return build_app(sso_settings(app_settings, provider_url, **{"evalsys.local_passwords": "0"}))


def web(app, connection) -> webtest.TestApp:
    # Into the test's rolled-back connection, as the suite's own app (tests/conftest.py).
    app.registry["dbsession_factory"].configure(
        bind=connection, join_transaction_mode="create_savepoint"
    )
    return webtest.TestApp(
        app, extra_environ={"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": "en"}
    )


@pytest.fixture
def browser(sso_app, connection):
    return web(sso_app, connection)


def sign_on(browser, provider_url, who: dict, provider: str = "test", tamper=None):
    """The whole round trip; returns evalsys's answer to the callback."""
    requests.post(f"{provider_url}/control/next", json=who, timeout=10).raise_for_status()
    start = browser.get(f"/login/sso/{provider}", status=302)
    assert start.location.startswith(f"{provider_url}/authorize?")
    back = requests.get(start.location, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = back.headers["Location"]
    assert callback.startswith(f"http://localhost/login/sso/{provider}/callback?")
    callback = callback[len("http://localhost") :]
    if tamper is not None:
        callback = tamper(callback)
    return browser.get(callback, status="*")


def failures(dbsession) -> list[str]:
    events = dbsession.query(AuditEvent).filter_by(action="login_failed").order_by(AuditEvent.id)
    return [event.details["reason"] for event in events]


def logged_in(browser) -> bool:
    return browser.get("/account", status="*").status_int == 200


def linked(dbsession, tm, username: str, role: str, provider: str = "test", **link) -> User:
    user = make_user(dbsession, username, role)
    settings = provider_settings(
        {
            "evalsys.sso.providers": provider,
            f"evalsys.sso.{provider}.issuer": "http://x",
            f"evalsys.sso.{provider}.client_id": "x",
            f"evalsys.sso.{provider}.match": "subject" if "subject" in link else "email",
        }
    )[provider]
    link_account(dbsession, user, settings, **link)
    builders.commit(tm)
    return user


def test_a_linked_evaluator_whose_provider_did_mfa_needs_no_totp(
    browser, provider_url, dbsession, tm
):
    linked(dbsession, tm, "eva", "evaluator", email="Eva@Gemeente.nl")
    who = {"sub": "eva-1", "email": "eva@gemeente.nl", "email_verified": True, "amr": ["mfa"]}
    answer = sign_on(browser, provider_url, who)
    assert answer.status_int == 302 and answer.location == "http://localhost/"
    assert logged_in(browser)
    event = dbsession.query(AuditEvent).filter_by(action="login").one()
    assert event.details["method"] == "sso"
    assert event.details["provider"] == "test" and event.details["provider_mfa"] is True
    link = dbsession.query(SignOnLink).one()
    assert link.subject == "eva-1" and link.last_used_at is not None  # bound at first use
    seen = requests.get(f"{provider_url}/control/last", timeout=10).json()
    assert seen["authorize"]["code_challenge_method"] == "S256"
    assert "client_secret" not in seen["token"]  # sent in the Authorization header


def test_a_linked_evaluator_without_mfa_at_the_provider_gives_a_totp_code(
    browser, provider_url, dbsession, tm
):
    user = linked(dbsession, tm, "eva", "evaluator", email="eva@gemeente.nl")
    who = {"sub": "eva-1", "email": "eva@gemeente.nl", "email_verified": True, "amr": ["pwd"]}
    answer = sign_on(browser, provider_url, who)
    assert answer.location == "http://localhost/login/code"
    assert not logged_in(browser)
    page = browser.get("/login/code")
    browser.post("/login/code", {"code": totp_code(user), "csrf_token": csrf_token(page)})
    assert logged_in(browser)
    event = dbsession.query(AuditEvent).filter_by(action="login").one()
    assert event.details["method"] == "totp" and event.details["first_step"] == "sso:test"


def test_a_subject_link_of_a_public_client_with_mfa_in_acr(browser, provider_url, dbsession, tm):
    linked(dbsession, tm, "eva", "evaluator", provider="badge", subject="badge-77")
    answer = sign_on(
        browser, provider_url, {"sub": "badge-77", "acr": "urn:test:loa:high"}, "badge"
    )
    assert answer.location == "http://localhost/"
    # the same person, with a weaker login at the provider, gets evalsys's own second step
    browser.reset()
    answer = sign_on(browser, provider_url, {"sub": "badge-77", "acr": "urn:test:loa:low"}, "badge")
    assert answer.location == "http://localhost/login/code"


def test_an_unlinked_user_is_refused_and_no_account_is_made(browser, provider_url, dbsession):
    users = dbsession.query(User).count()
    who = {"sub": "new-1", "email": "new@gemeente.nl", "email_verified": True, "amr": ["mfa"]}
    answer = sign_on(browser, provider_url, who)
    assert answer.status_int == 403
    assert "is not linked to an evalsys account" in answer.text
    assert dbsession.query(User).count() == users
    assert failures(dbsession) == ["sso_not_linked"]
    assert not logged_in(browser)


def test_an_unverified_address_is_not_matched(browser, provider_url, dbsession, tm):
    linked(dbsession, tm, "cor", "coordinator", email="cor@gemeente.nl")
    who = {"sub": "someone", "email": "cor@gemeente.nl", "email_verified": False}
    assert sign_on(browser, provider_url, who).status_int == 403
    assert dbsession.query(SignOnLink).one().subject is None
    assert failures(dbsession) == ["sso_not_linked"]


def test_a_blocked_user_is_refused(browser, provider_url, dbsession, tm):
    user = linked(dbsession, tm, "cor", "coordinator", email="cor@gemeente.nl")
    dbsession.get(User, user.id).active = False
    builders.commit(tm)
    who = {"sub": "cor-1", "email": "cor@gemeente.nl", "email_verified": True}
    answer = sign_on(browser, provider_url, who)
    assert answer.status_int == 403 and "blocked" in answer.text
    assert failures(dbsession) == ["sso_blocked"] and not logged_in(browser)


def test_a_wrong_state_is_refused(browser, provider_url, dbsession, tm):
    linked(dbsession, tm, "cor", "coordinator", email="cor@gemeente.nl")
    who = {"sub": "cor-1", "email": "cor@gemeente.nl", "email_verified": True}
    answer = sign_on(
        browser, provider_url, who, tamper=lambda url: url.replace("state=", "state=x")
    )
    assert answer.status_int == 400 and "not started here" in answer.text
    # a callback that no login of this browser started
    assert browser.get("/login/sso/test/callback?code=abc&state=def", status=400)
    assert failures(dbsession) == ["sso_state", "sso_state"] and not logged_in(browser)


def test_a_replayed_code_is_refused(browser, provider_url, dbsession, tm):
    linked(dbsession, tm, "cor", "coordinator", email="cor@gemeente.nl")
    who = {"sub": "cor-1", "email": "cor@gemeente.nl", "email_verified": True}
    used = []
    sign_on(browser, provider_url, who, tamper=lambda url: used.append(url) or url)
    assert logged_in(browser)
    browser.reset()
    # someone with the old code starts a login of their own and hands in that code
    old_code = CODE.search(used[0]).group(1)
    answer = sign_on(
        browser, provider_url, who, tamper=lambda url: CODE.sub(f"code={old_code}", url)
    )
    assert answer.status_int == 400 and "used already" in answer.text
    assert failures(dbsession) == ["sso_code"] and not logged_in(browser)


@pytest.mark.parametrize(
    "spoiled, reason, words",
    [
        ({"aud": "another-client"}, "sso_token_audience", "could not be trusted"),
        ({"exp_offset": -3600}, "sso_token_expired", "has expired"),
    ],
)
def test_a_token_for_someone_else_or_expired_is_refused(
    browser, provider_url, dbsession, tm, spoiled, reason, words
):
    linked(dbsession, tm, "cor", "coordinator", email="cor@gemeente.nl")
    who = {"sub": "cor-1", "email": "cor@gemeente.nl", "email_verified": True, **spoiled}
    answer = sign_on(browser, provider_url, who)
    assert answer.status_int == 400 and words in answer.text
    assert failures(dbsession) == [reason] and not logged_in(browser)


def test_a_provider_that_cannot_be_reached_gets_a_clear_page(browser, dbsession):
    answer = browser.get("/login/sso/down", status=503)
    assert "cannot be reached now" in answer.text
    assert failures(dbsession) == ["sso_unavailable"]
    assert browser.get("/login/sso/nobody", status=404)


def test_the_login_page_offers_each_provider(browser):
    page = browser.get("/login")
    assert "Log in with Gemeente Test" in page.text and 'name="password"' in page.text
    assert 'href="http://localhost/login/sso/badge"' in page.text


def test_without_local_passwords_only_administrators_use_theirs(
    no_passwords_app, connection, dbsession, tm
):
    browser = web(no_passwords_app, connection)
    make_user(dbsession, "cor", "coordinator")
    make_user(dbsession, "beheer", "admin")
    builders.commit(tm)
    page = browser.get("/login")
    assert 'name="password"' not in page.text and "Log in with Gemeente Test" in page.text
    form = browser.get("/login?form=password")
    token = csrf_token(form)
    refused = browser.post(
        "/login", {"username": "cor", "password": PASSWORD, "csrf_token": token}, status=403
    )
    assert "password is switched off" in refused.text
    assert not logged_in(browser)
    token = csrf_token(browser.get("/login?form=password"))
    admin = browser.post(
        "/login", {"username": "beheer", "password": PASSWORD, "csrf_token": token}, status=302
    )
    assert admin.location == "http://localhost/login/code"
    assert failures(dbsession) == ["local_passwords_off"]


def test_the_administrator_links_and_unlinks_an_account(browser, provider_url, dbsession, tm):
    admin = make_user(dbsession, "beheer", "admin")
    cor = make_user(dbsession, "cor", "coordinator")
    builders.commit(tm)
    sign_in(browser, admin)
    page = browser.get(f"/admin/users/{cor.id}")
    assert "Single sign-on" in page.text
    form = {"provider": "test", "email": "Cor@Gemeente.nl", "csrf_token": csrf_token(page)}
    browser.post(f"/admin/users/{cor.id}/sign-on", form, status=302)
    again = browser.post(f"/admin/users/{cor.id}/sign-on", form, status=400)
    assert "linked to this provider already" in again.text
    link = dbsession.query(SignOnLink).one()
    assert (link.user_id, link.email, link.created_by_id) == (cor.id, "cor@gemeente.nl", admin.id)

    person = webtest.TestApp(browser.app, extra_environ=dict(browser.extra_environ))
    who = {"sub": "cor-1", "email": "cor@gemeente.nl", "email_verified": True}
    assert sign_on(person, provider_url, who).location == "http://localhost/"

    page = browser.get(f"/admin/users/{cor.id}")
    assert "cor@gemeente.nl" in page.text
    browser.post(
        f"/admin/users/{cor.id}/sign-on/remove",
        {"link": str(link.id), "csrf_token": csrf_token(page)},
        status=302,
    )
    assert dbsession.query(SignOnLink).count() == 0
    actions = [
        (event.action, event.details.get("email"))
        for event in dbsession.query(AuditEvent).filter(AuditEvent.action.like("sign_on_%"))
    ]
    assert actions == [
        ("sign_on_linked", "cor@gemeente.nl"),
        ("sign_on_unlinked", "cor@gemeente.nl"),
    ]
    person.reset()
    assert sign_on(person, provider_url, who).status_int == 403


def test_a_refusal_speaks_dutch_by_default(browser, provider_url):
    """Needs the Dutch catalogue to have the sign-on messages (docs: /tmp/tr/sso.json)."""
    del browser.extra_environ["HTTP_ACCEPT_LANGUAGE"]
    answer = sign_on(browser, provider_url, {"sub": "nobody-here"})
    assert answer.status_int == 403
    assert "niet gekoppeld" in answer.text


def test_provider_settings_are_checked_at_start():
    base = {"evalsys.sso.providers": "x", "evalsys.sso.x.issuer": "https://id.example"}
    with pytest.raises(ConfigurationError, match="client_id"):
        provider_settings(base)
    base["evalsys.sso.x.client_id"] = "evalsys"
    with pytest.raises(ConfigurationError, match="EVALSYS_X_SECRET"):
        provider_settings({**base, "evalsys.sso.x.client_secret_env": "EVALSYS_X_SECRET"}, {})
    with pytest.raises(ConfigurationError, match="match"):
        provider_settings({**base, "evalsys.sso.x.match": "name"})
    found = provider_settings({**base, "evalsys.sso.x.client_secret_env": "S"}, {"S": "pst"})
    assert found["x"].client_secret == "pst"
    assert found["x"].metadata_url == "https://id.example/.well-known/openid-configuration"
