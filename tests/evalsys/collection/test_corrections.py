"""Corrections, moves and voids with a reason: new versions, the audit log, 409 on a stale
version (also when two people change one response at the same moment), current versions only
in lists, analyses and exports; the service, the pages and the API."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy.orm import Session

from evalsys.audit.models import AuditEvent
from evalsys.collection import change_log, corrections, progress
from evalsys.collection import versions as response_versions
from evalsys.collection.corrections import CorrectionError, NotCurrent, Reason, WaveTaken
from evalsys.collection.models import Response, Score
from evalsys.collection.submission_errors import InvalidAnswers
from evalsys.collection.submissions import Submission, submit
from evalsys.db import get_engine, schema
from evalsys.db.transactions import get_session_factory
from evalsys.results import exports
from evalsys.results.evaluation import load_scores
from evalsys.settings import apply_environment

from .. import builders
from ..builders import BRS_ANSWERS

TYPO = Reason("typing_error", "brs_1 was typed as 1, the form says 5")


def stored(dbsession, iv, code="AB12", wave=0, answers=None, site=0, **extra) -> Response:
    result = submit(
        dbsession,
        Submission(
            submission_id=str(uuid.uuid4()),
            intervention=iv,
            site=iv.sites[site],
            wave=iv.waves[wave],
            participant_code=code,
            answers=dict(BRS_ANSWERS if answers is None else answers),
            mode="paper",
            **extra,
        ),
    )
    return dbsession.get(Response, result.response.id)


def brs(response: Response) -> float:
    return next(s.value for s in response.scores if s.instrument_key == "brs")


# --- the service ---------------------------------------------------------------------------


def test_a_correction_is_a_new_scored_version_and_keeps_the_old_one(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv)
    assert brs(old) == 4.0  # hand-scored in builders.BRS_ANSWERS
    new = corrections.correct(dbsession, old, {**BRS_ANSWERS, "brs_1": 1}, TYPO)
    dbsession.refresh(old)
    assert new.supersedes_id == old.id and new.superseded_at is None
    assert old.superseded_at is not None and old.voided_at is None
    assert old.answers["brs_1"] == 4 and new.answers["brs_1"] == 1
    # Re-scored by hand: (1 + 4 + 4 + 4 + 4 + 4) / 6 with items 2, 4, 6 reversed (6 - 2 = 4).
    assert brs(new) == pytest.approx(21 / 6)
    assert (new.participant_id, new.wave_id, new.submitted_at) == (
        old.participant_id,
        old.wave_id,
        old.submitted_at,
    )
    event = dbsession.query(AuditEvent).filter_by(action="response_corrected").one()
    assert event.target_id == str(old.id) and event.details["new_version"] == new.id
    assert event.details["changes"] == {"brs_1": [4, 1]}
    assert event.details["reason"] == "typing_error"
    assert event.details["reason_text"] == TYPO.text
    assert [v.id for v in response_versions.versions(dbsession, new)] == [old.id, new.id]
    assert response_versions.current_version(dbsession, old).id == new.id


def test_a_correction_is_validated_as_at_entry_and_nothing_is_stored_when_invalid(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv)
    with pytest.raises(InvalidAnswers) as caught:
        corrections.correct(dbsession, old, {**BRS_ANSWERS, "brs_1": 9}, TYPO)
    assert [e.field for e in caught.value.errors] == ["brs_1"]
    dbsession.refresh(old)
    assert old.superseded_at is None
    assert dbsession.query(Response).count() == 1


def test_a_correction_re_flags(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv, answers={**BRS_ANSWERS, "brs_1": 1})
    assert old.quality_flags == []
    same = {f"brs_{i}": 3 for i in range(1, 7)}  # the same answer everywhere
    new = corrections.correct(dbsession, old, same, TYPO)
    assert "brs:straight_lining" in new.quality_flags


def test_a_reason_is_required_and_other_needs_a_text():
    with pytest.raises(CorrectionError) as caught:
        Reason.parse("", "because")
    assert caught.value.field == "reason"
    with pytest.raises(CorrectionError) as caught:
        Reason.parse("other", "  ")
    assert caught.value.field == "reason_text"
    with pytest.raises(CorrectionError):
        Reason.parse("typing_error", "a\x00b")
    assert Reason.parse("other", " forgot ") == Reason("other", "forgot")


def test_a_stale_version_is_not_current_and_nothing_is_overwritten(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv)
    first = corrections.correct(dbsession, old, {**BRS_ANSWERS, "brs_1": 1}, TYPO)
    with pytest.raises(NotCurrent) as caught:
        corrections.correct(dbsession, old, {**BRS_ANSWERS, "brs_1": 2}, TYPO)
    assert caught.value.current.id == first.id
    assert dbsession.query(Response).count() == 2
    assert dbsession.query(AuditEvent).filter_by(action="response_corrected").count() == 1


def test_a_void_takes_a_response_out_and_frees_its_wave(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv)
    corrections.void(dbsession, old, Reason("entered_by_mistake"))
    dbsession.refresh(old)
    assert old.voided_at is not None and old.superseded_at is not None
    assert response_versions.current_version(dbsession, old) is None
    assert load_scores(dbsession, iv).empty
    again = stored(dbsession, iv)  # the participant may answer this wave again
    assert again.id != old.id
    with pytest.raises(NotCurrent) as caught:
        corrections.void(dbsession, old, Reason("entered_by_mistake"))
    assert caught.value.current is None
    assert dbsession.query(AuditEvent).filter_by(action="response_voided").count() == 1


def test_a_move_to_another_code_and_wave(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv, code="AB12")
    new = corrections.move(
        dbsession, old, Reason("wrong_participant_code"), participant_code="ab13", wave=iv.waves[1]
    )
    assert new.participant.code == "AB13" and new.wave_id == iv.waves[1].id
    assert new.participant.site_id == iv.sites[0].id and new.answers == old.answers
    event = dbsession.query(AuditEvent).filter_by(action="response_moved").one()
    assert event.details["moved"] == {"participant_code": ["AB12", "AB13"], "wave": ["T0", "T1"]}
    (site,) = progress.site_progress(dbsession, iv, site_ids={iv.sites[0].id})
    assert site.participants == 1  # AB12 has no current response left
    assert [w.responses for w in site.waves] == [0, 1]


def test_a_move_that_gives_two_responses_in_one_wave_is_refused(dbsession):
    iv = builders.intervention(dbsession)
    stored(dbsession, iv, code="AB12", wave=1)
    pre = stored(dbsession, iv, code="AB12", wave=0)
    with pytest.raises(WaveTaken) as caught:
        corrections.move(dbsession, pre, Reason("wrong_wave"), wave=iv.waves[1])
    assert "already has a response in wave T1" in caught.value.message
    other = stored(dbsession, iv, code="CD34", wave=0)
    with pytest.raises(WaveTaken):
        corrections.move(
            dbsession, other, Reason("wrong_participant_code"), participant_code="AB12"
        )
    assert dbsession.query(Response).filter(Response.superseded_at.is_(None)).count() == 3


def test_a_move_to_a_code_of_another_site_is_refused(dbsession):
    iv = builders.intervention(dbsession)
    stored(dbsession, iv, code="ZZ99", site=1)
    mine = stored(dbsession, iv, code="AB12")
    with pytest.raises(CorrectionError, match="another site"):
        corrections.move(dbsession, mine, Reason("wrong_participant_code"), participant_code="ZZ99")


def test_a_wrong_code_match_is_undone_and_an_ambiguous_one_confirmed(dbsession):
    """The fuzzy matching's links (participant_codes): undo and confirm are moves."""
    iv = builders.intervention(dbsession)
    pre = stored(dbsession, iv, code="M-J-17-2", code_elements=True)
    post = stored(dbsession, iv, code="M-J-17-3", wave=1, code_elements=True)
    assert post.participant_id == pre.participant_id  # linked despite one element
    undone = corrections.move(
        dbsession, post, Reason("wrong_code_match", "another child"), participant_code="M-J-17-3"
    )
    assert undone.participant.code == "M-J-17-3" and undone.quality_flags == []
    assert set(load_scores(dbsession, iv)["participant"]) == {"M-J-17-2", "M-J-17-3"}

    a = stored(dbsession, iv, code="A-B-01-1", code_elements=True)
    stored(dbsession, iv, code="A-B-02-2", code_elements=True)  # one element away as well
    ambiguous = stored(dbsession, iv, code="A-B-01-2", wave=1, code_elements=True)
    assert "code_match_ambiguous" in ambiguous.quality_flags
    confirmed = corrections.move(
        dbsession, ambiguous, Reason("wrong_code_match"), participant_code=a.participant.code
    )
    assert confirmed.participant_id == a.participant_id and confirmed.quality_flags == []
    pairs = load_scores(dbsession, iv).groupby("participant")["wave"].nunique()
    assert pairs["A-B-01-1"] == 2  # the pair follows: pre and post of one participant


