"""The site page's quality column: questionnaires with a signal, per kind, in words; each number
opens the site's stored responses filtered to exactly those responses (issue 25)."""

from __future__ import annotations

import itertools
import uuid

import pytest

from evalsys.accounts.models import Membership
from evalsys.audit.models import AuditEvent
from evalsys.collection.submissions import Submission, submit

from .. import builders
from ..builders import BRS_ANSWERS
from ..web_session import login

PASSWORD = "een-lang-wachtwoord"
# Six times the middle option: straight-lining on the BRS (at least 5 items alike), but forward and
# reversed items agree, so no contradiction (surveys.quality).
SAME_EVERYWHERE = {f"brs_{n}": 3 for n in range(1, 7)}
TOO_FAST = 3  # seconds for six items: under 2 s per item (Huang et al. 2012)

# code -> round -> (answers, duration): at T0 one questionnaire has two signals, at T1 none has.
FORMS = {
    "P1": {0: (SAME_EVERYWHERE, None), 1: (SAME_EVERYWHERE, None)},
    "P2": {0: (BRS_ANSWERS, TOO_FAST), 1: (BRS_ANSWERS, TOO_FAST)},
    "P3": {0: (SAME_EVERYWHERE, TOO_FAST), 1: (BRS_ANSWERS, None)},
    "P4": {0: (BRS_ANSWERS, None)},
}


@pytest.fixture
def world(dbsession, tm):
    iv = builders.intervention(dbsession)
    own, other = iv.sites
    for name, site in (("coco", own), ("bibi", other)):
        user = builders.user(dbsession, username=name, role="coordinator", password=PASSWORD)
        dbsession.add(Membership(user_id=user.id, intervention_id=iv.id, site_id=site.id))
    for code, forms in itertools.chain(FORMS.items(), [("Q9", {0: (SAME_EVERYWHERE, None)})]):
        for wave, (answers, seconds) in forms.items():
            submit(
                dbsession,
                Submission(
                    submission_id=str(uuid.uuid4()),
                    intervention=iv,
                    site=other if code == "Q9" else own,
                    wave=iv.waves[wave],
                    participant_code=code,
                    answers=dict(answers),
                    duration_seconds=seconds,
                    mode="paper" if code == "P4" else "web",
                ),
            )
    # A staff member's test form with a signal: on the full list, in no count, in no filter.
    tester = builders.participant(dbsession, iv, code="TEST:T1", site=own)
    tester.test = True
    builders.response(
        dbsession, tester, iv.waves[0], test=True, quality_flags=["brs:straight_lining"]
    )
    base = f"/i/{iv.slug}/sites/{own.slug}"
    builders.commit(tm)
    return base, f"/i/{iv.slug}/sites/{other.slug}"


def quality_cells(page) -> list:
    return [row.select_one("td.quality") for row in page.html.select("tbody tr")]


def words(cell) -> str:
    return " ".join(cell.get_text().split())


def codes_at(testapp, href) -> list[tuple[str, str]]:
    rows = testapp.get(href).html.select("tbody tr")
    return [tuple(td.get_text(strip=True) for td in row.find_all("td")[:2]) for row in rows]


def test_the_quality_column_counts_questionnaires_per_kind_in_words(testapp, world):
    base, _ = world
    login(testapp, "coco", PASSWORD)
    testapp.get("/language/en")
    first, second = quality_cells(testapp.get(base))
    header = testapp.get(base).html.select("thead th")[-1].get_text(strip=True)
    assert header == "Questionnaires with a signal"
    # T0: P1, P2 and P3 have a signal; P3 has both kinds, so the kinds add up to 4, and it says so.
    assert words(first) == (
        "3 — same answer everywhere: 2; filled in very fast: 2 "
        "(a questionnaire can have more than one signal)"
    )
    # T1: P1 straight-lined, P2 too fast: the parts add up to the total, no note.
    assert words(second) == "2 — same answer everywhere: 1; filled in very fast: 1"


def test_each_number_opens_exactly_those_responses(testapp, world):
    base, _ = world
    login(testapp, "coco", PASSWORD)
    testapp.get("/language/en")
    first, second = quality_cells(testapp.get(base))
    assert len(first("a")) == 3 and len(second("a")) == 3
    total, same, fast = (a["href"] for a in first("a"))
    assert total.endswith(f"{base}/responses?wave=T0&flag=any")
    assert codes_at(testapp, total) == [("P1", "T0"), ("P2", "T0"), ("P3", "T0")]
    assert codes_at(testapp, fast) == [("P2", "T0"), ("P3", "T0")]
    assert codes_at(testapp, same) == [("P1", "T0"), ("P3", "T0")]
    later_fast = second("a")[2]["href"]
    assert codes_at(testapp, later_fast) == [("P2", "T1")]
    # The responses column opens the round's list, flagged or not.
    responses = testapp.get(base).html.select("tbody tr")[0].find_all("td")[0].a["href"]
    assert [code for code, _ in codes_at(testapp, responses)] == ["P1", "P2", "P3", "P4"]


