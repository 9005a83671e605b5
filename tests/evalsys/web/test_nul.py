"""A NUL character in an address, a query or a form gets a clear 400 (pages) or 404 (API paths),
never a database error: PostgreSQL refuses NUL in any text."""

from __future__ import annotations

import pytest

from .. import world as worlds
from ..web_session import csrf_token


@pytest.fixture
def world(dbsession, tm):
    return worlds.build(dbsession, tm)


@pytest.mark.parametrize("path", ["/i/a%00b", "/i/a%00b/setup", "/login?next=%00"])
def test_a_page_address_with_nul_is_a_clear_400(testapp, world, path):
    worlds.sign_in(testapp, world.users["evaluator"])
    page = testapp.get(path, status=400)
    assert "NUL" in page.text


def test_a_login_name_with_nul_is_a_clear_400_and_no_failed_login_is_stored(testapp, world):
    page = testapp.get("/login")
    form = {"username": "admin\x00", "password": "x", "csrf_token": csrf_token(page)}
    answer = testapp.post("/login", form, status=400)
    assert "NUL" in answer.text


@pytest.mark.parametrize(
    "path", ["/api/v1/interventions/a%00b", "/api/v1/interventions/{a}/waves/T%000"]
)
def test_an_api_path_with_nul_is_not_found(testapp, world, path):
    _, secret = world.tokens["admin-a"]
    answer = testapp.get(
        path.format(a=world.a.slug), headers={"Authorization": f"Bearer {secret}"}, status=404
    )
    assert answer.json["error"] == "not_found"