def test_a_linked_code_keeps_the_code_on_the_form_so_the_link_can_be_undone(dbsession):
    """The code as entered is kept beside the link (entered_code), on every version that keeps
    the link, and the API shows it; undoing is a move to it."""
    iv = builders.intervention(dbsession)
    pre = stored(dbsession, iv, code="M-J-17-2", code_elements=True)
    post = stored(dbsession, iv, code="m-j-17-4", wave=1, code_elements=True)
    assert post.participant_id == pre.participant_id
    assert post.entered_code == "M-J-17-4"
    assert pre.entered_code is None  # an exact or new code keeps nothing extra
    fixed = corrections.correct(dbsession, post, dict(BRS_ANSWERS, brs_1=2), TYPO)
    assert fixed.entered_code == "M-J-17-4"
    assert "code_matched_with_one_difference" in fixed.quality_flags
    undone = corrections.move(
        dbsession, fixed, Reason("wrong_code_match"), participant_code=fixed.entered_code
    )
    assert undone.participant.code == "M-J-17-4" and undone.entered_code is None
    assert set(load_scores(dbsession, iv)["participant"]) == {"M-J-17-2", "M-J-17-4"}


def test_a_code_match_is_confirmed_by_a_move_to_where_the_response_is(dbsession):
    """Same person (a link with one difference) or a person of their own (near several): the
    new version drops the flag, stays where it was, and the audit log says it was confirmed."""
    iv = builders.intervention(dbsession)
    stored(dbsession, iv, code="M-J-17-2", code_elements=True)
    linked = stored(dbsession, iv, code="M-J-17-3", wave=1, code_elements=True)
    kept = corrections.move(
        dbsession,
        linked,
        Reason("wrong_code_match", "same child, misremembered"),
        participant_code=linked.participant.code,
    )
    assert kept.participant_id == linked.participant_id and kept.wave_id == linked.wave_id
    assert kept.quality_flags == [] and kept.entered_code is None

    stored(dbsession, iv, code="A-B-01-1", code_elements=True)
    stored(dbsession, iv, code="A-B-02-2", code_elements=True)
    ambiguous = stored(dbsession, iv, code="A-B-01-2", wave=1, code_elements=True)
    own = corrections.move(
        dbsession,
        ambiguous,
        Reason("wrong_code_match", "a new child"),
        participant_code="A-B-01-2",
    )
    assert own.participant.code == "A-B-01-2" and own.quality_flags == []
    assert response_versions.match_candidates(dbsession, own) == []
    event = (
        dbsession.query(AuditEvent)
        .filter_by(action="response_moved", target_id=str(ambiguous.id))
        .one()
    )
    assert event.details["code_match_confirmed"] is True
    assert event.details["moved"]["participant_code"] == ["A-B-01-2", "A-B-01-2"]
    rows = [
        r for r in change_log.change_log(dbsession, iv) if r["response_id"] == str(ambiguous.id)
    ]
    assert [(r["item"], r["old"], r["new"]) for r in rows] == [
        ("code_match", "flagged", "confirmed")
    ]
    # Without a code flag, the same "move" is still nothing to do.
    with pytest.raises(CorrectionError, match="nothing to move"):
        corrections.move(dbsession, own, Reason("wrong_code_match"), participant_code="A-B-01-2")


