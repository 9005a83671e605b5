"""Sessions end for good: a copied cookie dies at logout, password change, blocking and role
change, and an idle session identifies nobody."""

from __future__ import annotations

import time

import pytest
import webtest

from evalsys.accounts import sessions
from evalsys.accounts.models import User

from .. import world as worlds
from ..web_session import csrf_token
from ..world import make_user, sign_in

LOGIN = "http://localhost/login"


@pytest.fixture(autouse=True)
def english(testapp):
    testapp.extra_environ["HTTP_ACCEPT_LANGUAGE"] = "en"


def copy_of(app, browser) -> webtest.TestApp:
    """A second browser holding a copy of the first one's cookies (a stolen cookie)."""
    thief = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    for name, value in browser.cookies.items():
        thief.set_cookie(name, value)
    return thief


def sends_to_login(browser) -> bool:
    response = browser.get("/account", expect_errors=True)
    return response.status_int == 302 and response.location.startswith(LOGIN)


@pytest.fixture
def coordinator(dbsession, tm) -> User:
    user = make_user(dbsession, "cor", "coordinator")
    worlds.builders.commit(tm)
    return user


def test_a_copied_cookie_works_until_logout_then_neither_copy_does(app, testapp, coordinator):
    sign_in(testapp, coordinator)
    thief = copy_of(app, testapp)
    assert thief.get("/account").status_int == 200  # the copy is as good as the original
    testapp.post("/logout", {"csrf_token": csrf_token(testapp.get("/account"))}, status=302)
    assert sends_to_login(thief)
    assert sends_to_login(testapp)


def test_logout_ends_the_sessions_on_every_device(app, testapp, coordinator):
    laptop = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    sign_in(laptop, coordinator)
    sign_in(testapp, coordinator)
    testapp.post("/logout", {"csrf_token": csrf_token(testapp.get("/account"))}, status=302)
    assert sends_to_login(laptop)
    sign_in(laptop, coordinator)  # a new login starts a new generation that works
    assert laptop.get("/account").status_int == 200


def test_a_password_change_ends_a_copied_cookie_but_not_the_changing_session(
    app, testapp, dbsession, coordinator
):
    sign_in(testapp, coordinator)
    thief = copy_of(app, testapp)
    page = testapp.get("/account/password")
    form = {
        "current": worlds.PASSWORD,
        "password": "nieuw-wachtwoord-1",
        "repeat": "nieuw-wachtwoord-1",
        "csrf_token": csrf_token(page),
    }
    testapp.post("/account/password", form, status=200)
    assert sends_to_login(thief)
    assert testapp.get("/account").status_int == 200


def test_a_password_set_with_a_one_time_link_ends_the_running_sessions(
    app, testapp, dbsession, tm, coordinator
):
    from evalsys.accounts.users import create_reset_link

    sign_in(testapp, coordinator)
    _, token = create_reset_link(dbsession, dbsession.get(User, coordinator.id), None)
    worlds.builders.commit(tm)
    elsewhere = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    page = elsewhere.get(f"/reset/{token}")
    form = {"password": "nieuw-wachtwoord-2", "repeat": "nieuw-wachtwoord-2"}
    elsewhere.post(f"/reset/{token}", {**form, "csrf_token": csrf_token(page)}, status=302)
    assert sends_to_login(testapp)


def test_a_bearer_token_cannot_end_its_users_sessions(app, testapp, dbsession, tm, coordinator):
    from evalsys.accounts.tokens import create_token

    from .. import builders

    iv = builders.intervention(dbsession)
    worlds.grant(dbsession, dbsession.get(User, coordinator.id), iv, iv.sites[0])
    user = dbsession.get(User, coordinator.id)
    _, secret = create_token(
        dbsession, user, name="t", permission="read", intervention=iv, site=iv.sites[0]
    )
    worlds.builders.commit(tm)
    sign_in(testapp, coordinator)
    api = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    api.post("/logout", headers={"Authorization": f"Bearer {secret}"}, status=302)
    assert testapp.get("/account").status_int == 200


