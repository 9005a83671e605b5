"""Double data entry of paper forms: typed by two people, stored once both agree.

At a site with ``double_entry`` on, the first typing of a form is held (a ``HeldPaperEntry``,
not a response: analyses, exports and counts never see it). A second person types the same form
(the same participant code and wave): equal entries are stored through the submission service
at once; differing ones keep both entries until someone picks the right value of each
difference, and then the form is stored. Every step is in the audit log (target the participant
code, so that erasure scrubs it); the log names the questions that differed, never an answer.
A held entry for a code and wave is answered this way even after the switch went off.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from evalsys import audit
from evalsys.collection import issued_codes
from evalsys.collection.models import HeldPaperEntry, Participant, Response
from evalsys.collection.participant_codes import CodeError, clean_code
from evalsys.collection.submission_errors import (
    AlreadyAnswered,
    CodeNotIssued,
    SubmissionConflict,
    SubmissionError,
    WrongSite,
)
from evalsys.collection.submissions import Stored, Submission, stored_response, submit
from evalsys.db.meta import utcnow
from evalsys.json_text import decode, encode

#: The form's fields besides the answers that both entries must agree on.
FORM_FIELDS = ("group", "language")
CHOICES = ("first", "second")


class SameTypist(SubmissionError):
    code = "same_typist"

    def __init__(self):
        super().__init__("the second entry of a paper form must be typed by another person")


class AwaitingResolution(SubmissionError):
    code = "awaiting_resolution"

    def __init__(self, held: HeldPaperEntry):
        super().__init__("this form was typed twice already; its differences wait to be resolved")
        self.held = held


@dataclass(frozen=True)
class Difference:
    """One field the two entries disagree on: an item id, ``group`` or ``language``."""

    field: str
    first: object
    second: object


@dataclass(frozen=True)
class Outcome:
    """What typing a form did: ``held`` (first entry), ``stored`` (the entries agreed, or the
    form was stored before), ``differs`` (both entries kept, to be resolved)."""

    kind: str
    held: HeldPaperEntry | None = None
    stored: Stored | None = None


def held_for(db, submission: Submission) -> HeldPaperEntry | None:
    """The held entry of this form's participant code and wave, if any."""
    try:
        code = clean_code(submission.participant_code)
    except CodeError:
        return None
    return db.scalars(
        select(HeldPaperEntry).where(
            HeldPaperEntry.intervention_id == submission.intervention.id,
            HeldPaperEntry.wave_id == submission.wave.id,
            HeldPaperEntry.participant_code == code,
        )
    ).one_or_none()


def held_at_site(db, site) -> list[HeldPaperEntry]:
    """The site's held entries, oldest first: forms that wait for a second entry or a decision."""
    return list(
        db.scalars(
            select(HeldPaperEntry)
            .where(HeldPaperEntry.site_id == site.id)
            .order_by(HeldPaperEntry.entered_at, HeldPaperEntry.id)
        )
    )


def enter(db, submission: Submission, *, request=None) -> Outcome:
    """One typing of a paper form at a site with double entry (or with a held entry for it).

    ``submission`` carries validated answers and ``submitted_by``, the person typing.
    """
    typist = submission.submitted_by
    code = _issued(db, submission) if submission.issued_only else _code(submission)
    if stored_response(db, submission.submission_id) is not None:
        return Outcome("stored", stored=submit(db, submission))  # the same form sent again
    held = held_for(db, submission)
    if held is None:
        return _hold(db, submission, code, request)
    if submission.submission_id == held.submission_id:
        if _values(held) != _values_of(submission):
            raise SubmissionConflict()
        return Outcome("held", held)
    if submission.submission_id == held.second_submission_id:
        return Outcome("differs", held)
    if held.second_answers is not None:
        raise AwaitingResolution(held)
    if getattr(typist, "id", None) is None or held.entered_by_id == typist.id:
        raise SameTypist()
    first = _values(held)
    second = _values_of(submission)
    if first == second:
        stored = submit(db, submission)
        _log(db, "paper_entry_matched", held, typist, request, response=stored.response.id)
        db.delete(held)
        db.flush()
        return Outcome("stored", stored=stored)
    held.second_answers = second["answers"]
    held.second_group, held.second_language = second["group"], second["language"]
    held.second_submission_id = submission.submission_id
    held.second_by_id = typist.id
    held.second_at = utcnow()
    db.flush()
    fields = [d.field for d in differences(held)]
    _log(db, "paper_entry_differed", held, typist, request, fields=fields)
    return Outcome("differs", held)


