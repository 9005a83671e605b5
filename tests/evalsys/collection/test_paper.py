"""Paper entry through the real stack: fast keyboard entry, validation, double submit, access."""

from __future__ import annotations

import uuid

import pytest

from evalsys.accounts.models import User
from evalsys.collection.models import Participant, Response
from evalsys.collection.submissions import Submission, submit

from ..import_fixtures import ANSWERS, make_setup
from ..import_fixtures import login_english as login
from ..web_session import csrf_token


@pytest.fixture
def setup(dbsession, tm):
    return make_setup(dbsession, tm)


def form_page(testapp, setup, wave="T0"):
    return testapp.get(f"{setup.base}/paper", params={"wave": wave})


def type_in(page, code: str, **answers):
    form = page.forms["paper-form"]
    form["participant_code"] = code
    for item, value in {**ANSWERS, **answers}.items():
        form[item] = str(value)
    return form


def stored(dbsession) -> list[Response]:
    dbsession.expire_all()
    return dbsession.query(Response).order_by(Response.id).all()


def test_without_a_wave_the_page_asks_for_the_wave_first(testapp, setup):
    login(testapp)
    page = testapp.get(f"{setup.base}/paper")
    assert page.html.select_one("select#wave-choice")
    assert "paper-form" not in page.forms
    unknown = testapp.get(f"{setup.base}/paper", params={"wave": "T7"})
    assert "paper-form" not in unknown.forms


def test_the_form_is_made_for_fast_keyboard_entry(testapp, setup):
    login(testapp)
    page = form_page(testapp, setup)
    html = page.html
    code = html.select_one("#f-participant_code")
    assert code.has_attr("autofocus") and code["autocomplete"] == "off"
    brs_1 = html.select_one("#f-brs_1")
    assert brs_1["inputmode"] == "numeric" and brs_1["autocomplete"] == "off"
    hint = html.select_one("#h-brs_1").get_text(" ", strip=True)
    assert hint.startswith("1 =") and "5 =" in hint
    assert "h-brs_1" in brs_1["aria-describedby"]
    legends = [legend.get_text(strip=True) for legend in html.select("fieldset legend")]
    assert len(legends) == 3  # demographics, BRS, GSE: one group per instrument
    # Tab order follows the paper form: demographics, then BRS 1-6, then GSE 1-10.
    names = [i["name"] for i in html.select("form#paper-form input:not([type=hidden])")]
    assert names[0] == "participant_code"
    assert names[-16:] == [*ANSWERS]
    assert not html.select("[tabindex]:not(main)")  # no tabindex juggling
    assert not html.select("[style]") and not html.select("script")


def test_saving_a_form_shows_saved_and_an_empty_form(testapp, setup, dbsession):
    login(testapp)
    page = form_page(testapp, setup)
    first_id = page.forms["paper-form"]["submission_id"].value
    result = type_in(page, "ab12", gender_other="anders", age_band=3).submit()
    assert result.status_int == 200
    assert "Saved: AB12" in result.text
    form = result.forms["paper-form"]
    assert form["participant_code"].value == "" and form["brs_1"].value == ""
    assert form["submission_id"].value != first_id
    assert result.html.select_one("#f-participant_code").has_attr("autofocus")
    [response] = stored(dbsession)
    assert response.mode == "paper" and response.submission_id == first_id
    assert response.answers == {**ANSWERS, "gender_other": "anders", "age_band": 3}
    assert response.wave.label == "T0" and response.participant.code == "AB12"
    coordinator = dbsession.query(User).filter_by(username="coco").one()
    assert response.submitted_by_id == coordinator.id
    assert {s.scale: s.value for s in response.scores} == {"brs": 4.0, "gse": 30.0}


def test_group_and_language_stay_for_the_next_form(testapp, setup, dbsession):
    login(testapp)
    form = type_in(form_page(testapp, setup, "T1"), "K1")
    form["group"] = "comparison"
    form["language"] = "en"
    result = form.submit()
    assert result.forms["paper-form"]["group"].value == "comparison"
    assert result.forms["paper-form"]["language"].value == "en"
    [response] = stored(dbsession)
    assert response.language == "en" and response.wave.label == "T1"
    assert response.participant.group_name == "comparison"


def test_a_double_submit_stores_once(testapp, setup, dbsession):
    login(testapp)
    form = type_in(form_page(testapp, setup), "DUB1")
    form.submit()
    again = form.submit()
    assert "Already saved: DUB1" in again.text
    assert len(stored(dbsession)) == 1


def test_invalid_answers_keep_the_typed_values_and_link_each_error(testapp, setup, dbsession):
    login(testapp)
    page = form_page(testapp, setup)
    sid = page.forms["paper-form"]["submission_id"].value
    # gse_2 left blank is no problem: a blank on paper is stored as not answered.
    form = type_in(page, "FOUT1", brs_2="9", gse_1="veel", gse_2="")
    result = form.submit(status=400)
    summary = result.html.select_one(".error-summary")
    links = [a["href"] for a in summary.select("a")]
    assert links == ["#f-brs_2", "#f-gse_1"]
    assert "Correct 2 problems:" in summary.get_text()
    kept = result.forms["paper-form"]
    assert kept["participant_code"].value == "FOUT1"
    assert kept["brs_2"].value == "9" and kept["gse_1"].value == "veel"
    assert kept["submission_id"].value == sid
    assert result.html.select_one("#f-brs_2").has_attr("autofocus")  # the first problem
    assert not result.html.select_one("#f-participant_code").has_attr("autofocus")
    field = result.html.select_one("#f-brs_2")
    assert field["aria-invalid"] == "true" and "e-brs_2" in field["aria-describedby"]
    assert result.html.select_one("#e-brs_2").get_text(strip=True)
    assert stored(dbsession) == []
    assert dbsession.query(Participant).count() == 0
    # Corrected and sent again: stored under the same submission id.
    fixed = result.forms["paper-form"]
    for item in ("brs_2", "gse_1", "gse_2"):
        fixed[item] = str(ANSWERS[item])
    assert "Saved: FOUT1" in fixed.submit().text
    assert [r.submission_id for r in stored(dbsession)] == [sid]