def test_blocking_ends_a_copied_cookie_and_unblocking_does_not_revive_it(
    app, testapp, dbsession, tm, coordinator
):
    admin = make_user(dbsession, "beheer", "admin")
    worlds.builders.commit(tm)
    sign_in(testapp, coordinator)
    thief = copy_of(app, testapp)
    admin_browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    sign_in(admin_browser, admin)
    url = f"/admin/users/{coordinator.id}"

    def save(active: bool, role: str = "coordinator") -> None:
        form = {"csrf_token": csrf_token(admin_browser.get(url)), "role": role, "display_name": ""}
        admin_browser.post(url, {**form, **({"active": "1"} if active else {})}, status=302)

    save(active=False)
    assert sends_to_login(thief)
    save(active=True)
    assert sends_to_login(thief)
    assert sends_to_login(testapp)


def test_a_role_change_ends_the_sessions_even_when_changed_back(app, testapp, dbsession, tm):
    user = make_user(dbsession, "min", "ministry")
    worlds.builders.commit(tm)
    sign_in(testapp, user)
    before = dbsession.get(User, user.id).session_generation
    from evalsys.accounts.users import update_user

    changed = dbsession.get(User, user.id)
    update_user(changed, role="coordinator", display_name="", active=True)
    update_user(changed, role="ministry", display_name="", active=True)
    worlds.builders.commit(tm)
    assert dbsession.get(User, user.id).session_generation == before + 2
    assert sends_to_login(testapp)


class Clock:
    """``sessions.now`` moved forward by hand instead of sleeping."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(sessions, "now", clock)
    return clock


def test_an_idle_session_ends_and_activity_keeps_one_alive(testapp, coordinator, clock):
    sign_in(testapp, coordinator)
    clock.offset = 20 * 60
    assert testapp.get("/account").status_int == 200  # activity at minute 20
    clock.offset = 45 * 60
    assert testapp.get("/account").status_int == 200  # 25 idle minutes: still in
    clock.offset = 76 * 60
    assert sends_to_login(testapp)  # 31 idle minutes: out
    clock.offset = 77 * 60
    assert sends_to_login(testapp)  # and it stays out


def test_the_idle_time_is_a_setting(app, testapp, coordinator, clock, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "evalsys.session_idle_minutes", "5")
    sign_in(testapp, coordinator)
    clock.offset = 4 * 60
    assert testapp.get("/account").status_int == 200
    clock.offset = 10 * 60
    assert sends_to_login(testapp)


def test_the_last_activity_is_rewritten_at_most_once_a_minute(testapp, coordinator, clock):
    sign_in(testapp, coordinator)
    assert "Set-Cookie" not in testapp.get("/account").headers
    clock.offset = 30
    assert "Set-Cookie" not in testapp.get("/account").headers
    clock.offset = 90
    assert "evalsys_session=" in testapp.get("/account").headers["Set-Cookie"]


def test_the_migration_gives_existing_users_generation_zero(scratch_database):
    import sqlalchemy as sa

    from evalsys.db import get_engine, schema
    from evalsys.settings import apply_environment

    settings = apply_environment(scratch_database)
    engine = get_engine(settings)
    try:
        schema.upgrade(engine, settings, "0003")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (username, display_name, role, active, created_at) "
                    "VALUES ('oud', '', 'coordinator', true, CURRENT_TIMESTAMP)"
                )
            )
        schema.upgrade(engine, settings, "0004")
        with engine.connect() as connection:
            generation = connection.execute(
                sa.text("SELECT session_generation FROM users WHERE username = 'oud'")
            ).scalar_one()
        assert generation == 0
        schema.downgrade(engine, settings, "0003")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("users")}
        assert "session_generation" not in columns
    finally:
        engine.dispose()
