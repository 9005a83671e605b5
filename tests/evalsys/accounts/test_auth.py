"""Logging in: passwords, the second step (TOTP, recovery codes), throttling, sessions, resets."""

from __future__ import annotations

import datetime as dt
import re
import time

import pyotp
import pytest

from evalsys.accounts import totp
from evalsys.accounts.models import PasswordReset, RecoveryCode, User
from evalsys.accounts.passwords import verify_password
from evalsys.audit.models import AuditEvent

from .. import world as worlds
from ..web_session import csrf_token
from ..world import PASSWORD, make_user, sign_in, totp_code


@pytest.fixture(autouse=True)
def english(testapp):
    """English pages: these tests read messages whose Dutch text the catalogs may not have yet."""
    testapp.extra_environ["HTTP_ACCEPT_LANGUAGE"] = "en"


def post_login(testapp, username, password, status="*", **extra):
    page = testapp.get("/login")
    form = {"username": username, "password": password, "csrf_token": csrf_token(page), **extra}
    return testapp.post("/login", form, status=status)


def post_code(testapp, code, status="*"):
    page = testapp.get("/login/code")
    return testapp.post(
        "/login/code", {"code": code, "csrf_token": csrf_token(page)}, status=status
    )


def actions(dbsession, **where) -> list[str]:
    query = dbsession.query(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
    return [event.action for event in query]


def test_password_hashes_are_argon2id(dbsession):
    from evalsys.accounts.passwords import hash_password

    assert hash_password("een lang wachtwoord").startswith("$argon2id$")


def test_coordinator_without_app_logs_in_with_password_only(testapp, dbsession, tm):
    make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    response = post_login(testapp, "cor", PASSWORD, status=302)
    assert response.location == "http://localhost/"  # no site yet: the home page says so
    assert "cor" in testapp.get("/account").text
    assert actions(dbsession, actor="cor") == ["login"]


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(testapp, dbsession, tm):
    make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    asked = testapp.get("/account/tokens", status=302)
    assert asked.location == "http://localhost/login?next=%2Faccount%2Ftokens"
    response = post_login(testapp, "cor", PASSWORD, next="/account/tokens", status=302)
    assert response.location.endswith("/account/tokens")
    testapp.reset()
    response = post_login(testapp, "cor", PASSWORD, next="//evil.example/", status=302)
    assert response.location == "http://localhost/"


def test_user_with_an_app_needs_a_code_after_the_password(testapp, dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    worlds.builders.commit(tm)
    response = post_login(testapp, "eva", PASSWORD, status=302)
    assert response.location == "http://localhost/login/code"
    # half logged in is not logged in
    assert testapp.get("/account", status=302).location.startswith("http://localhost/login")
    wrong = post_code(testapp, "000000", status=400)
    assert "This code is not right" in wrong.text
    post_code(testapp, totp_code(user), status=302)
    assert testapp.get("/account").status_int == 200
    assert actions(dbsession, target_id="eva") == ["login_failed", "login"]


def test_a_totp_code_is_accepted_only_once(dbsession):
    user = make_user(dbsession, "eva", "evaluator")
    now = time.time()
    code = pyotp.TOTP(user.totp_secret).at(now)
    assert totp.verify_totp(user, code, now=now)
    assert not totp.verify_totp(user, code, now=now)  # replayed
    assert totp.verify_totp(user, pyotp.TOTP(user.totp_secret).at(now + 30), now=now + 30)


def test_a_code_from_the_previous_or_next_30_seconds_is_accepted_but_not_older(dbsession):
    user = make_user(dbsession, "eva", "evaluator")
    now = time.time()
    secret = user.totp_secret
    assert not totp.verify_totp(user, pyotp.TOTP(secret).at(now - 90), now=now)
    assert totp.verify_totp(user, pyotp.TOTP(secret).at(now - 30), now=now)
    assert not totp.verify_totp(user, "12345", now=now)
    assert not totp.verify_totp(user, "abcdef", now=now)


def test_admin_without_an_app_must_set_one_up_at_first_login(testapp, dbsession, tm):
    make_user(dbsession, "beheer", "admin", totp=False)
    worlds.builders.commit(tm)
    response = post_login(testapp, "beheer", PASSWORD, status=302)
    assert response.location == "http://localhost/login/authenticator"
    page = testapp.get("/login/authenticator")
    assert "<svg" in page.text and "<script" not in page.text
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1)
    secret = secret.replace(" ", "")
    # not logged in until the app is confirmed
    assert testapp.get("/admin/users", status=302).location.startswith("http://localhost/login")
    form = {"code": "000000", "csrf_token": csrf_token(page)}
    testapp.post("/login/authenticator", form, status=400)
    form["code"] = pyotp.TOTP(secret).now()
    done = testapp.post("/login/authenticator", form, status=200)
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.text)
    assert len(codes) == 10
    assert testapp.get("/admin/users").status_int == 200
    dbsession.expire_all()
    user = dbsession.query(User).filter_by(username="beheer").one()
    assert user.totp_secret == secret
    stored = dbsession.query(RecoveryCode).filter_by(user_id=user.id).all()
    assert len(stored) == 10 and all(code not in {r.code_hash for r in stored} for code in codes)
    assert "totp_enabled" in actions(dbsession, target_id="beheer")


