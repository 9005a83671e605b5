"""Participant codes: handed-out codes, and self-generated codes that link waves without names.

A self-generated code is made from four answers that stay the same over time (the first letters
of the mother's and father's first names, the day of birth, the number of older brothers and
sisters), joined as ``M-J-17-2``. People misremember one answer now and then, so at a later wave
a code that differs in exactly one element from exactly one earlier participant of the same site
is linked to that participant; when several earlier codes qualify the response starts a new
participant and is listed for the evaluator to resolve (:func:`ambiguous_matches`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from evalsys.collection.models import Participant, Response
from evalsys.db.meta import utcnow
from evalsys.db.statements import Prepared, execute, insert_unless_conflict

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$")
SELF_CODE_ELEMENTS = ("mother_initial", "father_initial", "birth_day", "older_siblings")
_UNAMBIGUOUS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class CodeError(ValueError):
    """A participant code that cannot be used; the message says why."""


def clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise CodeError("a participant code has 2 to 63 letters, digits or dashes, like AB12-7")
    return code


def new_code(length: int = 6) -> str:
    """A random code a coordinator can hand out (no look-alike characters)."""
    return "".join(secrets.choice(_UNAMBIGUOUS) for _ in range(length))


def self_generated_code(mother_initial: str, father_initial: str, birth_day, older_siblings) -> str:
    """Compose the code from its four elements, checking each one."""
    letters = []
    for name, value in (("mother_initial", mother_initial), ("father_initial", father_initial)):
        value = (value or "").strip().upper()
        if len(value) != 1 or not value.isalpha():
            raise CodeError(f"{name}: give one letter")
        letters.append(value)
    try:
        day = int(birth_day)
        siblings = int(older_siblings)
    except (TypeError, ValueError):
        raise CodeError(
            "day of birth and number of older brothers and sisters are numbers"
        ) from None
    if not 1 <= day <= 31:
        raise CodeError("birth_day: a day of the month is 1 to 31")
    if not 0 <= siblings <= 20:
        raise CodeError("older_siblings: give a number from 0 to 20")
    return f"{letters[0]}-{letters[1]}-{day}-{siblings}"


def differs_in_one_element(a: str, b: str) -> bool:
    left, right = a.split("-"), b.split("-")
    return len(left) == len(right) == len(SELF_CODE_ELEMENTS) and (
        sum(x != y for x, y in zip(left, right, strict=True)) == 1
    )


@dataclass(frozen=True)
class Person:
    """The participant row a submission belongs to (what the submission path needs of it)."""

    id: int
    site_id: int
    code: str
    group: str


@dataclass(frozen=True)
class Resolution:
    participant: Person
    how: str  # "exact", "one_difference", "new", "new_ambiguous"


_PERSON = (Participant.id, Participant.site_id, Participant.code, Participant.group_name)
_TABLE = Participant.__table__
# The Person columns of the table, for RETURNING (also in response_inserts' one statement).
PERSON_COLUMNS = tuple(_TABLE.c[column.key] for column in _PERSON)
# Built once: constructing a statement costs more CPU than running it.
_BY_CODE = Prepared(
    select(*_PERSON).where(
        Participant.intervention_id == bindparam("intervention_id"),
        Participant.code == bindparam("code"),
    )
)


def resolve(dbsession, submission, code: str | None = None) -> Resolution:
    """The participant of this code: found, matched with one difference, or created now.

    ``code`` is the clean code to store, when the caller has it (a test submission's carries
    its prefix, and is only ever matched exactly).
    """
    intervention_id = submission.intervention.id
    code = clean_code(submission.participant_code) if code is None else code
    if not submission.code_elements or submission.test:
        # Insert first: one statement for a new participant, a second one for a known code.
        created = _insert(dbsession, submission, code)
        if created is not None:
            return Resolution(created, "new")
        return Resolution(_by_code(dbsession, intervention_id, code), "exact")
    found = _by_code(dbsession, intervention_id, code)
    if found is not None:
        return Resolution(found, "exact")
    candidates = _one_difference_candidates(dbsession, submission, code)
    if len(candidates) == 1:
        return Resolution(candidates[0], "one_difference")
    created = _insert(dbsession, submission, code)
    if created is None:  # created by a simultaneous submission a moment ago
        return Resolution(_by_code(dbsession, intervention_id, code), "exact")
    return Resolution(created, "new_ambiguous" if candidates else "new")


def _insert(dbsession, submission, code: str) -> Person | None:
    """A new participant with this code, or None when the code exists (a unique rule)."""
    inserted = execute(
        dbsession,
        insert_unless_conflict(dbsession, _TABLE, PERSON_COLUMNS),
        participant_values(submission, code),
    ).first()
    return None if inserted is None else Person(*inserted)


def participant_values(submission, code: str) -> dict:
    """The row of a new participant with this (clean) code, made by this submission: a value
    for each of PARTICIPANT_COLUMNS."""
    return {
        "intervention_id": submission.intervention.id,
        "site_id": submission.site.id,
        "code": code,
        "group_name": submission.group,
        "consent_at": submission.consent_at,
        "consent_by": submission.consent_by,
        "created_at": utcnow(),
        "test": submission.test,
    }


PARTICIPANT_COLUMNS = (
    "intervention_id",
    "site_id",
    "code",
    "group_name",
    "consent_at",
    "consent_by",
    "created_at",
    "test",
)


def _by_code(dbsession, intervention_id: int, code: str) -> Person | None:
    row = execute(dbsession, _BY_CODE, {"intervention_id": intervention_id, "code": code}).first()
    return None if row is None else Person(*row)


def _one_difference_candidates(dbsession, submission, code: str) -> list[Person]:
    answered_this_wave = select(Response.participant_id).where(
        Response.wave_id == submission.wave.id, Response.superseded_at.is_(None)
    )
    earlier = execute(
        dbsession,
        select(*_PERSON).where(
            Participant.intervention_id == submission.intervention.id,
            Participant.site_id == submission.site.id,
            Participant.group_name == submission.group,
            Participant.test.is_(False),
            Participant.id.not_in(answered_this_wave),
        ),
    )
    return [Person(*row) for row in earlier if differs_in_one_element(row.code, code)]


def ambiguous_matches(dbsession, intervention) -> list[tuple[Response, list[Participant]]]:
    """Responses whose self-generated code was one element away from several earlier codes."""
    flagged = (
        dbsession.query(Response)
        .filter(Response.intervention_id == intervention.id, Response.superseded_at.is_(None))
        .all()
    )
    out = []
    for response in flagged:
        if "code_match_ambiguous" not in (response.quality_flags or []):
            continue
        person = response.participant
        near = (
            dbsession.query(Participant)
            .filter(
                Participant.site_id == person.site_id,
                Participant.id != person.id,
                Participant.test.is_(False),
            )
            .all()
        )
        out.append((response, [p for p in near if differs_in_one_element(p.code, person.code)]))
    return out