def test_analyses_and_exports_use_the_current_version_only(dbsession):
    iv = builders.intervention(dbsession)
    old = stored(dbsession, iv, code="AB12")
    stored(dbsession, iv, code="CD34")
    corrections.correct(dbsession, old, {**BRS_ANSWERS, "brs_1": 1}, TYPO)
    frame = load_scores(dbsession, iv)
    brs_ab12 = frame[(frame.participant == "AB12") & (frame.scale == "brs.brs")]["score"]
    assert list(brs_ab12) == [pytest.approx(21 / 6)]
    rows = list(exports.records(dbsession, iv, exports.layout(iv)))
    assert len(rows) == 2 and exports.count_responses(dbsession, iv) == 2
    row = next(r for r in rows if r["participant_code"] == "AB12")
    assert row["brs_1"] == 1
    log = list(change_log.change_log(dbsession, iv))
    assert [(r["action"], r["participant_code"], r["item"], r["old"], r["new"]) for r in log] == [
        ("response_corrected", "AB12", "brs_1", "4", "1")
    ]


# --- two people at the same moment ---------------------------------------------------------


def at_once(scratch_database, seed, change) -> tuple[list[str], object]:
    """Seed a fresh database, then run ``change(session, response_id, n)`` for n = 0, 1 in two
    threads at one moment, each in its own transaction; returns the outcomes and the factory."""
    settings = apply_environment(dict(scratch_database))
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    factory = get_session_factory(engine)
    with factory() as session, session.begin():
        ids = seed(session)
    postgres = engine.dialect.name == "postgresql"
    start, loaded = threading.Barrier(2, timeout=20), threading.Barrier(2, timeout=20)
    outcomes: list[str] = []

    def run(n: int) -> None:
        session: Session = factory()
        try:
            start.wait()
            with session.begin():
                response = session.get(Response, ids[n])
                if postgres:
                    # Both read the same current version before either writes; on SQLite a
                    # transaction holds the write lock from its first statement (BEGIN
                    # IMMEDIATE), so the second one reads after the first committed.
                    loaded.wait()
                change(session, response, n)
            outcomes.append("stored")
        except NotCurrent as error:
            outcomes.append(f"not current, current is {error.current.supersedes_id}")
        except WaveTaken:
            outcomes.append("wave taken")
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes), factory, engine