def differences(held: HeldPaperEntry) -> list[Difference]:
    """Where the second entry differs from the first: the form fields, then the answers in the
    order the first entry, then the second, names them (the caller sorts by question number)."""
    if held.second_answers is None:
        return []
    first = {"group": held.group_name, "language": held.language}
    second = {"group": held.second_group, "language": held.second_language}
    found = [Difference(f, first[f], second[f]) for f in FORM_FIELDS if first[f] != second[f]]
    fields = dict.fromkeys([*held.answers, *held.second_answers])
    for field in fields:
        a, b = held.answers.get(field), held.second_answers.get(field)
        if a != b:
            found.append(Difference(field, a, b))
    return found


def resolve(
    db, held: HeldPaperEntry, submission: Submission, choices: dict[str, str], *, request=None
) -> Stored:
    """Store the form with, for each difference, the first or the second entry's value.

    ``submission`` carries the intervention, site and wave, the participant code, the person
    resolving (``submitted_by``) and whatever else is the same for both entries. A difference
    without a choice raises ``KeyError`` with its field; the caller asks for it.
    """
    found = differences(held)
    missing = [d.field for d in found if choices.get(d.field) not in CHOICES]
    if missing:
        raise KeyError(*missing)
    values = {"group": held.group_name, "language": held.language, **held.answers}
    for d in found:
        value = d.first if choices[d.field] == "first" else d.second
        if value is None:
            values.pop(d.field, None)
        else:
            values[d.field] = value
    submission.group = values.pop("group")
    submission.language = values.pop("language")
    submission.answers = values
    submission.submission_id = held.second_submission_id
    stored = submit(db, submission)
    picked = {d.field: choices[d.field] for d in found}
    _log(
        db,
        "paper_entry_resolved",
        held,
        submission.submitted_by,
        request,
        response=stored.response.id,
        choices=picked,
    )
    db.delete(held)
    db.flush()
    return stored


def remove_for_codes(db, intervention_id: int, codes: set[str]) -> int:
    """Delete the held entries of these participant codes (erasure); returns how many went."""
    result = db.execute(
        delete(HeldPaperEntry).where(
            HeldPaperEntry.intervention_id == intervention_id,
            HeldPaperEntry.participant_code.in_({c.upper() for c in codes}),
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def _hold(db, submission: Submission, code: str, request) -> Outcome:
    _check_not_stored(db, submission, code)
    values = _values_of(submission)
    held = HeldPaperEntry(
        intervention_id=submission.intervention.id,
        site_id=submission.site.id,
        wave_id=submission.wave.id,
        participant_code=code,
        group_name=values["group"],
        language=values["language"],
        answers=values["answers"],
        submission_id=submission.submission_id,
        entered_by_id=getattr(submission.submitted_by, "id", None),
    )
    db.add(held)
    db.flush()
    _log(db, "paper_entry_held", held, submission.submitted_by, request)
    return Outcome("held", held)


def _check_not_stored(db, submission: Submission, code: str) -> None:
    """What submit() would refuse, said now rather than after the second typing."""
    participant = db.execute(
        select(Participant.id, Participant.site_id).where(
            Participant.intervention_id == submission.intervention.id, Participant.code == code
        )
    ).first()
    if participant is None:
        return
    if participant.site_id != submission.site.id:
        raise WrongSite(f"participant code {code} belongs to another site; check the code")
    answered = db.scalar(
        select(Response.id).where(
            Response.participant_id == participant.id,
            Response.wave_id == submission.wave.id,
            Response.superseded_at.is_(None),
        )
    )
    if answered is not None:
        raise AlreadyAnswered(f"participant {code} already answered {submission.wave.label}")


def _issued(db, submission: Submission) -> str:
    """A code issued for the site, as printed: refused at the first typing, as submit() would
    at the second, so a mistyped card is never held."""
    try:
        code = issued_codes.as_printed(submission.participant_code)
        issued_codes.checked(db, submission.intervention.id, submission.site.id, code)
    except issued_codes.NotAnIssuedCode as error:
        raise CodeNotIssued(error) from None
    submission.participant_code = code
    return code


def _code(submission: Submission) -> str:
    try:
        return clean_code(submission.participant_code)
    except CodeError as error:
        raise SubmissionError(
            str(error), [{"field": "participant_code", "code": "invalid", "message": str(error)}]
        ) from None


def _values(held: HeldPaperEntry) -> dict:
    return {"group": held.group_name, "language": held.language, "answers": held.answers}


def _values_of(submission: Submission) -> dict:
    # As the JSON column gives them back (lists for tuples), so that equal entries compare equal.
    return {
        "group": submission.group,
        "language": submission.language,
        "answers": decode(encode(submission.answers)),
    }


def _log(db, action: str, held: HeldPaperEntry, actor, request, **details) -> None:
    audit.record(
        db,
        action,
        actor=actor,
        request=request,
        target_type="participant",
        target_id=held.participant_code,
        intervention_id=held.intervention_id,
        site_id=held.site_id,
        wave_id=held.wave_id,
        entry=held.id,
        **details,
    )