def test_a_missing_participant_code_is_an_error(testapp, setup, dbsession):
    login(testapp)
    result = type_in(form_page(testapp, setup), "").submit(status=400)
    assert result.html.select_one(".error-summary a")["href"] == "#f-participant_code"
    assert "Fill in the participant code." in result.text
    assert stored(dbsession) == []


def test_a_malformed_participant_code_is_an_error(testapp, setup, dbsession):
    login(testapp)
    result = type_in(form_page(testapp, setup), "A B!").submit(status=400)
    assert "A participant code has 2 to 63 letters" in result.text
    assert stored(dbsession) == []


def test_already_answered_and_other_site_are_errors_on_the_code(testapp, setup, dbsession, tm):
    iv = setup.intervention
    for site, code in ((iv.sites[0], "HAD1"), (iv.sites[1], "ELDERS")):
        submit(dbsession, Submission(str(uuid.uuid4()), iv, site, iv.waves[0], code, ANSWERS))
    tm.commit()
    tm.begin()
    login(testapp)
    had = type_in(form_page(testapp, setup), "HAD1").submit(status=400)
    assert "Participant HAD1 already answered round T0" in had.text
    elders = type_in(form_page(testapp, setup), "elders").submit(status=400)
    assert "Participant ELDERS belongs to another site" in elders.text
    assert elders.forms["paper-form"]["brs_1"].value == str(ANSWERS["brs_1"])
    assert len(stored(dbsession)) == 2


def test_a_coordinator_of_another_site_cannot_type_in_here(testapp, setup, dbsession):
    login(testapp, "bea")
    testapp.get(f"{setup.base}/paper", params={"wave": "T0"}, status=404)
    own = testapp.get(f"/i/{setup.slug}/sites/{setup.other}/paper", params={"wave": "T0"})
    fields = {"csrf_token": csrf_token(own), "participant_code": "X1", **ANSWERS}
    testapp.post(f"{setup.base}/paper?wave=T0", fields, status=404)
    assert stored(dbsession) == []


def test_anonymous_goes_to_login_and_unknown_site_is_404(testapp, setup):
    assert testapp.get(f"{setup.base}/paper").status_int == 302
    login(testapp)
    testapp.get(f"/i/{setup.slug}/sites/nergens/paper", status=404)


def test_post_without_csrf_token_is_refused(testapp, setup, dbsession):
    login(testapp)
    fields = {"participant_code": "X1", "submission_id": str(uuid.uuid4()), **ANSWERS}
    testapp.post(f"{setup.base}/paper?wave=T0", fields, status=400)
    assert stored(dbsession) == []


def test_the_page_is_dutch_by_default(testapp, setup):
    login(testapp)
    testapp.get("/language/nl")
    page = form_page(testapp, setup)
    assert '<html lang="nl">' in page.text
    label = page.html.select_one("label[for=f-brs_1]").get_text(" ", strip=True)
    assert label == "5. Ik herstel meestal snel na moeilijke tijden."


def test_questions_are_numbered_across_the_form(testapp, setup):
    """1, 2, 3... over the whole form, demographics first: the numbers of the printed form."""
    login(testapp)
    labels = form_page(testapp, setup).html.select("fieldset.instrument .question > label")
    numbers = [label.get_text(strip=True).split(".")[0] for label in labels]
    assert numbers == [str(n) for n in range(1, len(labels) + 1)]
    assert len(labels) == 4 + 16  # four demographic questions, BRS 1-6, GSE 1-10


def test_the_error_summary_names_the_question_for_staff(testapp, setup):
    login(testapp)
    form = type_in(form_page(testapp, setup), "FOUT2", brs_2="9", gse_2="veel")
    result = form.submit(status=400)
    lines = [li.get_text(" ", strip=True) for li in result.html.select(".error-summary li")]
    assert (
        lines[0].startswith("Question 6 (")
        and "choose one of the answers (1, 2, 3, 4, 5)" in lines[0]
    )
    assert lines[1].startswith("Question 12 (")
    assert not any("brs_" in line or "gse_" in line for line in lines)
    assert result.html.select_one("#e-gse_2").get_text(strip=True).startswith("Choose one of")


def test_the_dutch_error_summary_speaks_to_staff(testapp, setup):
    """Dutch texts come from the catalogue: fails until the lead fills it (/tmp/tr/paper.json)."""
    login(testapp)
    testapp.get("/language/nl")
    result = type_in(form_page(testapp, setup), "FOUT3", gse_2="veel").submit(status=400)
    line = result.html.select_one(".error-summary li").get_text(" ", strip=True)
    assert line.startswith("Vraag 12 (")
    assert " u " not in f" {line} " and "gse_2" not in line
