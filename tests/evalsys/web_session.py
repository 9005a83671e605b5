"""Helpers for driving the app through WebTest like a browser does."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page) -> str:
    match = CSRF_RE.search(page.text)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(testapp, username: str, password: str, status: int | str = 302):
    page = testapp.get("/login")
    return testapp.post(
        "/login",
        {"username": username, "password": password, "csrf_token": csrf_token(page)},
        status=status,
    )
