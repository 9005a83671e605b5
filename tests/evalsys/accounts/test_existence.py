"""An intervention or site outside a person's scope gets the very 404 of one that does not exist,
on pages and in the API; inside the scope a refusal stays 403, and nobody is sent to log in."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .. import world as worlds
from ..web_session import csrf_token

MISSING = "bestaat-niet"
# Headers that differ between any two responses, whatever they answer.
VARYING = {"Content-Length", "Date"}


@pytest.fixture
def world(dbsession, tm):
    return worlds.build(dbsession, tm)


def comparable(response, path: str):
    """Status, headers and body, with the address the page echoes (language links) taken out."""
    headers = sorted((k, v) for k, v in response.headerlist if k not in VARYING)
    body = response.text.replace(quote(path, safe=""), "PATH").replace(path, "PATH")
    return response.status_int, headers, body


def same_404(testapp, foreign: str, missing: str, method: str = "GET", **kw) -> None:
    call = testapp.get if method == "GET" else testapp.post_json
    seen = call(foreign, status=404, **kw)
    unknown = call(missing, status=404, **kw)
    assert comparable(seen, foreign) == comparable(unknown, missing)


def test_a_page_of_someone_elses_intervention_is_the_404_of_a_missing_one(testapp, world):
    worlds.sign_in(testapp, world.users["evaluator"])
    same_404(testapp, f"/i/{world.b.slug}", f"/i/{MISSING}")
    same_404(testapp, f"/i/{world.b.slug}/results", f"/i/{MISSING}/results")
    page = testapp.get(f"/i/{world.b.slug}", status=404)
    assert "Page not found" in page.text or "Pagina niet gevonden" in page.text


def test_another_site_of_ones_own_intervention_is_the_404_of_a_missing_site(testapp, world):
    worlds.sign_in(testapp, world.users["coordinator"])  # coordinator of A1 only
    a = world.a.slug
    sibling, missing = world.site("A2").slug, MISSING
    same_404(testapp, f"/i/{a}/sites/{sibling}", f"/i/{a}/sites/{missing}")
    same_404(testapp, f"/i/{a}/sites/{sibling}/paper", f"/i/{a}/sites/{missing}/paper")


def test_inside_the_scope_a_missing_permission_is_still_403(testapp, world):
    worlds.sign_in(testapp, world.users["coordinator"])  # sees A (site A1), may not set it up
    refused = testapp.get(f"/i/{world.a.slug}/setup", status=403)
    assert testapp.get(f"/i/{world.b.slug}/setup", status=404).text != refused.text


def test_nobody_is_still_sent_to_log_in(testapp, world):
    for path in (f"/i/{world.b.slug}", f"/i/{MISSING}/results"):
        response = testapp.get(path, status=302)
        assert response.location.startswith("http://localhost/login?next=")


def test_the_api_answers_the_same_404_for_a_foreign_and_a_missing_intervention(testapp, world):
    worlds.sign_in(testapp, world.users["evaluator"])
    base = "/api/v1/interventions"
    same_404(testapp, f"{base}/{world.b.slug}", f"{base}/{MISSING}")
    # A write is no different: before, a POST on someone else's intervention answered 403.
    wave = {"label": "T9", "name": "Later"}
    same_404(
        testapp, f"{base}/{world.b.slug}/waves", f"{base}/{MISSING}/waves", "POST", params=wave
    )
    body = testapp.get(f"{base}/{world.b.slug}", status=404).json
    assert body["error"] == "not_found"


def test_the_api_keeps_403_for_a_write_inside_the_scope(testapp, world):
    worlds.sign_in(testapp, world.users["coordinator"])
    wave = {"label": "T9", "name": "Later"}
    refused = testapp.post_json(f"/api/v1/interventions/{world.a.slug}/waves", wave, status=403)
    assert refused.json["error"] == "forbidden"


def test_a_site_token_gets_the_same_404_for_other_sites_and_interventions(testapp, world):
    _, secret = world.tokens[world.users["coordinator"].username]  # read, site A1
    headers = {"Authorization": f"Bearer {secret}"}
    base = "/api/v1/interventions"
    same_404(testapp, f"{base}/{world.b.slug}", f"{base}/{MISSING}", headers=headers)
    a = world.a.slug
    same_404(
        testapp,
        f"{base}/{a}/sites/{world.site('A2').slug}/coordinators",
        f"{base}/{a}/sites/{MISSING}/coordinators",
        headers=headers,
    )


def test_an_account_or_token_id_tells_nobody_but_an_admin_whether_it_exists(testapp, world):
    """Someone else's account or token gets 403; a missing one gets the same 403, not a 404."""
    other = world.users["admin"].id
    token = world.tokens["admin-a"][0].id
    worlds.sign_in(testapp, world.users["evaluator"])
    assert testapp.get(f"/admin/users/{other}", status=403).status_int == 403
    assert testapp.get("/admin/users/987654", status=403).status_int == 403
    url = "/account/tokens/{}/revoke"
    csrf = {"csrf_token": csrf_token(testapp.get("/account/tokens"))}
    assert testapp.post(url.format(token), csrf, status=403).status_int == 403
    assert testapp.post(url.format(987654), csrf, status=403).status_int == 403


def test_an_admin_learns_that_an_account_is_missing(testapp, world):
    worlds.sign_in(testapp, world.users["admin"])
    testapp.get("/admin/users/987654", status=404)


def test_nobody_is_sent_to_log_in_for_a_report_whether_or_not_it_exists(testapp, world):
    missing = testapp.get("/reports/987654.pdf", status=302)
    assert "/login" in missing.location