def test_recovery_code_logs_in_once(testapp, dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    codes = totp.new_recovery_codes(dbsession, user)
    worlds.builders.commit(tm)
    post_login(testapp, "eva", PASSWORD, status=302)
    post_code(testapp, codes[3].upper(), status=302)  # case does not matter
    assert testapp.get("/account").status_int == 200
    testapp.reset()
    post_login(testapp, "eva", PASSWORD, status=302)
    post_code(testapp, codes[3], status=400)  # used up
    post_code(testapp, codes[4], status=302)
    assert actions(dbsession, action="recovery_code_used") == ["recovery_code_used"] * 2


def test_optional_app_for_coordinator_can_be_set_up_and_removed(testapp, dbsession, tm):
    user = make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    page = testapp.get("/account/authenticator")
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1)
    form = {"code": pyotp.TOTP(secret.replace(" ", "")).now(), "csrf_token": csrf_token(page)}
    testapp.post("/account/authenticator", form, status=200)
    assert testapp.get("/account").status_int == 200  # this session carries on
    page = testapp.get("/account/authenticator")
    remove = {"password": "fout", "csrf_token": csrf_token(page)}
    testapp.post("/account/authenticator/remove", remove, status=400)
    remove["password"] = PASSWORD
    testapp.post("/account/authenticator/remove", remove, status=302)
    dbsession.expire_all()
    assert dbsession.get(User, user.id).totp_secret is None


