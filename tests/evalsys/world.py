"""A small world for access tests: two interventions with two sites each, and a user per role.

The users of interest work on intervention A (the evaluator) or on its site A1 (the
coordinator); a second evaluator and coordinator work on B and B1, so "another user's" things
exist too. Passwords use a cheap argon2 hash so that logging in costs no time in tests.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import pyotp
import transaction
from argon2 import PasswordHasher

from evalsys.accounts.models import ApiToken, Membership, User
from evalsys.accounts.tokens import create_token
from evalsys.accounts.users import create_reset_link
from evalsys.collection.models import SurveyLink
from evalsys.db.transactions import get_tm_session
from evalsys.programme.models import Intervention, Site

from . import builders
from .web_session import csrf_token

PASSWORD = "wachtwoord-voor-tests"
# Tests only: the cost parameters travel inside the hash, so verifying this one is instant.
FAST_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
ROLES = ("anonymous", "admin", "evaluator", "coordinator", "ministry")


@dataclass
class World:
    a: Intervention
    b: Intervention
    users: dict[str, User]  # role -> the user of that role (evaluator on A, coordinator on A1)
    others: dict[str, User]  # "evaluator" on B, "coordinator" on B1
    links: dict[str, SurveyLink] = field(default_factory=dict)  # "A1", "A2", "B1" -> link
    tokens: dict[str, tuple[ApiToken, str]] = field(default_factory=dict)  # username -> token
    reset_token: str = ""  # a valid one-time password link for the coordinator

    def site(self, name: str) -> Site:
        intervention = self.a if name[0] == "A" else self.b
        return intervention.sites[int(name[1]) - 1]


def make_user(dbsession, username: str, role: str, *, totp: bool | None = None) -> User:
    """A user with PASSWORD; admins and evaluators get an authenticator secret by default."""
    if totp is None:
        totp = role in ("admin", "evaluator")
    user = User(
        username=username,
        role=role,
        password_hash=FAST_HASH,
        totp_secret=pyotp.random_base32() if totp else None,
    )
    dbsession.add(user)
    dbsession.flush()
    return user


def grant(dbsession, user: User, intervention: Intervention, site: Site | None = None) -> None:
    dbsession.add(
        Membership(
            user_id=user.id,
            intervention_id=intervention.id,
            site_id=None if site is None else site.id,
        )
    )
    dbsession.flush()
    dbsession.refresh(user)


def build(dbsession, tm) -> World:
    a = builders.intervention(dbsession, name="Interventie A")
    b = builders.intervention(dbsession, name="Interventie B")
    users = {role: make_user(dbsession, f"{role}-a", role) for role in ROLES[1:]}
    others = {
        "evaluator": make_user(dbsession, "evaluator-b", "evaluator"),
        "coordinator": make_user(dbsession, "coordinator-b", "coordinator"),
    }
    grant(dbsession, users["evaluator"], a)
    grant(dbsession, users["coordinator"], a, a.sites[0])
    grant(dbsession, others["evaluator"], b)
    grant(dbsession, others["coordinator"], b, b.sites[0])
    world = World(a=a, b=b, users=users, others=others)
    for name in ("A1", "A2", "B1"):
        site = world.site(name)
        intervention = a if name[0] == "A" else b
        link = SurveyLink(
            token=secrets.token_urlsafe(12),
            intervention_id=intervention.id,
            site_id=site.id,
            wave_id=intervention.waves[0].id,
        )
        dbsession.add(link)
        world.links[name] = link
        builders.participant(dbsession, intervention, site=site)
    for user, intervention, site in (
        (users["admin"], a, None),
        (users["evaluator"], a, None),
        (users["coordinator"], a, a.sites[0]),
        (others["coordinator"], b, b.sites[0]),
    ):
        world.tokens[user.username] = create_token(
            dbsession, user, name="test", permission="read", intervention=intervention, site=site
        )
    _, world.reset_token = create_reset_link(dbsession, users["coordinator"], users["admin"])
    dbsession.flush()
    builders.commit(tm)
    return world


def totp_code(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def sign_in(testapp, user: User, password: str = PASSWORD) -> None:
    """Log in through the real forms: password, then the app's code when the user has one."""
    page = testapp.get("/login")
    response = testapp.post(
        "/login",
        {"username": user.username, "password": password, "csrf_token": csrf_token(page)},
        status=302,
    )
    if response.location.endswith("/login/code"):
        page = testapp.get("/login/code")
        testapp.post(
            "/login/code",
            {"code": totp_code(user), "csrf_token": csrf_token(page)},
            status=302,
        )


def signed_in_evaluator_of_an_intervention(
    testapp, dbsession, tm, user: User, instruments=(("brs", None),)
) -> str:
    """An intervention the user evaluates, committed, with the user signed in; its slug."""
    iv = builders.intervention(dbsession, instruments=instruments)
    dbsession.add(Membership(user_id=user.id, intervention_id=iv.id))
    slug = iv.slug
    builders.commit(tm)
    sign_in(testapp, user)
    return slug


def tm_session(app):
    """A transaction manager with a begun transaction, and a request-style session joined to it."""
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    return manager, get_tm_session(app.registry["dbsession_factory"], manager)
