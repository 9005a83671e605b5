"""The participant survey with conditional questions and missing-data codes, without JavaScript.

Through the real stack with WebTest, which runs no script: every page is what a browser without
JavaScript shows, and the server decides what applies when a page is sent.
"""

from __future__ import annotations

import json

import pytest

from evalsys.collection import ratelimit
from evalsys.collection.models import Response

from .. import conditional_forms
from ..conditional_forms import BRS

TOKEN = "tok-conditions"


@pytest.fixture(autouse=True)
def fresh_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def link(dbsession, tm):
    return conditional_forms.link(dbsession, tm, TOKEN)


def first_page(testapp, code="SPORT1", lang="nl"):
    """Through welcome, consent and code to the first page (the demographics)."""
    consent = testapp.get(f"/s/{TOKEN}?lang={lang}").form.submit()
    consent.form["agree"].checked = True
    consent.form["under16"] = "no"
    code_page = consent.form.submit()
    code_page.form["code"] = code
    return code_page.form.submit()


def send(page, answers: dict, *, back=False, status="*"):
    form = page.form
    for name, value in answers.items():
        form[name] = str(value)
    if back:
        return form.submit("_back", status=status)
    return form.submit(status=status)


def leisure_page(testapp, code="SPORT1"):
    return send(first_page(testapp, code), {"age_band": 2})


def test_a_sporter_answers_every_page_and_the_group_is_a_fieldset(testapp, link, dbsession):
    leisure = leisure_page(testapp)
    assert "Deel 2 van 4" in leisure.text  # demographics, leisure, team, BRS
    group = leisure.html.find("fieldset", id="g-sportclub")
    assert group.legend.get_text(strip=True) == "Je sport"
    # Decided by an answer on this page: marked for the script, and said in words.
    assert json.loads(group["data-relevant"]) == {
        "cmp": "=",
        "a": {"name": "sport"},
        "b": {"value": 1},
    }
    note = group.find(class_="condition-note").get_text()
    assert "“Doe je aan sport?”" in note and "'Ja'" in note
    assert leisure.html.find("form")["data-conditions"] is not None
    scripts = [s["src"] for s in leisure.html.find_all("script")]
    assert any(src.endswith("/static/conditions.js") for src in scripts)
    assert not [s for s in leisure.html.find_all("script") if not s.get("src")]  # CSP: no inline

    team = send(leisure, {"sport": 1, "sport_hours": 3, "club_member": 1, "club_name": "HC Zuid"})
    assert team.status_int == 200 and "Deel 3 van 4" in team.text
    apart = team.html.find(class_="missing-options")
    assert "Zeg ik liever niet" in apart.get_text()  # the block's code, set apart
    assert apart.find("input")["name"] == "team" and apart.find("input")["value"] == "9"
    brs = send(team, {"team": 3})
    assert "Deel 4 van 4" in brs.text
    done = send(brs, BRS)
    assert done.status_int == 303
    stored = dbsession.query(Response).one()
    assert stored.answers == {
        "age_band": 2,
        "sport": 1,
        "sport_hours": 3,
        "club_member": 1,
        "club_name": "HC Zuid",
        "team": 3,
        **BRS,
    }


def test_a_page_that_does_not_apply_is_skipped_forward_and_back(testapp, link, dbsession):
    leisure = leisure_page(testapp, "NOSPORT")
    # Without script the group was shown and filled in; "No" makes it not apply.
    brs = send(leisure, {"sport": 0, "sport_hours": 5, "club_member": 0})
    assert brs.status_int == 200
    assert "Deel 3 van 3" in brs.text  # the team page does not count
    assert brs.html.find("input", attrs={"name": "team"}) is None
    assert 'name="a.sport_hours"' not in brs.text  # dropped, not carried along
    back = send(brs, {}, back=True)
    assert back.html.find("input", attrs={"name": "sport"}) is not None  # the leisure page
    again = send(back, {"sport": 0})
    done = send(again, BRS)
    assert done.status_int == 303
    stored = dbsession.query(Response).one()
    assert stored.answers == {"age_band": 2, "sport": 0, **BRS}


def test_a_question_that_applies_is_required_and_one_that_does_not_is_not(testapp, link):
    leisure = leisure_page(testapp, "REQ001")
    refused = send(leisure, {"sport": 1}, status=400)
    links = [a["href"] for a in refused.html.select(".error-summary a")]
    assert links == ["#f-sport_hours", "#f-club_member"]
    accepted = send(refused, {"sport": 0})
    assert accepted.status_int == 200 and "Deel 3 van 3" in accepted.text


def test_missing_data_codes_are_answers_and_a_typed_number_wins(testapp, link, dbsession):
    leisure = leisure_page(testapp, "MISS01")
    box = leisure.html.find(id="f-sport_hours-m99")
    assert box["type"] == "radio" and box["name"] == "m.sport_hours"
    assert "Weet ik niet" in box.parent.get_text()
    form = leisure.form
    form["sport"] = "1"
    form["club_member"] = "0"
    form["m.sport_hours"] = "99"  # "Weet ik niet", the box left empty
    team = form.submit()
    assert "Deel 3 van 4" in team.text
    # Back to the page: the code is ticked again, the box stays empty.
    back = send(team, {"team": 9}, back=True)
    assert back.html.find(id="f-sport_hours-m99").has_attr("checked")
    assert back.html.find(id="f-sport_hours")["value"] == ""
    form = back.form
    form["sport_hours"] = "4"  # typed after ticking: the number counts
    team = form.submit()
    brs = send(team, {"team": 9})
    send(brs, BRS)
    answers = dbsession.query(Response).one().answers
    assert answers["sport_hours"] == 4 and answers["team"] == 9


def test_changing_an_earlier_answer_drops_answers_that_no_longer_apply(testapp, link, dbsession):
    leisure = leisure_page(testapp, "CHANGE")
    team = send(leisure, {"sport": 1, "sport_hours": 2, "club_member": 0})
    brs = send(team, {"team": 2})
    # Back twice (the team page, then leisure) and change the answer everything hangs on.
    leisure_again = send(send(brs, {}, back=True), {}, back=True)
    assert leisure_again.html.find("input", attrs={"name": "sport"}) is not None
    brs = send(leisure_again, {"sport": 0})
    assert "Deel 3 van 3" in brs.text
    assert 'name="a.team"' not in brs.text and 'name="a.sport_hours"' not in brs.text
    send(brs, BRS)
    assert dbsession.query(Response).one().answers == {"age_band": 2, "sport": 0, **BRS}


def test_a_page_without_conditions_loads_no_script(testapp, link):
    demographics = first_page(testapp, "NOJS01")
    assert demographics.html.find("script") is None
    assert demographics.html.find("form").get("data-conditions") is None


def test_the_condition_is_in_words_in_english_too(testapp, link):
    leisure = send(first_page(testapp, "ENG001", lang="en"), {"age_band": 2})
    note = leisure.html.find(id="g-sportclub-condition").get_text()
    assert note == "Only if you answered 'Yes' to “Do you play sport?”."
    club = leisure.html.find(id="f-club_name-condition").get_text()
    assert club == "Only if you answered 'Yes' to “Are you a member of a club?”."