def test_evaluator_cannot_remove_the_required_app(testapp, dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    page = testapp.get("/account/authenticator")
    form = {"password": PASSWORD, "csrf_token": csrf_token(page)}
    testapp.post("/account/authenticator/remove", form, status=400)
    dbsession.expire_all()
    assert dbsession.get(User, user.id).totp_secret is not None


def test_new_recovery_codes_replace_the_old_ones(testapp, dbsession, tm):
    user = make_user(dbsession, "eva", "evaluator")
    old = totp.new_recovery_codes(dbsession, user)
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    page = testapp.get("/account/authenticator")
    form = {"password": PASSWORD, "csrf_token": csrf_token(page)}
    new = re.findall(
        r"<li><code>([a-z0-9-]+)</code></li>",
        testapp.post("/account/recovery-codes", form, status=200).text,
    )
    assert len(new) == 10 and not set(new) & set(old)
    dbsession.expire_all()
    assert not totp.use_recovery_code(dbsession, user, old[0])
    assert totp.use_recovery_code(dbsession, user, new[0])


def test_unknown_user_is_refused_like_a_wrong_password(testapp):
    response = post_login(testapp, "niemand", "wat dan ook", status=400)
    assert "Unknown user name or wrong password" in response.text


def test_blocked_user_cannot_log_in_and_loses_running_sessions(testapp, dbsession, tm):
    user = make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    dbsession.get(User, user.id).active = False  # the session of the first commit is closed
    worlds.builders.commit(tm)
    assert testapp.get("/account", status=302).location.startswith("http://localhost/login")
    post_login(testapp, "cor", PASSWORD, status=400)


def test_password_change_needs_the_current_one_and_ends_other_sessions(app, testapp, dbsession, tm):
    import webtest

    user = make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    other_browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    sign_in(other_browser, user)
    sign_in(testapp, user)
    page = testapp.get("/account/password")
    form = {"current": "fout", "password": "nieuw-wachtwoord-1", "repeat": "nieuw-wachtwoord-1"}
    testapp.post("/account/password", {**form, "csrf_token": csrf_token(page)}, status=400)
    form["current"] = PASSWORD
    form["repeat"] = "iets anders"
    testapp.post("/account/password", {**form, "csrf_token": csrf_token(page)}, status=400)
    form["repeat"] = form["password"]
    done = testapp.post("/account/password", {**form, "csrf_token": csrf_token(page)}, status=200)
    assert "Your password is changed" in done.text
    assert testapp.get("/account").status_int == 200  # this session carries on
    assert other_browser.get("/account", status=302)  # the other one ended
    dbsession.expire_all()
    assert verify_password(dbsession.get(User, user.id).password_hash, "nieuw-wachtwoord-1")
    assert actions(dbsession, action="password_changed") == ["password_changed"]


def test_short_password_is_refused(testapp, dbsession, tm):
    user = make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    page = testapp.get("/account/password")
    form = {"current": PASSWORD, "password": "kort", "repeat": "kort"}
    refused = testapp.post(
        "/account/password", {**form, "csrf_token": csrf_token(page)}, status=400
    )
    assert "at least 10 characters" in refused.text


def test_admin_creates_a_user_who_sets_a_password_with_the_one_time_link(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    sign_in(testapp, world.users["admin"])
    page = testapp.get("/admin/users/new")
    form = {
        "username": "nieuwe-coordinator",
        "display_name": "Nieuwe Coördinator",
        "role": "coordinator",
        "scope": f"site:{world.a.sites[1].id}",
        "csrf_token": csrf_token(page),
    }
    shown = testapp.post("/admin/users/new", form, status=200)
    link = re.search(r'<code class="secret">(http://localhost/reset/[^<]+)</code>', shown.text)
    assert link, shown.text
    user = dbsession.query(User).filter_by(username="nieuwe-coordinator").one()
    assert user.password_hash is None
    assert [(m.intervention_id, m.site_id) for m in user.memberships] == [
        (world.a.id, world.a.sites[1].id)
    ]
    assert link.group(1).rsplit("/", 1)[1] not in {
        r.token_hash for r in dbsession.query(PasswordReset)
    }

    newcomer = testapp.__class__(testapp.app, extra_environ={"HTTP_HOST": "localhost"})
    page = newcomer.get(link.group(1))
    form = {"password": "mijn-eigen-wachtwoord", "repeat": "mijn-eigen-wachtwoord"}
    newcomer.post(link.group(1), {**form, "csrf_token": csrf_token(page)}, status=302)
    newcomer.get(link.group(1), status=404)  # used up
    post_login(newcomer, "nieuwe-coordinator", "mijn-eigen-wachtwoord", status=302)
    assert actions(dbsession, target_id="nieuwe-coordinator")[:3] == [
        "user_created",
        "password_reset_created",
        "password_reset_used",
    ]


def test_admin_reset_link_replaces_earlier_links_and_expires(testapp, dbsession, tm):
    from evalsys.accounts.users import create_reset_link, find_reset_link

    world = worlds.build(dbsession, tm)
    coordinator = world.users["coordinator"]
    assert find_reset_link(dbsession, world.reset_token) is not None
    reset, token = create_reset_link(dbsession, coordinator, world.users["admin"])
    assert find_reset_link(dbsession, world.reset_token) is None
    assert find_reset_link(dbsession, token) is reset
    reset.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert find_reset_link(dbsession, token) is None


def test_admin_changes_a_role_and_memberships_that_no_longer_fit_go(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    sign_in(testapp, world.users["admin"])
    coordinator = world.users["coordinator"]
    page = testapp.get(f"/admin/users/{coordinator.id}")
    form = {"role": "evaluator", "display_name": "Eva", "active": "1"}
    testapp.post(f"/admin/users/{coordinator.id}", {**form, "csrf_token": csrf_token(page)})
    dbsession.expire_all()
    changed = dbsession.get(User, coordinator.id)
    assert changed.role == "evaluator" and changed.memberships == []
    event = dbsession.query(AuditEvent).filter_by(action="user_changed").one()
    assert event.details["changes"]["role"] == ["coordinator", "evaluator"]
    assert event.actor == "admin-a"


def test_admin_cannot_demote_or_block_themselves(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    admin = world.users["admin"]
    sign_in(testapp, admin)
    page = testapp.get(f"/admin/users/{admin.id}")
    form = {"role": "ministry", "display_name": "", "active": "1", "csrf_token": csrf_token(page)}
    testapp.post(f"/admin/users/{admin.id}", form, status=400)
    dbsession.expire_all()
    assert dbsession.get(User, admin.id).role == "admin"


def test_admin_adds_and_removes_access(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    sign_in(testapp, world.users["admin"])
    coordinator = world.users["coordinator"]
    page = testapp.get(f"/admin/users/{coordinator.id}")
    token = csrf_token(page)
    url = f"/admin/users/{coordinator.id}/access"
    testapp.post(url, {"scope": f"intervention:{world.a.id}", "csrf_token": token}, status=400)
    testapp.post(url, {"scope": f"site:{world.a.sites[1].id}", "csrf_token": token}, status=302)
    dbsession.expire_all()
    user = dbsession.get(User, coordinator.id)
    assert sorted(m.site_id for m in user.memberships) == sorted(s.id for s in world.a.sites)
    first = user.memberships[0].id
    testapp.post(f"{url}/remove", {"membership": first, "csrf_token": token}, status=302)
    dbsession.expire_all()
    assert len(dbsession.get(User, coordinator.id).memberships) == 1
    assert actions(dbsession, target_id=coordinator.username)[-2:] == [
        "membership_added",
        "membership_removed",
    ]


def test_admin_resets_a_lost_authenticator(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    sign_in(testapp, world.users["admin"])
    evaluator = world.users["evaluator"]
    page = testapp.get(f"/admin/users/{evaluator.id}")
    testapp.post(
        f"/admin/users/{evaluator.id}/authenticator", {"csrf_token": csrf_token(page)}, status=302
    )
    testapp.reset()
    response = post_login(testapp, evaluator.username, PASSWORD, status=302)
    assert response.location == "http://localhost/login/authenticator"  # must enrol again


def test_session_cookie_is_secure_over_https(testapp):
    plain = testapp.get("/login").headers["Set-Cookie"]
    assert "secure" not in plain.lower()
    testapp.reset()
    secure = testapp.get("/login", extra_environ={"wsgi.url_scheme": "https"})
    cookie = secure.headers["Set-Cookie"]
    assert "; secure" in cookie.lower() and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_logout_ends_the_session(testapp, dbsession, tm):
    user = make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    page = testapp.get("/account")
    testapp.post("/logout", {"csrf_token": csrf_token(page)}, status=302)
    assert testapp.get("/account", status=302).location.startswith("http://localhost/login")
    assert actions(dbsession, action="logout") == ["logout"]
