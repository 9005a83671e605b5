"""A NUL character in an address or a login name is what it is, an address or a name that does
not exist, never a database error: PostgreSQL refuses NUL in any text. (Answers, codes and set-up
texts have their own messages: tests/evalsys/collection/test_control_characters.py.)"""

from __future__ import annotations

import pytest

from .. import world as worlds
from ..web_session import csrf_token


@pytest.fixture
def world(dbsession, tm):
    return worlds.build(dbsession, tm)


@pytest.mark.parametrize(
    "path", ["/i/a%00b", "/i/a%00b/setup", "/i/{a}/sites/x%00/links", "/i/{a}/sites/x%00/paper"]
)
def test_a_page_address_with_nul_is_not_found(testapp, world, path):
    worlds.sign_in(testapp, world.users["admin"])
    testapp.get(path.format(a=world.a.slug), status=404)


def test_a_login_name_with_nul_is_an_unknown_name(testapp, world):
    page = testapp.get("/login?next=%00")
    form = {"username": "admin\x00", "password": "x", "csrf_token": csrf_token(page)}
    answer = testapp.post("/login", form, status=400)
    assert "Onbekende gebruikersnaam" in answer.text or "Unknown user name" in answer.text


@pytest.mark.parametrize(
    "path", ["/api/v1/interventions/a%00b", "/api/v1/interventions/{a}/waves/T%000"]
)
def test_an_api_path_with_nul_is_not_found(testapp, world, path):
    _, secret = world.tokens["admin-a"]
    answer = testapp.get(
        path.format(a=world.a.slug), headers={"Authorization": f"Bearer {secret}"}, status=404
    )
    assert answer.json["error"] == "not_found"
