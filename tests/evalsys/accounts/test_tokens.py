"""API tokens: made for oneself, shown once, stored hashed, scoped, revocable, never a session."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from pyramid.request import Request, apply_request_extensions

from evalsys.accounts.models import ApiToken, Membership
from evalsys.accounts.tokens import create_token, find_token, scopes_for
from evalsys.accounts.users import UserError
from evalsys.audit.models import AuditEvent
from evalsys.cli import main as cli_main

from .. import world as worlds
from ..web_session import csrf_token

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def english(testapp):
    testapp.extra_environ["HTTP_ACCEPT_LANGUAGE"] = "en"


def api_request(app, dbsession, secret: str | None, **headers) -> Request:
    """A request as the application builds it, with an optional bearer token."""
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    request = Request.blank("/api/v1/anything", headers=headers)
    request.registry = app.registry
    request.environ["app.dbsession"] = dbsession
    apply_request_extensions(request)
    return request


def test_token_made_on_the_page_is_shown_once_and_stored_hashed(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    page = testapp.get("/account/tokens")
    assert f'value="site:{world.a.sites[0].id}"' in page.text
    assert f'value="site:{world.a.sites[1].id}"' not in page.text  # not the coordinator's site
    form = {
        "name": "tablet in het buurthuis",
        "scope": f"site:{world.a.sites[0].id}",
        "permission": "submit",
        "expires": "30",
        "csrf_token": csrf_token(page),
    }
    shown = testapp.post("/account/tokens", form, status=200)
    secret = re.search(r'<code class="secret">(evs_[^<]+)</code>', shown.text).group(1)
    token = dbsession.query(ApiToken).filter_by(name="tablet in het buurthuis").one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.token_hash, token.prefix} and secret.startswith(token.prefix)
    assert (token.permission, token.site_id) == ("submit", world.a.sites[0].id)
    assert dt.timedelta(days=29) < token.expires_at - token.created_at <= dt.timedelta(days=30)
    assert secret not in testapp.get("/account/tokens").text  # never again
    event = dbsession.query(AuditEvent).filter_by(action="token_created").one()
    assert (event.actor, event.site_id) == ("coordinator-a", world.a.sites[0].id)


def test_a_token_cannot_reach_beyond_its_users_access(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    page = testapp.get("/account/tokens")
    form = {
        "name": "te breed",
        "scope": f"intervention:{world.a.id}",
        "permission": "read",
        "csrf_token": csrf_token(page),
    }
    refused = testapp.post("/account/tokens", form, status=400)
    assert "more access than you have" in refused.text
    with pytest.raises(UserError):
        create_token(
            dbsession,
            world.users["evaluator"],
            name="x",
            permission="read",
            intervention=world.b,
        )
    # the ministry: a read token for a whole intervention, for its published reports only
    ministry_scopes = scopes_for(dbsession, world.users["ministry"])
    assert {site for _, site in ministry_scopes} == {None}
    assert {iv.id for iv, _ in ministry_scopes} >= {world.a.id, world.b.id}


def test_revoking_a_token_ends_it_and_is_audited(testapp, dbsession, tm, app):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    worlds.sign_in(testapp, world.users["coordinator"])
    page = testapp.get("/account/tokens")
    testapp.post(f"/account/tokens/{token.id}/revoke", {"csrf_token": csrf_token(page)}, status=302)
    dbsession.expire_all()
    assert dbsession.get(ApiToken, token.id).revoked_at is not None
    assert api_request(app, dbsession, secret).identity is None
    assert [e.action for e in dbsession.query(AuditEvent).filter_by(target_id=str(token.id))] == [
        "token_revoked"
    ]


def test_bearer_token_identifies_its_user_and_records_last_use(app, dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    assert token.last_used_at is None
    request = api_request(app, dbsession, secret)
    assert request.identity.username == "coordinator-a"
    assert request.api_token.id == token.id
    assert request.api_token.last_used_at is not None


@pytest.mark.parametrize("secret", ["evs_unknown", "not-even-our-format", ""])
def test_unknown_token_is_nobody(app, dbsession, tm, secret):
    worlds.build(dbsession, tm)
    request = api_request(app, dbsession, secret)
    assert request.identity is None and request.api_token is None


def test_expired_token_and_token_of_a_blocked_user_are_nobody(app, dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    row = dbsession.get(ApiToken, token.id)
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    assert find_token(dbsession, secret) is None
    row.expires_at = None
    assert find_token(dbsession, secret) is not None
    row.user.active = False
    assert find_token(dbsession, secret) is None


def test_token_scope_read_or_submit_site_or_intervention(app, dbsession, tm):
    world = worlds.build(dbsession, tm)
    a1, a2 = world.a.sites
    _, site_read = world.tokens["coordinator-a"]
    request = api_request(app, dbsession, site_read)
    assert request.access.allows("read", intervention_id=world.a.id, site_id=a1.id)
    assert not request.access.allows("submit", intervention_id=world.a.id, site_id=a1.id)
    assert not request.access.allows("read", intervention_id=world.a.id, site_id=a2.id)
    assert not request.access.allows("read", intervention_id=world.a.id, site_id=None)
    assert not request.access.allows("read", intervention_id=world.b.id, site_id=None)

    _, whole_read = world.tokens["evaluator-a"]
    request = api_request(app, dbsession, whole_read)
    assert request.access.allows("read", intervention_id=world.a.id, site_id=a2.id)
    assert request.access.allows("read", intervention_id=world.a.id, site_id=None)
    assert not request.access.allows("read", intervention_id=world.b.id, site_id=None)


def test_a_token_loses_what_its_user_loses(app, dbsession, tm):
    world = worlds.build(dbsession, tm)
    _, secret = world.tokens["coordinator-a"]
    a1 = world.a.sites[0]
    dbsession.query(Membership).filter_by(user_id=world.users["coordinator"].id).delete()
    dbsession.flush()
    dbsession.expire_all()
    request = api_request(app, dbsession, secret)
    assert request.identity is not None  # the token still works ...
    assert not request.access.allows(
        "read", intervention_id=world.a.id, site_id=a1.id
    )  # ... for nothing
    assert not [p for p in request.access.principals if "site" in p]


def test_a_token_never_carries_its_users_role(app, dbsession, tm):
    world = worlds.build(dbsession, tm)
    _, secret = world.tokens["admin-a"]
    request = api_request(app, dbsession, secret)
    principals = request.access.principals
    assert "role:admin" not in principals
    assert "system.Authenticated" not in principals
    assert f"token-read:intervention:{world.a.id}" in principals


def test_bearer_requests_never_use_the_session_and_reach_no_account_page(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    _, secret = world.tokens["admin-a"]
    worlds.sign_in(testapp, world.users["admin"])
    assert testapp.get("/admin/users").status_int == 200
    with_token = {"Authorization": f"Bearer {secret}"}
    testapp.get("/admin/users", headers=with_token, status=403)
    testapp.get("/account/tokens", headers=with_token, status=403)
    bad = {"Authorization": "Bearer evs_wrong"}
    response = testapp.get("/admin/users", headers=bad, status=302)  # the session is not used
    assert "/login" in response.location


def test_a_bearer_post_needs_no_csrf_token_but_a_session_post_does(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, secret = world.tokens["coordinator-a"]
    worlds.sign_in(testapp, world.users["coordinator"])
    url = f"/account/tokens/{token.id}/revoke"
    testapp.post(url, {}, status=400)  # session, no CSRF token: refused
    # a bearer request passes the CSRF check, then meets the ACL (tokens cannot manage tokens)
    testapp.post(url, {}, headers={"Authorization": f"Bearer {secret}"}, status=403)
    dbsession.expire_all()
    assert dbsession.get(ApiToken, token.id).revoked_at is None


@pytest.fixture
def config(scratch_database, tmp_path, monkeypatch) -> str:
    text = (ROOT / "development.ini").read_text()
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/var/evalsys.sqlite",
        f"sqlalchemy.url = {scratch_database['sqlalchemy.url']}",
    )
    path = tmp_path / "evalsys.ini"
    path.write_text(text)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return str(path)


def test_token_command_creates_a_token_from_the_command_line(config, scratch_database, capsys):
    import sqlalchemy as sa

    from evalsys.demo import DEMO_SLUG

    assert cli_main(["initdb", config]) == 0
    assert cli_main(["demo", config]) == 0
    capsys.readouterr()
    args = ["token", config, "--user", "coordinator", "--intervention", DEMO_SLUG]
    assert cli_main([*args, "--site", "rotterdam-zuid", "--permission", "submit"]) == 0
    secret = re.search(r"^(evs_\S+)$", capsys.readouterr().out, re.M).group(1)
    engine = sa.create_engine(scratch_database["sqlalchemy.url"])
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT token_hash, permission FROM api_tokens")).all()
    engine.dispose()
    assert stored == [(hashlib.sha256(secret.encode()).hexdigest(), "submit")]
    # a coordinator cannot have a token for the whole intervention
    assert cli_main([*args, "--permission", "read"]) == 2
    assert "more access" in capsys.readouterr().err
    nobody = ["token", config, "--user", "nobody", "--intervention", DEMO_SLUG]
    assert cli_main([*nobody, "--permission", "read"]) == 2


def test_token_lifetime_must_be_one_offered(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["coordinator"])
    page = testapp.get("/account/tokens")
    form = {
        "name": "lang geldig",
        "scope": f"site:{world.a.sites[0].id}",
        "permission": "read",
        "expires": "99999999999",
        "csrf_token": csrf_token(page),
    }
    testapp.post("/account/tokens", form, status=400)
    form["expires"] = ""  # until revoked
    testapp.post("/account/tokens", form, status=200)
    assert dbsession.query(ApiToken).filter_by(name="lang geldig").one().expires_at is None


def test_role_and_permission_names_and_expiry_follow_the_page_language(testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    token, _ = world.tokens["coordinator-a"]
    dbsession.get(ApiToken, token.id).expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    dbsession.flush()
    worlds.sign_in(testapp, world.users["coordinator"])
    testapp.get("/language/nl")
    assert "<dd>Coördinator op locatie</dd>" in testapp.get("/account").text
    tokens = testapp.get("/account/tokens").text
    assert '<option value="submit">vragenlijsten insturen</option>' in tokens
    assert "<td>gegevens lezen: " in tokens and "verlopen" in tokens  # the world's read token
    testapp.get("/language/en")
    assert "<dd>Site coordinator</dd>" in testapp.get("/account").text
    tokens = testapp.get("/account/tokens").text
    assert '<option value="submit">submit questionnaires</option>' in tokens
    assert "<td>read data: " in tokens and "expired" in tokens
