"""ODK Collect submissions to a round that takes only issued codes."""

from __future__ import annotations

import pytest

from evalsys.collection import issued_codes, ratelimit
from evalsys.collection.models import Participant

from .. import builders
from ..api_client import make_link
from .collect_client import Collect, message_of
from .test_openrosa import brs, filled


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def world(dbsession, tm):
    iv = builders.intervention(dbsession)
    iv.waves[0].settings = {"participant_code": "issued"}
    link = make_link(dbsession, iv, iv.sites[0], iv.waves[0])
    (code,) = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[0], 1)]
    (other,) = [c.code for c in issued_codes.issue(dbsession, iv, iv.sites[1], 1)]
    builders.commit(tm)
    return link, code, other


def test_collect_is_told_a_code_is_mistyped_or_not_issued(testapp, world, dbsession):
    link, code, other = world
    collect = Collect(testapp, link.token)
    typo = code[:-1] + ("X" if code[-1] != "X" else "Y")
    refused = collect.submit(filled(collect, {**brs(), "participant_code": typo}), status=400)
    assert "mistyped" in message_of(refused) and "Nothing was stored" in message_of(refused)
    refused = collect.submit(filled(collect, {**brs(), "participant_code": other}), status=400)
    assert "not issued for this site" in message_of(refused)
    collect.submit(filled(collect, {**brs(), "participant_code": code.lower()}), status=201)
    assert dbsession.query(Participant).one().code == code
