"""The one way answers get in: validate with surveys, store Response + Scores, idempotently.

The participant web survey, paper entry, spreadsheet import and the JSON API all call
:func:`submit`. A retried submission (same ``submission_id``) returns the stored response and
never makes a second row, also when two copies arrive at the same moment.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

import surveys

from ..models import Intervention, Participant, Response, Score, Site, User, Wave, utcnow
from . import questionnaires
from .participant_codes import CodeError, resolve


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
    """Everything one submission carries, whichever way it came in."""

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


@dataclass
class Stored:
    response: Response
    created: bool
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    matched_fuzzily: bool = False


def normalise_submission_id(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise SubmissionError(
            "submission_id must be a UUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            [{"field": "submission_id", "code": "wrong_type", "message": "not a UUID"}],
        ) from None


def find(dbsession, submission_id: str) -> Response | None:
    return dbsession.query(Response).filter_by(submission_id=submission_id).one_or_none()


def submit(dbsession, submission: Submission) -> Stored:
    """Validate and store one submission; a known ``submission_id`` returns the stored response."""
    submission.submission_id = normalise_submission_id(submission.submission_id)
    existing = find(dbsession, submission.submission_id)
    if existing is not None:
        return _replay(existing, submission)

    intervention = submission.intervention
    row = intervention.questionnaire
    if row is None:
        raise SubmissionError("this intervention has no questionnaire yet; ask the evaluator")
    questionnaire = questionnaires.load(row)
    errors = questionnaire.validate(submission.answers)
    if errors:
        raise InvalidAnswers(errors, submission.language)

    try:
        resolution = resolve(dbsession, submission)
    except CodeError as error:
        raise SubmissionError(
            str(error), [{"field": "participant_code", "code": "invalid", "message": str(error)}]
        ) from None
    participant, fuzzy = resolution.participant, resolution.how == "one_difference"
    code_flags = {
        "one_difference": {"code_matched_with_one_difference"},
        "new_ambiguous": {"code_match_ambiguous"},
    }.get(resolution.how, set())
    if participant.site_id != submission.site.id:
        raise WrongSite(
            f"participant code {submission.participant_code} belongs to another site; "
            "check the code"
        )
    is_new = resolution.how in ("new", "new_ambiguous")
    if not is_new and _current_response(dbsession, participant, submission.wave) is not None:
        raise AlreadyAnswered(
            f"participant {participant.code} already answered {submission.wave.label}; "
            "a correction is made by the evaluator"
        )

    scores = questionnaire.score(submission.answers)
    flags = questionnaire.quality_flags(submission.answers, submission.duration_seconds)
    response = Response(
        submission_id=submission.submission_id,
        intervention_id=intervention.id,
        participant_id=participant.id,
        wave_id=submission.wave.id,
        questionnaire_id=row.id,
        answers=dict(submission.answers),
        instruments={b.id: b.version for b in questionnaire.blocks},
        language=submission.language,
        mode=submission.mode,
        duration_seconds=submission.duration_seconds,
        quality_flags=sorted(
            {f"{block}:{flag}" for block, names in flags.items() for flag in names} | code_flags
        ),
        submitted_at=submission.submitted_at or utcnow(),
        submitted_by_id=getattr(submission.submitted_by, "id", None),
        scores=[
            Score(
                instrument_key=instrument_id,
                scale=scale_id,
                value=score.value,
                items_answered=score.items_answered,
                band=score.band,
            )
            for instrument_id, by_scale in scores.items()
            for scale_id, score in by_scale.items()
        ],
    )
    savepoint = dbsession.begin_nested()
    try:
        dbsession.add(response)
        dbsession.flush()
    except IntegrityError:
        savepoint.rollback()
        # Two copies raced: the other one was stored first. Answer as for a retry.
        existing = find(dbsession, submission.submission_id)
        if existing is not None:
            return _replay(existing, submission)
        raise AlreadyAnswered(
            f"participant {participant.code} already answered {submission.wave.label}"
        ) from None
    savepoint.commit()
    return Stored(response, True, _score_map(response), fuzzy)


def _replay(existing: Response, submission: Submission) -> Stored:
    if existing.wave_id != submission.wave.id or existing.intervention_id != (
        submission.intervention.id
    ):
        raise SubmissionError(
            "this submission_id was already used for another questionnaire; "
            "use a new UUID for every new submission",
            [{"field": "submission_id", "code": "conflict", "message": "already used"}],
        )
    return Stored(existing, False, _score_map(existing))


def _current_response(dbsession, participant: Participant, wave: Wave) -> Response | None:
    return (
        dbsession.query(Response)
        .filter_by(participant_id=participant.id, wave_id=wave.id, superseded_at=None)
        .one_or_none()
    )


def _score_map(response: Response) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for score in response.scores:
        out.setdefault(score.instrument_key, {})[score.scale] = score.value
    return out
