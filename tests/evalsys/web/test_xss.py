"""Free text typed by people comes back escaped on every page; templates carry no inline script."""

from __future__ import annotations

import re
from pathlib import Path

from evalsys.accounts.models import ApiToken, User
from evalsys.programme.models import Intervention

from .. import builders
from .. import world as worlds
from ..access_rules import RULES
from ..accounts.test_access_matrix import app_routes, url_for, view_methods

PAYLOAD = "<script>alert('xss')</script>\"'><img src=x onerror=alert(1)>"
APP = Path(__file__).resolve().parents[3] / "evalsys"
# each capability keeps its pages in its own templates/ folder
TEMPLATES = sorted(APP.glob("**/templates/**/*.jinja2"))


def poison(dbsession, world) -> None:
    """Put the payload in every free-text field a person can type."""
    for intervention in dbsession.query(Intervention):
        intervention.name = f"{intervention.name} {PAYLOAD}"
        intervention.description = PAYLOAD
        intervention.target_group = PAYLOAD
        for site in intervention.sites:
            site.name = f"{site.name} {PAYLOAD}"
            site.municipality = site.area = site.organisation = PAYLOAD
    for user in dbsession.query(User):
        user.display_name = PAYLOAD
    dbsession.add(worlds.make_user(dbsession, f"x{PAYLOAD}"[:100], "ministry"))
    for token in dbsession.query(ApiToken):
        token.name = PAYLOAD
    a = dbsession.get(Intervention, world.a.id)
    participant = builders.participant(dbsession, a, site=a.sites[0])
    builders.response(
        dbsession,
        participant,
        a.waves[0],
        answers={**builders.BRS_ANSWERS, "toelichting": PAYLOAD},
    )
    dbsession.flush()


def test_payloads_in_free_text_come_back_escaped_on_every_page(app, testapp, dbsession, tm):
    world = worlds.build(dbsession, tm)
    poison(dbsession, world)
    builders.commit(tm)
    worlds.sign_in(testapp, world.users["admin"])
    escaped_somewhere = []
    for name, route in sorted(app_routes(app).items()):
        # routes without a row in access_rules fail the access matrix; here they are skipped
        if name not in RULES or "GET" not in view_methods(app, name):
            continue
        url = url_for(route, world, "admin", "own")
        response = testapp.get(url, expect_errors=True)
        if not response.content_type.startswith("text/html"):
            continue
        assert "<script>alert" not in response.text, name
        assert "<img src=x" not in response.text, name
        if "&lt;script&gt;alert" in response.text:
            escaped_somewhere.append(name)
    assert {"admin.users", "admin.user", "account.tokens", "account.home"} <= set(escaped_somewhere)


def test_user_name_in_the_page_header_is_escaped(testapp, dbsession, tm):
    user = worlds.make_user(dbsession, "cor", "coordinator")
    user.display_name = PAYLOAD
    builders.commit(tm)
    worlds.sign_in(testapp, user)
    page = testapp.get("/")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"\sstyle\s*=", r"<style", r"\son[a-z]+\s*="):
            if re.search(pattern, text, re.I):
                offenders.append(f"{path.relative_to(APP)}: {pattern}")
    assert offenders == []
    assert len(TEMPLATES) >= 15  # the check did look at the templates
