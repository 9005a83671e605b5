"""The submission service: validation, scores, idempotency, already answered, code matching."""

from __future__ import annotations

import uuid

import pytest

from evalsys.collection.models import Participant, Response, Score
from evalsys.collection.response_inserts import RESPONSE_COLUMNS, insert_response
from evalsys.collection.submission_errors import (
    AlreadyAnswered,
    InvalidAnswers,
    SubmissionConflict,
    SubmissionError,
    SubmissionIdReused,
    WrongSite,
)
from evalsys.collection.submissions import Submission, stored_response, submit
from evalsys.programme import questionnaires

from .. import builders
from ..builders import BRS_ANSWERS


def make(iv, code="AB12", wave=0, site=0, answers=None, **extra) -> Submission:
    return Submission(
        submission_id=extra.pop("submission_id", str(uuid.uuid4())),
        intervention=iv,
        site=iv.sites[site],
        wave=iv.waves[wave],
        participant_code=code,
        answers=dict(BRS_ANSWERS if answers is None else answers),
        **extra,
    )


def test_a_valid_submission_stores_the_response_and_its_scores(dbsession):
    iv = builders.intervention(dbsession)
    stored = submit(dbsession, make(iv))
    assert stored.created
    # Smith et al. (2008): mean of six items after reversing 2, 4, 6 -> all 4 -> 4.0, "normal".
    assert stored.scores == {"brs": {"brs": 4.0}}
    score = dbsession.query(Score).filter_by(response_id=stored.response.id).one()
    assert (score.value, score.items_answered, score.band) == (4.0, 6, "normal")
    assert stored.response.instruments["brs"] == "1.1"  # the newest bundled version


def test_every_scale_of_every_instrument_is_stored_with_the_response_or_none_is(dbsession):
    # GSE: sum of ten items scored 1-4 (Scholz et al. 2002), all 3 -> 30. De Jong Gierveld
    # 6-item scale (De Jong Gierveld & Van Tilburg 2006), answers dichotomised by the items'
    # published scores: 1 ("ja") counts on items 1, 4, 6 (emotional), 3 ("nee") on 2, 3, 5
    # (social) -> every item counts: total 6, emotional 3, social 3.
    iv = builders.intervention(dbsession, instruments=(("gse", None), ("djg6", None)))
    answers = {f"gse_{i}": 3 for i in range(1, 11)}
    answers |= {"djg_1": 1, "djg_4": 1, "djg_6": 1, "djg_2": 3, "djg_3": 3, "djg_5": 3}
    stored = submit(dbsession, make(iv, answers=answers))
    rows = {
        (s.instrument_key, s.scale): (s.value, s.items_answered, s.band)
        for s in dbsession.query(Score).filter_by(response_id=stored.response.id)
    }
    assert rows == {
        ("gse", "gse"): (30.0, 10, None),  # no published cut-offs, so no bands
        ("djg6", "djg_total"): (6.0, 6, "severely_lonely"),
        ("djg6", "djg_emotional"): (3.0, 3, "strongly_lonely"),
        ("djg6", "djg_social"): (3.0, 3, "strongly_lonely"),
    }
    with pytest.raises(AlreadyAnswered):  # the same participant and wave: refused, no scores
        submit(dbsession, make(iv, answers=answers))
    assert dbsession.query(Score).count() == 4


def test_a_scale_without_a_score_is_stored_with_an_empty_value(dbsession):
    # Library items are all required, so a scale goes unscored only in an instrument of one's
    # own with optional items; the store must take an empty value and band all the same.
    iv = builders.intervention(dbsession)
    first = submit(dbsession, make(iv)).response
    values = {name: getattr(first, name) for name in RESPONSE_COLUMNS if hasattr(first, name)}
    values |= {"submission_id": str(uuid.uuid4()), "wave_id": iv.waves[1].id}
    values["submitted_by_id"] = None
    empty = {"instrument_key": "brs", "scale": "brs", "value": None, "items_answered": 2}
    response_id = insert_response(dbsession, values, [{**empty, "band": None}])
    score = dbsession.query(Score).filter_by(response_id=response_id).one()
    assert (score.value, score.items_answered, score.band) == (None, 2, None)


def test_a_repeated_submission_id_returns_the_stored_response(dbsession):
    iv = builders.intervention(dbsession)
    first = make(iv)
    stored = submit(dbsession, first)
    again = submit(dbsession, make(iv, submission_id=first.submission_id))
    assert not again.created
    assert again.response.id == stored.response.id
    assert dbsession.query(Response).count() == 1


