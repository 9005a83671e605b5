"""The one way answers get in: validate with surveys, store Response + Scores, idempotently.

The participant web survey, paper entry, spreadsheet import and the JSON API all call
:func:`submit`. A retried submission (same ``submission_id``, same place, same answers) returns
the stored response and never makes a second row, also when two copies arrive at the same
moment. The same ``submission_id`` at another site, wave or intervention is
:class:`SubmissionIdReused`, with other answers or another participant :class:`SubmissionConflict`:
neither says anything of the stored response.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, exists, select

from evalsys.accounts.models import User
from evalsys.collection import issued_codes
from evalsys.collection.models import TEST_CODE_PREFIX, Participant, Response, Score
from evalsys.collection.participant_codes import (
    CodeError,
    Person,
    clean_code,
    differs_in_one_element,
    participant_values,
    resolve,
)
from evalsys.collection.response_inserts import (
    STORED_RECORD,
    insert_response,
    insert_with_participant,
)
from evalsys.collection.submission_errors import (
    AlreadyAnswered,
    CodeNotIssued,
    InvalidAnswers,
    SubmissionConflict,
    SubmissionError,
    SubmissionIdReused,
    WrongSite,
)
from evalsys.db.meta import utcnow
from evalsys.db.statements import Prepared, dialect_name, execute
from evalsys.json_text import decode, encode
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.webhooks import events as webhooks

#: The ways in whose answers were given elsewhere (on paper), where a blank is an answer.
BLANKS_ALLOWED_MODES = ("paper", "import")


@dataclass
class Submission:
    """Everything one submission carries, whichever way it came in.

    Of ``intervention``, ``site`` and ``wave`` only the ids (and the wave's label) are read, so
    the ORM rows or any object with those attributes will do (the API passes a light one).
    """

    submission_id: str
    intervention: Intervention
    site: Site
    wave: Wave
    participant_code: str
    answers: dict
    language: str = "nl"
    mode: str = "web"
    group: str = "intervention"
    duration_seconds: int | None = None
    submitted_by: User | None = None
    consent_by: str | None = None
    consent_at: dt.datetime | None = None
    code_elements: bool = False  # a self-generated code: tolerate one differing element
    issued_only: bool = False  # the wave takes only codes issued for the site (issued_codes)
    submitted_at: dt.datetime | None = None  # when answered on paper or offline; default now
    received_at: dt.datetime | None = None  # when it arrived: now (the demo sets its own)
    questionnaire: questionnaires.Current | None = None  # the current version, if known already
    # Staff testing a link (evalsys.privacy.test_responses): stored for the participant
    # TEST:<code>, matched exactly, announced to no webhook, counted nowhere.
    test: bool = False


@dataclass(frozen=True)
class StoredResponse:
    """A stored response as the submission path knows it, without loading ORM objects."""

    id: int
    submission_id: str
    intervention_id: int
    participant_id: int
    participant_code: str
    participant_site_id: int
    group: str
    wave_id: int
    questionnaire_id: int
    answers: dict
    instruments: dict
    language: str
    mode: str
    duration_seconds: int | None
    quality_flags: list
    submitted_at: dt.datetime
    supersedes_id: int | None = None
    superseded_at: dt.datetime | None = None
    entered_code: str | None = None
    received_at: dt.datetime | None = None
    test: bool = False


@dataclass
class Stored:
    response: StoredResponse
    created: bool
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    matched_fuzzily: bool = False
    questionnaire_version: int | None = None  # known when created; a retry reads it if needed


def assess(questionnaire, answers, duration_seconds, *, mode: str, language: str):
    """The answers validated, scored and flagged as those of a response that came in by
    ``mode``; :class:`InvalidAnswers` (in ``language``) when any of them is wrong.

    Paper and import bring what a participant answered elsewhere: a required question left
    empty there is stored as not answered. The survey, the API and ODK ask again instead. A
    correction is judged by the way its response came in.
    """
    assessment = questionnaire.assess(
        answers, duration_seconds, blanks_allowed=mode in BLANKS_ALLOWED_MODES
    )
    if assessment.errors:
        raise InvalidAnswers(assessment.errors, language)
    return assessment


def flag_names(assessment) -> set[str]:
    """The stored form of an assessment's quality flags: ``<block>:<flag>``."""
    return {f"{block}:{flag}" for block, names in assessment.flags.items() for flag in names}


def normalise_submission_id(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise SubmissionError(
            "submission_id must be a UUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            [{"field": "submission_id", "code": "wrong_type", "message": "not a UUID"}],
        ) from None


def submit(db, submission: Submission) -> Stored:
    """Validate and store one submission; a known ``submission_id`` returns the stored response.

    ``db`` is the request's session, or a connection in autocommit (PostgreSQL; see
    models.core.direct_connection): the response is then stored by one statement, which is
    atomic by itself. The hot path of every way in, so it is written in SQL expressions rather
    than ORM objects, and it asks the database only what it must: on PostgreSQL one query for
    the current questionnaire (none when the caller brings it) and one statement for the
    participant, the response and its scores (see response_inserts). Unique rules, not
    savepoints or look-ups beforehand, settle retries and races: an INSERT that a unique rule
    refuses inserts nothing, and only then, or when the submission cannot be stored, is the
    ``submission_id`` looked up, so that a retry is always answered with the stored response.
    """
    submission.submission_id = normalise_submission_id(submission.submission_id)
    if submission.issued_only:
        # As printed, so that ``abcd efg`` is the participant ABCD-EFG, also for a retry.
        try:
            submission.participant_code = issued_codes.as_printed(submission.participant_code)
        except issued_codes.NotAnIssuedCode as error:
            raise CodeNotIssued(error) from None
    try:
        return _store_or_replay(db, submission)
    except _CodeMadeMeanwhile:
        # Another submission made this code's participant as this one was stored: the
        # statement's snapshot could not see it, the next statement's can.
        return _store_or_replay(db, submission)


def _store_or_replay(db, submission: Submission) -> Stored:
    try:
        return _store(db, submission)
    except SubmissionError:
        existing = stored_response(db, submission.submission_id)
        if existing is None:
            raise
        return _replay(db, existing, submission)


class _CodeMadeMeanwhile(SubmissionError):
    """Another submission made this code's participant while this one was being stored."""

    def __init__(self):
        super().__init__("this participant code was registered at the same moment; send again")


def _store(db, submission: Submission) -> Stored:
    current = submission.questionnaire or questionnaires.current(db, submission.intervention.id)
    if current is None:
        raise SubmissionError("this intervention has no questionnaire yet; ask the evaluator")
    questionnaire = current.questionnaire
    assessment = assess(
        questionnaire,
        submission.answers,
        submission.duration_seconds,
        mode=submission.mode,
        language=submission.language,
    )
    code = _clean_code(submission)
    if submission.test:
        code = _test_code(code)
    elif submission.issued_only:
        try:
            issued_codes.checked(db, submission.intervention.id, submission.site.id, code)
        except issued_codes.NotAnIssuedCode as error:
            raise CodeNotIssued(error) from None
    scores = assessment.scores
    score_rows = [
        {
            "instrument_key": instrument_id,
            "scale": scale_id,
            "value": score.value,
            "items_answered": score.items_answered,
            "band": score.band,
        }
        for instrument_id, by_scale in scores.items()
        for scale_id, score in by_scale.items()
    ]
    flags = flag_names(assessment)
    now = utcnow()
    values = {
        "submission_id": submission.submission_id,
        "intervention_id": submission.intervention.id,
        "wave_id": submission.wave.id,
        "questionnaire_id": current.id,
        "answers": dict(submission.answers),
        "instruments": {b.id: b.version for b in questionnaire.blocks},
        "language": submission.language,
        "mode": submission.mode,
        "duration_seconds": submission.duration_seconds,
        "quality_flags": sorted(flags),
        # In UTC, as the database gives it back: a retry then answers exactly as the first.
        "submitted_at": (submission.submitted_at or now).astimezone(dt.UTC),
        "received_at": submission.received_at or now,
        "submitted_by_id": getattr(submission.submitted_by, "id", None),
        "entered_code": None,
        "test": submission.test,
    }
    if dialect_name(db) == "postgresql" and (submission.test or not submission.code_elements):
        placed = insert_with_participant(
            db, participant_values(submission, code), values, score_rows
        )
        if placed is None:
            raise _CodeMadeMeanwhile()
        if placed.stored is not None:
            # The submission_id was stored before (a retry, or a reuse): the statement refused
            # the response and brought the stored one back, as _store_or_replay would read it.
            scores: dict[str, dict[str, float | None]] = {}
            for key, scale, value in placed.stored_scores:
                scores.setdefault(key, {})[scale] = value
            return _replay(db, StoredResponse(*placed.stored), submission, scores)
        person = Person(*placed.participant)
        how = "new" if placed.created_participant else "exact"
        _check_site(person, submission)
        response_id = placed.response_id
    else:
        resolution = resolve(db, submission, code)
        person, how = resolution.participant, resolution.how
        _check_site(person, submission)
        values["quality_flags"] = sorted(flags | _CODE_FLAGS.get(how, set()))
        if how == "one_difference":
            values["entered_code"] = code  # kept, so that a wrong link can be undone
        response_id = insert_response(db, {**values, "participant_id": person.id}, score_rows)
    if response_id is None:
        # A unique rule refused it: the same submission_id arrived earlier (submit() answers
        # it as a retry), or this participant answered this wave already.
        if how in ("new", "new_ambiguous"):
            # Made by this very call for a retry that carried another code: leave no trace.
            execute(db, _DELETE_PARTICIPANT, {"id": person.id})
        raise AlreadyAnswered(
            f"participant {person.code} already answered {submission.wave.label}; "
            "correct or move the stored response instead"
        )
    record = StoredResponse(
        id=response_id,
        participant_id=person.id,
        participant_code=person.code,
        participant_site_id=person.site_id,
        group=person.group,
        **{k: v for k, v in values.items() if k != "submitted_by_id"},
    )
    score_map = {key: {scale: s.value for scale, s in by.items()} for key, by in scores.items()}
    if getattr(submission.intervention, "webhooks", False) and not submission.test:
        _tell_webhooks(db, submission, record, score_map)
    return Stored(record, True, score_map, how == "one_difference", current.version)


def _tell_webhooks(db, submission: Submission, record: StoredResponse, scores: dict) -> None:
    """The ``response.stored`` event, in the response's transaction (evalsys.webhooks).

    Only for an intervention with webhooks, whose callers then store through the session, not
    in autocommit (evalsys.api.responses), so that the event and the response commit together.
    """
    webhooks.raise_event(
        db,
        "response.stored",
        intervention_id=record.intervention_id,
        site_id=record.participant_site_id,
        payload=webhooks.response_payload(
            response_id=record.id,
            participant_code=record.participant_code,
            wave=submission.wave.label,
            mode=record.mode,
            submitted_at=record.submitted_at,
            answers=record.answers,
            scores=scores,
        ),
    )


_CODE_FLAGS = {
    "one_difference": {"code_matched_with_one_difference"},
    "new_ambiguous": {"code_match_ambiguous"},
}


def _clean_code(submission: Submission) -> str:
    try:
        return clean_code(submission.participant_code)
    except CodeError as error:
        raise SubmissionError(
            str(error), [{"field": "participant_code", "code": "invalid", "message": str(error)}]
        ) from None


def _test_code(code: str) -> str:
    if len(TEST_CODE_PREFIX + code) > 64:  # the column's length
        raise SubmissionError(
            "a test response takes a code of at most 59 characters; use a shorter one",
            [{"field": "participant_code", "code": "too_long", "message": "at most 59"}],
        )
    return TEST_CODE_PREFIX + code


def _check_site(person: Person, submission: Submission) -> None:
    if person.site_id != submission.site.id:
        raise WrongSite(
            f"participant code {submission.participant_code} belongs to another site; "
            "check the code"
        )


_RECORD = STORED_RECORD  # StoredResponse's fields in order


# Built once: constructing a statement costs more CPU than running it.
_BY_SUBMISSION_ID = Prepared(
    select(*_RECORD)
    .join(Participant, Participant.id == Response.participant_id)
    .where(Response.submission_id == bindparam("submission_id"))
)
_SCORES_OF = Prepared(
    select(Score.instrument_key, Score.scale, Score.value).where(
        Score.response_id == bindparam("response_id")
    )
)
# Guarded: in autocommit the participant was visible to other submissions for a moment.
_DELETE_PARTICIPANT = Prepared(
    delete(Participant.__table__).where(
        Participant.__table__.c.id == bindparam("id"),
        ~exists().where(Response.participant_id == bindparam("id")),
    )
)


def stored_response(db, submission_id: str) -> StoredResponse | None:
    """The stored response with this submission_id, or None."""
    row = execute(db, _BY_SUBMISSION_ID, {"submission_id": submission_id}).first()
    return None if row is None else StoredResponse(*row)


def _replay(db, existing: StoredResponse, submission: Submission, scores=None) -> Stored:
    """The stored response as the answer to a retry of it; only a retry may read it back.

    Asked only once the INSERT was refused, so the comparisons cost nothing on the way of a
    new submission. ``scores``: the stored response's, when the refused statement brought them.
    """
    if (existing.intervention_id, existing.wave_id, existing.participant_site_id) != (
        submission.intervention.id,
        submission.wave.id,
        submission.site.id,
    ):
        # Whoever may submit for this link's site need not see another site's response.
        raise SubmissionIdReused()
    if not _same_submission(existing, submission):
        raise SubmissionConflict()
    if scores is None:
        scores = {}
        for key, scale, value in execute(db, _SCORES_OF, {"response_id": existing.id}):
            scores.setdefault(key, {})[scale] = value
    return Stored(existing, False, scores)


def _same_submission(existing: StoredResponse, submission: Submission) -> bool:
    """Whether ``submission`` carries what was stored: the same answers, the same participant."""
    # As stored: the JSON column gives back lists for tuples, and drops nothing else.
    if decode(encode(submission.answers)) != existing.answers:
        return False
    try:
        code = clean_code(submission.participant_code)
    except CodeError:
        return False
    if submission.test != existing.test:
        return False
    if submission.test:
        code = TEST_CODE_PREFIX + code
    if code == existing.participant_code:
        return True
    # A self-generated code that was linked to an earlier participant despite one element.
    return "code_matched_with_one_difference" in existing.quality_flags and (
        differs_in_one_element(code, existing.participant_code)
    )
