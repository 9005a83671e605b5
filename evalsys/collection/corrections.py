"""Corrections, moves and voids of stored responses: a new version with a reason, never an edit.

A correction (other answers) and a move (another participant code or wave) store a new
``Response`` row whose ``supersedes_id`` names the version it replaces; that version keeps its
answers and only gets ``superseded_at``. A void sets ``voided_at`` and ``superseded_at`` and
stores nothing new. Each writes one audit event (``response_corrected``, ``response_moved``,
``response_voided``) with the reason and, for a correction, every item that changed (old and
new value); the history of a response is its versions and those events.

Whoever changes a response names the version they started from. The change first marks that
version superseded with ``UPDATE ... WHERE id = :id AND superseded_at IS NULL``: of two people
changing the same version at once, the second one's UPDATE finds no current row (on PostgreSQL
it waits for the first transaction's row lock, then sees its commit; on SQLite transactions
begin IMMEDIATE and so run one after the other) and gets :class:`NotCurrent`, with nothing
overwritten. The unique ``supersedes_id`` would refuse a second successor as well.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from evalsys import audit
from evalsys.collection import issued_codes
from evalsys.collection.models import Participant, Response, Score
from evalsys.collection.participant_codes import CodeError, clean_code
from evalsys.collection.submissions import assess, flag_names
from evalsys.collection.versions import current_version
from evalsys.db.meta import utcnow
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Questionnaire, Wave
from evalsys.webhooks import events as webhooks
from surveys.validation import has_control_characters

# The short list a reason is chosen from; "other" needs a text, the others may have one.
REASONS = (
    "typing_error",
    "wrong_participant_code",
    "wrong_wave",
    "participant_request",
    "wrong_code_match",
    "entered_by_mistake",
    "other",
)
REASON_TEXT_MAX = 1000
CODE_FLAGS = ("code_matched_with_one_difference", "code_match_ambiguous")


class CorrectionError(Exception):
    """The change cannot be made; ``code`` is stable, ``field`` names the form field."""

    code = "invalid_correction"

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class NotCurrent(CorrectionError):
    """The version named was corrected, moved or voided meanwhile: nothing was changed."""

    code = "superseded"

    def __init__(self, current: Response | None):
        self.current = current
        if current is None:
            text = "this response was voided meanwhile; nothing was changed"
        else:
            text = (
                f"this response was changed meanwhile; the current version is {current.id}. "
                "Start again from that version; nothing was changed"
            )
        super().__init__(text, "version")


class CodeNotIssuedHere(CorrectionError):
    """The wave takes only issued codes, and this one is mistyped or not issued for the site."""

    code = "code_not_issued"

    def __init__(self, error: issued_codes.NotAnIssuedCode, code: str):
        super().__init__(str(error), "participant_code")
        self.reason = error.reason
        self.typed = code


class WaveTaken(CorrectionError):
    """The move would give the participant two current responses in one wave."""

    code = "already_answered"


@dataclass(frozen=True)
class Reason:
    """Why: one of :data:`REASONS` and a free text (required for ``other``)."""

    code: str
    text: str = ""

    @classmethod
    def parse(cls, code, text) -> Reason:
        code = (code or "").strip() if isinstance(code, str) else ""
        text = (text or "").strip() if isinstance(text, str) else ""
        if code not in REASONS:
            raise CorrectionError("choose a reason for this change", "reason")
        if code == "other" and not text:
            raise CorrectionError("describe the reason for this change", "reason_text")
        if len(text) > REASON_TEXT_MAX or has_control_characters(text, multiline=True):
            raise CorrectionError(
                f"the reason is text of at most {REASON_TEXT_MAX} characters without control "
                "characters",
                "reason_text",
            )
        return cls(code, text)


def correct(
    db, response: Response, answers: dict, reason: Reason, *, actor=None, request=None
) -> Response:
    """A new version of ``response`` with these answers, validated and scored as at entry.

    Raises
    ------
    InvalidAnswers
        The answers fail the questionnaire version's validation (as in paper entry).
    NotCurrent
        ``response`` is no longer the current version.
    CorrectionError
        Nothing changed.
    """
    changes = changed_items(response.answers, answers)
    if not changes:
        raise CorrectionError("these answers are the stored ones; nothing to correct", "answers")
    new = _new_version(
        db,
        response,
        answers=answers,
        participant=response.participant,
        wave_id=response.wave_id,
        keep_code_flags=True,
    )
    _record(db, "response_corrected", response, new, reason, actor, request, changes=changes)
    return new


def move(
    db,
    response: Response,
    reason: Reason,
    *,
    participant_code: str | None = None,
    wave: Wave | None = None,
    actor=None,
    request=None,
) -> Response:
    """A new version of ``response`` for another participant code (of the same site; a new code
    makes a participant there) and/or another wave of the intervention.

    A "move" to where a response flagged for its code match is now confirms that match (a
    self-generated code linked with one difference is the same person; one that was near
    several participants is a person of its own): the new version drops the code flag.
    Undoing a wrong link is a move to the code on the form (``entered_code``).

    Raises :class:`WaveTaken` when that participant has a current response in that wave.
    """
    old_person = response.participant
    if response.test:
        # Its participant is a test one (TEST:<code>); another code would be a real one.
        raise CorrectionError(
            "a test response cannot be moved; delete the test responses and test again",
            "participant_code",
        )
    person = old_person
    if participant_code:
        try:
            code = clean_code(participant_code)
        except CodeError as error:
            raise CorrectionError(str(error), "participant_code") from None
        target_wave = response.wave if wave is None else wave
        if issued_codes.only_issued(target_wave.settings):
            try:
                code = issued_codes.checked(db, response.intervention_id, old_person.site_id, code)
            except issued_codes.NotAnIssuedCode as error:
                raise CodeNotIssuedHere(error, code) from None
        person = _participant(db, response, code)
    wave_id = response.wave_id if wave is None else wave.id
    if wave is not None and wave.intervention_id != response.intervention_id:
        raise CorrectionError("that wave belongs to another intervention", "wave")
    confirming = person.id == old_person.id and wave_id == response.wave_id
    if confirming and not set(response.quality_flags or []) & set(CODE_FLAGS):
        raise CorrectionError(
            "this is where the response is now; nothing to move", "participant_code"
        )
    taken = db.scalar(
        select(Response.id).where(
            Response.participant_id == person.id,
            Response.wave_id == wave_id,
            Response.superseded_at.is_(None),
            Response.id != response.id,
        )
    )
    if taken is not None:
        label = db.get(Wave, wave_id).label
        raise WaveTaken(
            f"participant {person.code} already has a response in wave {label} (response "
            f"{taken}); correct or void that one first",
            "participant_code" if participant_code else "wave",
        )
    new = _new_version(
        db,
        response,
        answers=response.answers,
        participant=person,
        wave_id=wave_id,
        keep_code_flags=person.id == old_person.id and not confirming,
    )
    new_wave = db.get(Wave, wave_id)
    _record(
        db,
        "response_moved",
        response,
        new,
        reason,
        actor,
        request,
        moved={
            "participant_code": [old_person.code, person.code],
            "wave": [response.wave.label, new_wave.label],
        },
        **({"code_match_confirmed": True} if confirming else {}),
    )
    return new


def void(db, response: Response, reason: Reason, *, actor=None, request=None) -> None:
    """Take ``response`` out of every list, analysis and export; it stays in its history."""
    now = utcnow()
    _supersede(db, response, voided_at=now, superseded_at=now)
    _record(db, "response_voided", response, None, reason, actor, request)


def changed_items(old: dict, new: dict) -> dict[str, list]:
    """Item id -> [old value, new value] for every item whose answer differs (None: missing)."""
    return {
        item: [old.get(item), new.get(item)]
        for item in sorted(set(old) | set(new))
        if old.get(item) != new.get(item)
    }


def _participant(db, response: Response, code: str) -> Participant:
    old = response.participant
    person = db.scalars(
        select(Participant).where(
            Participant.intervention_id == response.intervention_id, Participant.code == code
        )
    ).one_or_none()
    if person is None:
        person = Participant(
            intervention_id=response.intervention_id,
            site_id=old.site_id,
            code=code,
            group_name=old.group_name,
            consent_at=old.consent_at,
            consent_by=old.consent_by,
        )
        db.add(person)
        db.flush()
    elif person.site_id != old.site_id:
        raise CorrectionError(
            f"participant code {code} belongs to another site; a response stays at its site",
            "participant_code",
        )
    return person


def _supersede(db, response: Response, **values) -> None:
    """Mark ``response`` no longer current, unless someone did so first (:class:`NotCurrent`)."""
    table = Response.__table__
    done = db.execute(
        update(table)
        .where(table.c.id == response.id, table.c.superseded_at.is_(None))
        .values(**values)
    )
    db.expire(response)
    if done.rowcount != 1:
        raise NotCurrent(current_version(db, response))


def _new_version(
    db,
    old: Response,
    *,
    answers: dict,
    participant: Participant,
    wave_id: int,
    keep_code_flags: bool,
) -> Response:
    # Validated against the version the participant answered, as at entry: the questionnaire
    # may have a newer version meanwhile.
    row = db.get(Questionnaire, old.questionnaire_id)
    questionnaire = questionnaires.load(row)
    # A paper or imported response may hold blanks: a correction keeps the right its entry had.
    assessment = assess(
        questionnaire, answers, old.duration_seconds, mode=old.mode, language=old.language
    )
    flags = flag_names(assessment)
    entered_code = None
    if keep_code_flags:
        flags |= {f for f in old.quality_flags or [] if f in CODE_FLAGS}
        entered_code = old.entered_code
    kept = {
        "intervention_id": old.intervention_id,
        "questionnaire_id": old.questionnaire_id,
        "instruments": dict(old.instruments),
        "language": old.language,
        "mode": old.mode,
        "duration_seconds": old.duration_seconds,
        "submitted_at": old.submitted_at,
        "submitted_by_id": old.submitted_by_id,
        "test": old.test,
    }
    new = Response(
        submission_id=str(uuid.uuid4()),
        received_at=utcnow(),  # answered when the old version was; these answers arrive now
        participant_id=participant.id,
        wave_id=wave_id,
        answers=dict(answers),
        quality_flags=sorted(flags),
        entered_code=entered_code,
        supersedes_id=old.id,
        **kept,
    )
    new.scores = [
        Score(
            instrument_key=instrument_id,
            scale=scale_id,
            value=score.value,
            items_answered=score.items_answered,
            band=score.band,
        )
        for instrument_id, by_scale in assessment.scores.items()
        for scale_id, score in by_scale.items()
    ]
    code, label = participant.code, db.get(Wave, wave_id).label
    try:
        # A savepoint: a unique rule that refuses the new row (a simultaneous move into the
        # same participant and wave) leaves the session usable and the old version current.
        with db.begin_nested():
            _supersede(db, old, superseded_at=utcnow())
            db.add(new)
            db.flush()
    except IntegrityError as error:
        db.expire(old)
        if "supersedes" in str(error.orig):
            raise NotCurrent(current_version(db, old)) from None
        raise WaveTaken(
            f"participant {code} already has a response in wave {label}; correct or void "
            "that one first",
            "participant_code",
        ) from None
    return new


def _record(db, action, old: Response, new, reason: Reason, actor, request, **details):
    token = getattr(request, "api_token", None) if request is not None else None
    if token is not None:
        details["api_token_id"] = token.id
    audit.record(
        db,
        action,
        actor=actor,
        request=request,
        target_type="response",
        target_id=old.id,
        intervention_id=old.intervention_id,
        site_id=old.participant.site_id,
        new_version=None if new is None else new.id,
        reason=reason.code,
        reason_text=reason.text,
        **details,
    )
    _tell_webhooks(db, action, old, new, reason)


def _tell_webhooks(db, action: str, old: Response, new: Response | None, reason: Reason) -> None:
    """``response.corrected`` (a correction or a move: the new version) or ``response.voided``,
    for an intervention with webhooks (evalsys.webhooks), in the change's transaction."""
    intervention = db.get(Intervention, old.intervention_id)
    if intervention is None or not intervention.webhooks or old.test:
        return
    shown = old if new is None else new
    scores: dict[str, dict] = {}
    for score in [] if new is None else new.scores:
        scores.setdefault(score.instrument_key, {})[score.scale] = score.value
    webhooks.raise_event(
        db,
        "response.voided" if new is None else "response.corrected",
        intervention_id=old.intervention_id,
        site_id=shown.participant.site_id,
        payload=webhooks.response_payload(
            response_id=shown.id,
            participant_code=shown.participant.code,
            wave=db.get(Wave, shown.wave_id).label,
            mode=shown.mode,
            submitted_at=shown.submitted_at,
            answers=None if new is None else dict(new.answers),
            scores=scores,
            supersedes_id=None if new is None else old.id,
            change={"response_corrected": "correction", "response_moved": "move"}.get(
                action, "void"
            ),
            reason=reason.code,
        ),
    )
