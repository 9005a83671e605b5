"""Each role lands where its work is after logging in, and the home page lists that work
(issue 25): a coordinator's sites, an evaluator's interventions, the ministry's reports."""

from __future__ import annotations

import datetime as dt

import pytest

from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.results import reports
from evalsys.results.models import ReportVersion

from .. import builders
from .. import world as worlds
from ..web_session import csrf_token
from ..world import PASSWORD, grant, totp_code

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl"}


@pytest.fixture
def world(dbsession, tm):
    world = worlds.build(dbsession, tm)
    # Two of A1's participants answered the first round: their second is open now.
    a1 = world.site("A1")
    for _ in range(2):
        participant = builders.participant(dbsession, world.a, site=a1)
        builders.response(dbsession, participant, world.a.waves[0])
    builders.commit(tm)
    return world


def granted(dbsession, tm, world, *sites: str):
    """The world's coordinator, also working at these sites."""
    coordinator = dbsession.get(User, world.users["coordinator"].id)
    for name in sites:
        grant(dbsession, coordinator, world.a if name[0] == "A" else world.b, world.site(name))
    builders.commit(tm)
    return coordinator


def log_in(testapp, user, language: dict, **form):
    """Log in through the forms (with the app's code when the user has one); the last answer."""
    page = testapp.get("/login", extra_environ=language)
    answer = testapp.post(
        "/login",
        {"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(page), **form},
        extra_environ=language,
        status=302,
    )
    if answer.location.endswith("/login/code"):
        page = testapp.get("/login/code", extra_environ=language)
        answer = testapp.post(
            "/login/code",
            {"code": totp_code(user), "csrf_token": csrf_token(page)},
            extra_environ=language,
            status=302,
        )
    return answer


def home(testapp, language: dict):
    return testapp.get("/", extra_environ=language)


def store_report(dbsession, intervention, version: int, published_at: dt.datetime) -> int:
    """A published version as publish() stores it, without making a PDF."""
    pdf = b"%PDF-1.4 " + intervention.slug.encode() + b" v%d" % version
    row = ReportVersion(
        intervention_id=intervention.id,
        version=version,
        language="nl",
        published_at=published_at,
        data_taken_at=published_at,
        checksum=reports.checksum(pdf),
        pdf=pdf,
        aggregates={},
        note="",
    )
    dbsession.add(row)
    dbsession.flush()
    return row.id


# coordinators


def test_a_coordinator_of_one_site_lands_on_that_site(testapp, world):
    answer = log_in(testapp, world.users["coordinator"], ENGLISH)
    site = world.site("A1")
    assert answer.location == f"http://localhost/i/{world.a.slug}/sites/{site.slug}"
    page = answer.follow(extra_environ=ENGLISH)
    assert f"<h1>{site.name}</h1>" in page.text


def test_a_page_asked_for_before_logging_in_still_wins(testapp, world):
    asked = testapp.get("/account/tokens", status=302)
    assert asked.location.endswith("/login?next=%2Faccount%2Ftokens")
    answer = log_in(testapp, world.users["coordinator"], ENGLISH, next="/account/tokens")
    assert answer.location == "http://localhost/account/tokens"


def test_a_coordinator_of_several_sites_lands_on_the_home_page_that_lists_them(
    testapp, dbsession, tm, world
):
    coordinator = granted(dbsession, tm, world, "A2", "B2")
    answer = log_in(testapp, coordinator, ENGLISH)
    assert answer.location == "http://localhost/"
    page = home(testapp, ENGLISH)
    assert "<h1>Your work</h1>" in page.text
    assert "Does the intervention work?" not in page.text  # no public pitch
    assert "Log in</h2>" not in page.text
    sites = page.html.find(id="sites").find_all("li", recursive=False)
    # by intervention, then by site; another coordinator's site B1 is not there
    assert [li.strong.text for li in sites] == ["Site A", "Site B", "Site B"]
    assert [li.find(class_="hint").text for li in sites] == [
        "· Interventie A",
        "· Interventie A",
        "· Interventie B",
    ]
    links = [li.a["href"] for li in sites]
    assert links == [
        f"http://localhost/i/{world.a.slug}/sites/site-a",
        f"http://localhost/i/{world.a.slug}/sites/site-b",
        f"http://localhost/i/{world.b.slug}/sites/site-b",
    ]
    first = " ".join(sites[0].text.split())
    assert "Participants: 2" in first and "next round: 0 overdue, 2 open now" in first
    assert f"/i/{world.a.slug}/sites/site-a/due" in str(sites[0])
    assert "Participants: 0" in sites[1].text
    for link in links:  # each link opens for this coordinator
        testapp.get(link, extra_environ=ENGLISH, status=200)


def test_a_coordinator_without_a_site_is_told_whom_to_ask(testapp, dbsession, tm):
    user = worlds.make_user(dbsession, "nieuw", "coordinator")
    builders.commit(tm)
    assert log_in(testapp, user, ENGLISH).location == "http://localhost/"
    assert "Ask your administrator" in home(testapp, ENGLISH).text


def test_the_coordinators_home_page_in_dutch(testapp, dbsession, tm, world):
    coordinator = granted(dbsession, tm, world, "A2")
    log_in(testapp, coordinator, DUTCH)
    page = home(testapp, DUTCH)
    assert '<html lang="nl">' in page.text
    assert "<h1>Je werk</h1>" in page.text and "Jouw locaties" in page.text
    text = " ".join(page.html.find(id="sites").text.split())
    assert "Deelnemers: 2" in text and "volgende ronde: 0 te laat, 2 nu open" in text
    assert "Wie is aan de beurt" in text


# evaluators and administrators


def test_an_evaluator_lands_on_the_home_page_with_their_interventions(testapp, world):
    answer = log_in(testapp, world.users["evaluator"], ENGLISH)
    assert answer.location == "http://localhost/"
    page = home(testapp, ENGLISH)
    items = page.html.find(id="interventions").find_all("li", recursive=False)
    assert [li.strong.text for li in items] == ["Interventie A"]  # not B, another's
    slug = world.a.slug
    hrefs = [a["href"] for a in items[0].find_all("a")]
    assert hrefs == [
        f"http://localhost/i/{slug}",
        f"http://localhost/i/{slug}/results",
        f"http://localhost/i/{slug}/follow-up",
        f"http://localhost/i/{slug}/setup",
    ]
    assert [a.text for a in items[0].find_all("a")][1:] == [
        "Results",
        "Follow-up",
        "Set up this intervention",
    ]
    assert "/interventions/new" in page.text
    assert 'id="sites"' not in page.text and 'id="reports"' not in page.text
    testapp.get(f"/i/{slug}/setup", extra_environ=ENGLISH, status=200)


def test_the_evaluators_home_page_in_dutch(testapp, world):
    log_in(testapp, world.users["evaluator"], DUTCH)
    page = home(testapp, DUTCH)
    assert "<h1>Je werk</h1>" in page.text
    items = page.html.find(id="interventions")
    assert [a.text for a in items.find_all("a")][1:] == [
        "Resultaten",
        "Opvolging",
        "Deze interventie inrichten",
    ]


def test_an_administrator_sees_every_intervention_and_the_admin_pages(testapp, world):
    assert log_in(testapp, world.users["admin"], ENGLISH).location == "http://localhost/"
    page = home(testapp, ENGLISH)
    names = [
        li.strong.text for li in page.html.find(id="interventions").find_all("li") if li.strong
    ]
    assert names == ["Interventie A", "Interventie B"]
    admin = page.html.find(id="administration").parent
    assert [a["href"] for a in admin.find_all("a")] == [
        "http://localhost/admin/users",
        "http://localhost/admin/audit",
        "http://localhost/reports",
    ]


# the ministry


def test_the_ministry_lands_on_the_latest_published_reports(testapp, dbsession, tm, world):
    now = utcnow()
    ids = [
        store_report(dbsession, world.a if n % 2 else world.b, n, now - dt.timedelta(days=10 - n))
        for n in range(1, 8)
    ]
    builders.commit(tm)
    answer = log_in(testapp, world.users["ministry"], ENGLISH)
    assert answer.location == "http://localhost/"
    page = home(testapp, ENGLISH)
    assert "Does the intervention work?" not in page.text
    assert "Latest published reports" in page.text
    items = page.html.find(id="reports").find_all("li")
    # the five newest, newest first, each with its date and its PDF
    assert len(items) == 5
    newest = now - dt.timedelta(days=3)
    first = " ".join(items[0].text.split())
    assert first.startswith("Interventie A, version 7 (nl)")
    assert f"Published on {newest:%Y-%m-%d}" in first
    downloads = [li.a["href"] for li in items]
    assert downloads == [f"http://localhost/reports/{i}.pdf" for i in reversed(ids[2:])]
    pdf = testapp.get(downloads[0], status=200)
    assert pdf.body.startswith(b"%PDF") and b"v7" in pdf.body
    archive = page.html.find(id="latest-reports").parent.find_all("a")[-1]
    assert (archive.text, archive["href"]) == ("All published reports", "http://localhost/reports")
    assert 'id="interventions"' not in page.text and 'id="sites"' not in page.text


def test_the_ministrys_home_page_in_dutch(testapp, dbsession, tm, world):
    store_report(dbsession, world.a, 1, utcnow())
    builders.commit(tm)
    log_in(testapp, world.users["ministry"], DUTCH)
    page = home(testapp, DUTCH)
    assert "Laatst gepubliceerde rapporten" in page.text
    assert "Interventie A, versie 1 (nl)" in " ".join(page.html.find(id="reports").text.split())
    assert "Alle gepubliceerde rapporten" in page.text


def test_a_withdrawn_report_shows_its_reason_and_no_pdf(testapp, dbsession, tm, world):
    """Needs the withdrawal columns of the publishing part (migration 0016)."""
    now = utcnow()
    live = store_report(dbsession, world.a, 1, now - dt.timedelta(days=1))
    withdrawn = dbsession.get(ReportVersion, store_report(dbsession, world.b, 1, now))
    withdrawn.withdrawn_at, withdrawn.withdrawal_reason = now, "Een locatie telde dubbel."
    builders.commit(tm)
    log_in(testapp, world.users["ministry"], ENGLISH)
    items = home(testapp, ENGLISH).html.find(id="reports").find_all("li")
    first = " ".join(items[0].text.split())
    assert first.startswith("Interventie B") and "Withdrawn: Een locatie telde dubbel." in first
    assert items[0].a is None
    assert items[1].a["href"] == f"http://localhost/reports/{live}.pdf"


def test_the_ministry_without_reports_is_told_so(testapp, world):
    log_in(testapp, world.users["ministry"], ENGLISH)
    page = home(testapp, ENGLISH)
    assert "There are no published reports you can read yet." in page.text
    assert 'href="http://localhost/reports"' in page.text


# visitors and tokens


def test_visitors_and_api_tokens_get_the_public_page(testapp, world):
    for language, pitch in (
        (ENGLISH, "Does the intervention work?"),
        (DUTCH, "Werkt de interventie?"),
    ):
        page = home(testapp, language)
        assert pitch in page.text and 'href="http://localhost/login"' in page.text
    _, token = world.tokens[world.users["evaluator"].username]
    page = testapp.get("/", headers={"Authorization": f"Bearer {token}"}, extra_environ=ENGLISH)
    assert "Does the intervention work?" in page.text and "Interventie A" not in page.text
