"""The one way answers get in: validate with surveys, store Response + Scores, idempotently.

The participant web survey, paper entry, spreadsheet import and the JSON API all call
:func:`submit`. A retried submission (same ``submission_id``) returns the stored response and
never makes a second row, also when two copies arrive at the same moment.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy import bindparam, delete, select

import surveys

from ..models import Intervention, Participant, Response, Score, Site, User, Wave, utcnow
from ..models.core import Prepared, execute
from . import questionnaires
from .participant_codes import CodeError, resolve
from .response_inserts import RESPONSE_COLUMNS, insert_response


class SubmissionError(Exception):
    """The submission cannot be stored; ``code`` is stable, the message says what to do."""

    code = "invalid_submission"

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidAnswers(SubmissionError):
    code = "invalid_answers"

    def __init__(self, errors: list[surveys.FieldError], language: str = "nl"):
        self.errors = errors
        super().__init__(
            f"{len(errors)} answer(s) are not valid; correct them and send again",
            [{"field": e.field, "code": e.code, "message": e.text(language)} for e in errors],
        )


class AlreadyAnswered(SubmissionError):
    code = "already_answered"


class WrongSite(SubmissionError):
    code = "participant_at_other_site"


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
    submitted_at: dt.datetime | None = None  # when answered on paper or offline; default now
    questionnaire: questionnaires.Current | None = None  # the current version, if known already


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


@dataclass
class Stored:
    response: StoredResponse
    created: bool
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    matched_fuzzily: bool = False
    questionnaire_version: int | None = None  # known when created; a retry reads it if needed


def normalise_submission_id(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise SubmissionError(
            "submission_id must be a UUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            [{"field": "submission_id", "code": "wrong_type", "message": "not a UUID"}],
        ) from None


def submit(dbsession, submission: Submission) -> Stored:
    """Validate and store one submission; a known ``submission_id`` returns the stored response.

    The hot path of every way in, so it is written in SQL expressions rather than ORM objects,
    and it asks the database only what it must: on the happy path one query for the current
    questionnaire (none when the caller brings it), one INSERT (or a SELECT) for the
    participant, and one INSERT for the response with its scores (two on SQLite; see
    response_inserts). Unique rules, not savepoints or look-ups beforehand, settle retries and
    races: an INSERT that a unique rule refuses inserts nothing, and only then, or when the
    submission cannot be stored, is the ``submission_id`` looked up, so that a retry is always
    answered with the stored response.
    """
    submission.submission_id = normalise_submission_id(submission.submission_id)
    try:
        return _store(dbsession, submission)
    except SubmissionError:
        existing = stored_response(dbsession, submission.submission_id)
        if existing is None:
            raise
        return _replay(dbsession, existing, submission)


def _store(dbsession, submission: Submission) -> Stored:
    current = submission.questionnaire or questionnaires.current(
        dbsession, submission.intervention.id
    )
    if current is None:
        raise SubmissionError("this intervention has no questionnaire yet; ask the evaluator")
    questionnaire = current.questionnaire
    errors = questionnaire.validate(submission.answers)
    if errors:
        raise InvalidAnswers(errors, submission.language)

    try:
        resolution = resolve(dbsession, submission)
    except CodeError as error:
        raise SubmissionError(
            str(error), [{"field": "participant_code", "code": "invalid", "message": str(error)}]
        ) from None
    participant = resolution.participant
    if participant.site_id != submission.site.id:
        raise WrongSite(
            f"participant code {submission.participant_code} belongs to another site; "
            "check the code"
        )
    code_flags = {
        "one_difference": {"code_matched_with_one_difference"},
        "new_ambiguous": {"code_match_ambiguous"},
    }.get(resolution.how, set())
    flags = questionnaire.quality_flags(submission.answers, submission.duration_seconds)
    record = StoredResponse(
        id=0,
        submission_id=submission.submission_id,
        intervention_id=submission.intervention.id,
        participant_id=participant.id,
        participant_code=participant.code,
        participant_site_id=participant.site_id,
        group=participant.group,
        wave_id=submission.wave.id,
        questionnaire_id=current.id,
        answers=dict(submission.answers),
        instruments={b.id: b.version for b in questionnaire.blocks},
        language=submission.language,
        mode=submission.mode,
        duration_seconds=submission.duration_seconds,
        quality_flags=sorted(
            {f"{block}:{flag}" for block, names in flags.items() for flag in names} | code_flags
        ),
        submitted_at=submission.submitted_at or utcnow(),
    )
    scores = questionnaire.score(submission.answers)
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
    values = {name: getattr(record, name) for name in RESPONSE_COLUMNS if name != "submitted_by_id"}
    values["submitted_by_id"] = getattr(submission.submitted_by, "id", None)
    response_id = insert_response(dbsession, values, score_rows)
    if response_id is None:
        # A unique rule refused it: the same submission_id arrived earlier (submit() answers
        # it as a retry), or this participant answered this wave already.
        if resolution.how in ("new", "new_ambiguous"):
            # Made by this very call for a retry that carried another code: leave no trace.
            execute(dbsession, _DELETE_PARTICIPANT, {"id": participant.id})
        raise AlreadyAnswered(
            f"participant {participant.code} already answered {submission.wave.label}; "
            "a correction is made by the evaluator"
        )
    score_map = {key: {scale: s.value for scale, s in by.items()} for key, by in scores.items()}
    fuzzy = resolution.how == "one_difference"
    return Stored(replace(record, id=response_id), True, score_map, fuzzy, current.version)


_RECORD = (
    Response.id,
    Response.submission_id,
    Response.intervention_id,
    Response.participant_id,
    Participant.code,
    Participant.site_id,
    Participant.group_name,
    Response.wave_id,
    Response.questionnaire_id,
    Response.answers,
    Response.instruments,
    Response.language,
    Response.mode,
    Response.duration_seconds,
    Response.quality_flags,
    Response.submitted_at,
    Response.supersedes_id,
    Response.superseded_at,
)


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
_DELETE_PARTICIPANT = Prepared(
    delete(Participant.__table__).where(Participant.__table__.c.id == bindparam("id"))
)


def stored_response(dbsession, submission_id: str) -> StoredResponse | None:
    """The stored response with this submission_id, or None."""
    row = execute(dbsession, _BY_SUBMISSION_ID, {"submission_id": submission_id}).first()
    return None if row is None else StoredResponse(*row)


def _replay(dbsession, existing: StoredResponse, submission: Submission) -> Stored:
    if existing.wave_id != submission.wave.id or existing.intervention_id != (
        submission.intervention.id
    ):
        raise SubmissionError(
            "this submission_id was already used for another questionnaire; "
            "use a new UUID for every new submission",
            [{"field": "submission_id", "code": "conflict", "message": "already used"}],
        )
    scores: dict[str, dict[str, float | None]] = {}
    for key, scale, value in execute(dbsession, _SCORES_OF, {"response_id": existing.id}):
        scores.setdefault(key, {})[scale] = value
    return Stored(existing, False, scores)