def test_two_simultaneous_corrections_store_one_and_the_other_is_not_current(scratch_database):
    def seed(session):
        response_id = stored(session, builders.intervention(session)).id
        return [response_id, response_id]

    def change(session, response, n):
        corrections.correct(session, response, {**BRS_ANSWERS, "brs_1": n + 1}, TYPO)

    outcomes, factory, engine = at_once(scratch_database, seed, change)
    with factory() as session:
        rows = session.query(Response).order_by(Response.id).all()
        assert outcomes == [f"not current, current is {rows[0].id}", "stored"]
        assert len(rows) == 2 and rows[1].supersedes_id == rows[0].id
        assert rows[0].answers["brs_1"] == 4  # kept
        assert session.query(AuditEvent).filter_by(action="response_corrected").count() == 1
        assert session.query(Score).filter_by(response_id=rows[1].id).count() > 0
    engine.dispose()


def test_two_simultaneous_moves_into_one_wave_store_one(scratch_database):
    def seed(session):
        iv = builders.intervention(session)
        stored(session, iv, code="AB12", wave=1)
        return [stored(session, iv, code=code).id for code in ("CD34", "EF56")]

    def change(session, response, n):
        corrections.move(
            session, response, Reason("wrong_participant_code"), participant_code="AB12"
        )

    outcomes, factory, engine = at_once(scratch_database, seed, change)
    assert outcomes == ["stored", "wave taken"]
    with factory() as session:
        current = session.query(Response).filter(Response.superseded_at.is_(None)).all()
        placed = sorted((r.participant.code, r.wave.label) for r in current)
        assert placed[:2] == [("AB12", "T0"), ("AB12", "T1")] and len(placed) == 3
        assert placed[2] in {("CD34", "T0"), ("EF56", "T0")}  # the other one stayed
        assert session.query(AuditEvent).filter_by(action="response_moved").count() == 1
    engine.dispose()