def test_submission_id_is_normalised_so_case_does_not_make_a_duplicate(dbsession):
    iv = builders.intervention(dbsession)
    sid = str(uuid.uuid4())
    submit(dbsession, make(iv, submission_id=sid))
    again = submit(dbsession, make(iv, submission_id=sid.upper()))
    assert not again.created


def test_invalid_answers_are_refused_and_nothing_is_stored(dbsession):
    iv = builders.intervention(dbsession)
    answers = dict(BRS_ANSWERS, brs_1=9, brs_2="twee", onbekend=1)
    with pytest.raises(InvalidAnswers) as caught:
        submit(dbsession, make(iv, answers=answers))
    codes = {(d["field"], d["code"]) for d in caught.value.details}
    assert {
        ("brs_1", "invalid_option"),
        ("brs_2", "wrong_type"),
        ("onbekend", "unknown_item"),
    } <= codes
    assert dbsession.query(Response).count() == 0
    assert dbsession.query(Participant).count() == 0


def test_a_second_response_for_the_same_wave_is_refused(dbsession):
    iv = builders.intervention(dbsession)
    submit(dbsession, make(iv, code="XY99"))
    with pytest.raises(AlreadyAnswered):
        submit(dbsession, make(iv, code="XY99"))
    # The next wave is fine.
    assert submit(dbsession, make(iv, code="XY99", wave=1)).created


def test_a_code_from_another_site_is_refused(dbsession):
    iv = builders.intervention(dbsession)
    submit(dbsession, make(iv, code="SITEA1", site=0))
    with pytest.raises(WrongSite):
        submit(dbsession, make(iv, code="SITEA1", site=1, wave=1))


def test_a_submission_id_reused_for_another_wave_is_an_error(dbsession):
    iv = builders.intervention(dbsession)
    first = make(iv)
    submit(dbsession, first)
    with pytest.raises(SubmissionError, match="already used"):
        submit(dbsession, make(iv, wave=1, submission_id=first.submission_id))


def test_a_malformed_submission_id_is_an_error(dbsession):
    iv = builders.intervention(dbsession)
    with pytest.raises(SubmissionError, match="UUID"):
        submit(dbsession, make(iv, submission_id="123"))


def test_self_generated_code_with_one_differing_element_links_to_the_earlier_participant(
    dbsession,
):
    iv = builders.intervention(dbsession)
    pre = submit(dbsession, make(iv, code="M-J-17-2", code_elements=True))
    post = submit(dbsession, make(iv, code="M-J-17-3", wave=1, code_elements=True))
    assert post.response.participant_id == pre.response.participant_id
    assert "code_matched_with_one_difference" in post.response.quality_flags


def test_ambiguous_self_generated_code_starts_a_new_participant_and_is_flagged(dbsession):
    iv = builders.intervention(dbsession)
    a = submit(dbsession, make(iv, code="M-J-17-2", code_elements=True))
    b = submit(dbsession, make(iv, code="M-K-17-3", code_elements=True))
    post = submit(dbsession, make(iv, code="M-J-17-3", wave=1, code_elements=True))
    assert post.response.participant_id not in {
        a.response.participant_id,
        b.response.participant_id,
    }
    assert "code_match_ambiguous" in post.response.quality_flags


def test_quality_flags_are_stored(dbsession):
    iv = builders.intervention(dbsession)
    straight = {f"brs_{i}": 5 for i in range(1, 7)}
    stored = submit(dbsession, make(iv, answers=straight))
    assert "brs:straight_lining" in stored.response.quality_flags


def test_a_submission_id_sent_again_with_another_new_code_is_a_conflict_and_leaves_nothing(
    dbsession,
):
    # The response is refused by its submission_id only after the new code's participant was
    # inserted (the happy path inserts first and asks afterwards): that row must go again.
    iv = builders.intervention(dbsession)
    first = make(iv, code="FIRST1")
    submit(dbsession, first)
    with pytest.raises(SubmissionConflict):
        submit(dbsession, make(iv, code="OTHER2", submission_id=first.submission_id))
    assert [p.code for p in dbsession.query(Participant)] == ["FIRST1"]