def test_the_list_shows_its_filter_the_columns_and_a_way_back_to_all(testapp, world):
    base, _ = world
    login(testapp, "coco", PASSWORD)
    testapp.get("/language/en")
    page = testapp.get(f"{base}/responses?wave=T0&flag=too_fast")
    shown = words(page.html.select_one("#filter"))
    assert "Showing only: round T0, with the signal “filled in very fast”" in shown
    assert "Number shown: 2." in shown
    assert page.html.select_one("#filter a")["href"].endswith(f"{base}/responses")
    head = [th.get_text(strip=True) for th in page.html.select("thead th")]
    assert head == ["Participant code", "Round", "Way in", "Answered on", "Version", "Signals"]
    cells = [td.get_text(" ", strip=True) for td in page.html.select("tbody tr")[1]("td")]
    assert cells[:3] == ["P3", "T0", "online"]
    assert len(cells[3]) == 10 and cells[3][4] == "-"  # a date, 2026-12-07
    assert cells[5] == "same answer everywhere, filled in very fast"
    history = page.html.select("tbody tr")[1].a["href"]
    assert "Correct the answers" in testapp.get(history).text  # the way to a correction
    everything = testapp.get(f"{base}/responses")
    assert everything.html.select_one("#filter") is None
    assert len(everything.html.select("tbody tr")) == 8  # with the test form
    paper = [tr("td") for tr in everything.html.select("tbody tr") if tr.td.get_text() == "P4"]
    assert paper[0][2].get_text(strip=True) == "paper"


def test_a_filter_that_names_nothing_says_so_and_how_to_go_on(testapp, world):
    base, _ = world
    login(testapp, "coco", PASSWORD)
    testapp.get("/language/en")
    page = testapp.get(f"{base}/responses?wave=T9", status=400)
    problem = page.html.select_one("#filter-problem").get_text(" ", strip=True)
    assert "There is no round “T9” in this intervention." in problem
    assert page.html.select_one("#filter-problem a").get_text(strip=True) == "Show all responses"
    page = testapp.get(f"{base}/responses?flag=<b>careless</b>", status=400)
    assert "“<b>careless</b>” is not a kind of signal." in page.html.get_text()
    assert page.html.select_one("#filter-problem b") is None  # shown as text, not as markup
    empty = testapp.get(f"{base}/responses?wave=T1&flag=too_many_missing")
    assert "No responses match this choice." in empty.text


def test_dutch_wording(testapp, world):
    base, _ = world
    login(testapp, "coco", PASSWORD)
    testapp.get("/language/nl")
    page = testapp.get(base)
    assert page.html.select("thead th")[-1].get_text(strip=True) == "Vragenlijsten met een signaal"
    first = words(quality_cells(page)[0])
    assert first == (
        "3 — overal hetzelfde antwoord: 2; heel snel ingevuld: 2 "
        "(een vragenlijst kan meer dan één signaal hebben)"
    )
    listing = testapp.get(f"{base}/responses?wave=T0&flag=straight_lining")
    shown = words(listing.html.select_one("#filter"))
    assert "Alleen: ronde T0, met het signaal “overal hetzelfde antwoord”" in shown
    assert "Alle antwoorden tonen" in shown
    refused = testapp.get(f"{base}/responses?wave=T9", status=400)
    assert "Er is geen ronde “T9” in deze interventie." in refused.text


def test_reading_a_filtered_list_is_audited(testapp, world, dbsession):
    base, _ = world
    login(testapp, "coco", PASSWORD)
    testapp.get(f"{base}/responses?wave=T0&flag=any")
    dbsession.expire_all()
    event = (
        dbsession.query(AuditEvent)
        .filter_by(action="participant_data_viewed", target_type="site")
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert event is not None and event.details["responses"] == 3


def test_another_sites_coordinator_gets_404(testapp, world):
    base, other = world
    login(testapp, "bibi", PASSWORD)
    testapp.get(f"{base}/responses?wave=T0&flag=any", status=404)
    testapp.get(base, status=404)
    # Their own site's list shows only their own response.
    assert codes_at(testapp, f"{other}/responses?flag=straight_lining") == [("Q9", "T0")]
