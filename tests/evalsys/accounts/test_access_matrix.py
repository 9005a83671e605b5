"""Every route × every role × own and other object: allowed or denied as access_rules.py says.

A new route without a row in access_rules.RULES fails test_every_route_has_an_access_rule, so no
page is ever added without someone deciding who may open it.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from pyramid.interfaces import IRoutesMapper

from .. import world as worlds
from ..access_rules import CSRF_EXEMPT, PLACEHOLDERS, ROLES, ROUTE_PLACEHOLDERS, RULES
from ..web_session import csrf_token

PLACEHOLDER_RE = re.compile(r"{(\w+)(?::[^}]*)?}")


def app_routes(app) -> dict:
    mapper = app.registry.getUtility(IRoutesMapper)
    return {route.name: route for route in mapper.get_routes() if not route.name.startswith("__")}


def view_methods(app, route_name: str) -> set[str]:
    """The request methods the route's views answer (a view without a predicate answers all)."""
    methods = set()
    for entry in app.registry.introspector.get_category("views"):
        view = entry["introspectable"]
        if view["route_name"] != route_name:
            continue
        wanted = view["request_methods"]
        if wanted is None:
            methods |= {"GET", "POST"}
        else:
            methods |= {wanted} if isinstance(wanted, str) else set(wanted)
    return methods


def targets_of(pattern: str) -> tuple[str, ...]:
    names = PLACEHOLDER_RE.findall(pattern)
    if not names:
        return ("own",)
    return ("own", "other", "sibling") if "site" in names else ("own", "other")


def url_for(route, world, role: str, target: str) -> str:
    values = {}
    for name in PLACEHOLDER_RE.findall(route.pattern):
        make = ROUTE_PLACEHOLDERS.get(route.name, {}).get(name) or PLACEHOLDERS.get(name)
        assert make is not None, (
            f"route {route.name} has a {{{name}}} placeholder: add a function for it to "
            "ROUTE_PLACEHOLDERS (or PLACEHOLDERS) in access_rules.py"
        )
        values[name] = str(make(world, role, target))
    return route.generate(values)


def outcome(response) -> str:
    status = response.status_int
    if status == 401:
        return "L"
    if status in (301, 302, 303, 307):
        location = urlparse(response.location)
        return "L" if location.path == "/login" and "next=" in location.query else "A"
    if status == 403:
        return "D"
    if status == 404:
        return "N"
    # the view ran: a bad form (400), data not ready for it (409: an API report without
    # results yet), a form body where the API takes a file (415), or too many requests (429)
    if status < 300 or status in (400, 409, 415, 429):
        return "A"
    return f"?{status}"


def test_every_route_has_an_access_rule(app):
    routes = set(app_routes(app))
    assert sorted(routes - set(RULES)) == [], "routes without a row in access_rules.RULES"
    assert sorted(set(RULES) - routes) == [], "rows in access_rules.RULES for routes that are gone"


def test_every_rule_names_every_role_with_the_right_number_of_targets(app):
    routes = app_routes(app)
    for name, row in RULES.items():
        assert set(row) == set(ROLES), name
        if name in routes:
            targets = targets_of(routes[name].pattern)
            for role, letters in row.items():
                assert len(letters) in (1, len(targets)), (name, role, letters, targets)
                assert set(letters) <= {"A", "D", "N", "L"}, (name, role, letters)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route_name", sorted(RULES))
def test_access_matrix(app, testapp, dbsession, tm, route_name, role):
    route = app_routes(app).get(route_name)
    if route is None:
        pytest.fail(f"{route_name} is in access_rules.RULES but the application has no such route")
    world = worlds.build(dbsession, tm)
    if role != "anonymous":
        worlds.sign_in(testapp, world.users[role])
    targets = targets_of(route.pattern)
    expected = RULES[route_name][role]
    expected = expected * len(targets) if len(expected) == 1 else expected
    method = "GET" if "GET" in view_methods(app, route_name) else "POST"
    seen, report = [], []
    for target in targets:
        url = url_for(route, world, role, target)
        if method == "GET":
            response = testapp.get(url, expect_errors=True)
        else:
            token = csrf_token(testapp.get("/login"))
            response = testapp.post(url, {"csrf_token": token}, expect_errors=True)
        seen.append(outcome(response))
        report.append(f"{target}: {method} {url} -> {response.status}")
    assert "".join(seen) == expected, f"{role} on {route_name}: " + "; ".join(report)


def post_routes(app) -> list[str]:
    # A route without a row in RULES fails test_every_route_has_an_access_rule instead.
    return sorted(
        name for name in app_routes(app) if name in RULES and "POST" in view_methods(app, name)
    )


def test_csrf_exemptions_are_real_routes(app):
    assert set(CSRF_EXEMPT) <= set(app_routes(app))


def test_every_state_changing_form_rejects_a_post_without_its_token(app, testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    worlds.sign_in(testapp, world.users["admin"])
    routes = app_routes(app)
    checked = []
    for name in post_routes(app):
        if name in CSRF_EXEMPT:
            continue
        url = url_for(routes[name], world, "admin", "own")
        response = testapp.post(url, {"username": "x", "code": "1"}, expect_errors=True)
        assert response.status_int == 400 and "CSRF" in response.text, (name, response.status)
        checked.append(name)
    # the admin is still logged in: no rejected form changed anything
    assert testapp.get("/admin/users").status_int == 200
    assert {"auth.login", "auth.logout", "account.tokens", "admin.user_new"} <= set(checked)