def test_a_submission_id_sent_again_with_other_answers_is_a_conflict_not_the_first_version(
    dbsession,
):
    # Also when the other answers would not validate (an answer out of range): a known
    # submission_id with other content is not a retry, and the client must not be told
    # "stored" for answers that were not.
    iv = builders.intervention(dbsession)
    first = make(iv)
    submit(dbsession, first)
    for answers in ({**BRS_ANSWERS, "brs_1": 5}, {**BRS_ANSWERS, "brs_1": 9}):
        with pytest.raises(SubmissionConflict) as caught:
            submit(dbsession, make(iv, submission_id=first.submission_id, answers=answers))
        assert caught.value.details == [
            {"field": "submission_id", "code": "conflict", "message": "stored differently"}
        ]
    assert [r.answers for r in dbsession.query(Response)] == [BRS_ANSWERS]


def test_a_retry_with_the_same_answers_is_answered_even_if_it_would_not_validate_now(
    dbsession,
):
    # The questionnaire gained an instrument after the first try: the same answers no longer
    # validate, yet they are what was stored, so the client gets the stored response.
    iv = builders.intervention(dbsession)
    first = make(iv)
    stored = submit(dbsession, first)
    questionnaires.save_version(
        dbsession, iv, questionnaires.build(iv, [("brs", None), ("gse", None)])
    )
    again = submit(dbsession, make(iv, submission_id=first.submission_id))
    assert not again.created and again.response.id == stored.response.id
    assert again.scores == stored.scores
    assert dbsession.query(Response).count() == 1


def test_a_retry_of_a_self_generated_code_linked_despite_one_element_is_a_retry(dbsession):
    iv = builders.intervention(dbsession)
    submit(dbsession, make(iv, code="M-J-17-2", code_elements=True))
    post = make(iv, code="M-J-17-3", wave=1, code_elements=True)
    stored = submit(dbsession, post)
    assert stored.response.participant_code == "M-J-17-2"
    again = submit(
        dbsession,
        make(iv, code="M-J-17-3", wave=1, code_elements=True, submission_id=post.submission_id),
    )
    assert not again.created and again.response.id == stored.response.id


def test_a_submission_id_of_another_site_is_refused_without_its_response(dbsession):
    # Whoever may submit at site B must not read site A's response by sending its id.
    iv = builders.intervention(dbsession)
    first = make(iv, code="SITEA1", site=0)
    submit(dbsession, first)
    for code in ("SITEA1", "SITEB1"):
        with pytest.raises(SubmissionIdReused) as caught:
            submit(dbsession, make(iv, code=code, site=1, submission_id=first.submission_id))
        assert "SITEA1" not in caught.value.message
    assert [p.code for p in dbsession.query(Participant)] == ["SITEA1"]


def test_a_retry_on_postgresql_is_answered_by_the_one_statement_that_was_refused(
    dbsession, monkeypatch
):
    if dbsession.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite stores and reads back in statements of their own")
    import psycopg

    iv = builders.intervention(dbsession, instruments=(("brs", None), ("gse", None)))
    answers = {**BRS_ANSWERS, **{f"gse_{i}": 3 for i in range(1, 11)}}
    first = make(iv, answers=answers)
    stored = submit(dbsession, first)
    dbsession.flush()
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):
        sent.append(str(query))
        return execute(cursor, query, *args, **kwargs)

    current = questionnaires.current(dbsession, iv.id)  # as the API's link brings it
    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    again = submit(
        dbsession,
        make(iv, answers=answers, submission_id=first.submission_id, questionnaire=current),
    )
    monkeypatch.undo()
    assert len(sent) == 1
    assert not again.created
    assert again.response == stored_response(dbsession, first.submission_id)
    assert again.scores == stored.scores == {"brs": {"brs": 4.0}, "gse": {"gse": 30.0}}
    # A reuse at another wave is told apart by the same one statement's answer.
    with pytest.raises(SubmissionIdReused):
        submit(dbsession, make(iv, answers=answers, wave=1, submission_id=first.submission_id))


def test_the_one_storing_statement_stays_short_enough_for_psycopg_to_keep_it_converted():
    # Longer than this, psycopg converts its text again on every execution: +0.6 million
    # instructions per submission, three times what answering a retry in it saves.
    from psycopg import _queries
    from sqlalchemy import create_engine

    from evalsys.collection.response_inserts import _PARTICIPANT_RESPONSE_WITH_SCORES

    dialect = create_engine("postgresql+psycopg://").dialect
    sql = _PARTICIPANT_RESPONSE_WITH_SCORES.plan(dialect, {}).sql
    assert len(sql) <= _queries.MAX_CACHED_STATEMENT_LENGTH
