"""Shared set-up for the paper-entry and import tests: an intervention, two coordinators, rows."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from evalsys.accounts.models import Membership, User
from evalsys.accounts.passwords import hash_password

from . import builders
from .web_session import login

PASSWORD = "een-lang-wachtwoord"
INSTRUMENTS = (("brs", None), ("gse", None))

# Hand-checked: BRS items 2, 4, 6 reversed -> all 4 -> mean 4.0; GSE 3 x 10 = 30.
BRS = {"brs_1": 4, "brs_2": 2, "brs_3": 4, "brs_4": 2, "brs_5": 4, "brs_6": 2}
GSE = {f"gse_{i}": 3 for i in range(1, 11)}
ANSWERS = {**BRS, **GSE}


@dataclass
class Setup:
    intervention: object
    slug: str
    own: str
    other: str

    @property
    def base(self) -> str:
        return f"/i/{self.slug}/sites/{self.own}"


def make_setup(dbsession, tm) -> Setup:
    iv = builders.intervention(dbsession, instruments=INSTRUMENTS, design="pre_post_comparison")
    for username, site in (("coco", iv.sites[0]), ("bea", iv.sites[1])):
        user = User(username=username, role="coordinator", password_hash=password_hash())
        dbsession.add(user)
        dbsession.flush()
        dbsession.add(Membership(user_id=user.id, intervention_id=iv.id, site_id=site.id))
    setup = Setup(iv, iv.slug, iv.sites[0].slug, iv.sites[1].slug)
    builders.commit(tm)
    return setup


@functools.cache
def password_hash() -> str:
    return hash_password(PASSWORD)  # hashing is slow on purpose; once per test run is enough


def login_english(testapp, username: str = "coco") -> None:
    """Log in and switch to English: the tests read the English texts, which never change."""
    login(testapp, username, PASSWORD)
    testapp.get("/language/en")
