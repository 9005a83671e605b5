"""Storing one response and its scale scores: one statement on PostgreSQL, two on SQLite.

A unique rule that refuses the response (its ``submission_id`` arrived before, or the participant
answered this wave already) inserts nothing, scores included, and :func:`insert_response` returns
None. On PostgreSQL the scores are inserted in the same statement, by a data-modifying CTE that
reads them from one JSON parameter: one round trip fewer on every submission, and a fixed
statement text, prepared once per connection whatever the number of scales (one JSON text also
costs the driver less to send than five arrays). SQLite has no INSERT in a CTE.

:func:`insert_with_participant` goes one step further for a code that is looked up exactly (a
handed-out code): the participant is found or made in the same statement, so a submission is
one statement, atomic by itself, which a connection in autocommit can run without a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Float,
    Integer,
    String,
    bindparam,
    column,
    exists,
    false,
    func,
    insert,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql

from evalsys.collection.models import Participant, Response, Score
from evalsys.collection.participant_codes import PARTICIPANT_COLUMNS, PERSON_COLUMNS
from evalsys.db.statements import Prepared, dialect_name, execute, insert_unless_conflict

RESPONSE_COLUMNS = (
    "submission_id",
    "intervention_id",
    "participant_id",
    "wave_id",
    "questionnaire_id",
    "answers",
    "instruments",
    "language",
    "mode",
    "duration_seconds",
    "quality_flags",
    "submitted_at",
    "received_at",
    "submitted_by_id",
    "entered_code",
    "test",
)
SCORE_COLUMNS = ("instrument_key", "scale", "value", "items_answered", "band")
_SCORE_TYPES = (String, String, Float, Integer, String)

_RESPONSES, _SCORES, _PARTICIPANTS = Response.__table__, Score.__table__, Participant.__table__


def _response_with_scores():
    inserted = (
        postgresql.insert(_RESPONSES)
        .values({c: bindparam(c, type_=_RESPONSES.c[c].type) for c in RESPONSE_COLUMNS})
        .on_conflict_do_nothing()
        .returning(_RESPONSES.c.id)
        .cte("inserted")
    )
    return select(inserted.c.id).add_cte(_scores_of(inserted))


def _scores_of(inserted):
    """The CTE that inserts the scores (one JSON parameter) of the response ``inserted`` made."""
    given = (
        func.jsonb_to_recordset(bindparam("scores", type_=postgresql.JSONB))
        .table_valued(*(column(n, t) for n, t in zip(SCORE_COLUMNS, _SCORE_TYPES, strict=True)))
        .render_derived(name="given", with_types=True)
    )
    scored = insert(_SCORES).from_select(
        ["response_id", *SCORE_COLUMNS],
        select(inserted.c.id, *(given.c[name] for name in SCORE_COLUMNS))
        .select_from(inserted)
        .join(given, true()),
    )
    return scored.cte("scored")


def _participant_response_with_scores():
    """The participant of a code (made now if new), the response and its scores: one statement.

    ``person`` is the participant made now or the one found; a retry (its submission_id is
    stored) makes none. The response is inserted only at the participant's own site. One row
    comes back: the person, the response stored before under the submission_id (a retry's answer;
    NULLs for a new one), and the new response's id or NULL when a unique rule refused it; no row
    when the code's participant was made by a submission still running as this one started
    (this statement's snapshot cannot see it; run it again).
    """
    retry = exists().where(_RESPONSES.c.submission_id == bindparam("submission_id"))
    new_participant = (
        postgresql.insert(_PARTICIPANTS)
        .from_select(
            list(PARTICIPANT_COLUMNS),
            select(*(_bind(_PARTICIPANTS, c) for c in PARTICIPANT_COLUMNS)).where(~retry),
        )
        .on_conflict_do_nothing()
        .returning(*PERSON_COLUMNS)
        .cte("new_participant")
    )
    known = select(*PERSON_COLUMNS, false().label("created")).where(
        _PARTICIPANTS.c.intervention_id == bindparam("intervention_id"),
        _PARTICIPANTS.c.code == bindparam("code"),
    )
    person = union_all(select(new_participant, true().label("created")), known).cte("person")
    inserted = (
        postgresql.insert(_RESPONSES)
        .from_select(
            list(RESPONSE_COLUMNS),
            select(
                *(
                    person.c.id if c == "participant_id" else _bind(_RESPONSES, c)
                    for c in RESPONSE_COLUMNS
                )
            ).where(person.c.site_id == bindparam("site_id")),
        )
        .on_conflict_do_nothing()
        .returning(_RESPONSES.c.id)
        .cte("inserted")
    )
    stored = _stored_by_submission_id()
    return (
        select(person, *stored.c, inserted.c.id.label("response_id"))
        .select_from(person.outerjoin(inserted, true()).outerjoin(stored, true()))
        .add_cte(_scores_of(inserted))
    )


# A stored response as collection.submissions.StoredResponse holds it, in its field order.
STORED_RECORD = (
    _RESPONSES.c.id,
    _RESPONSES.c.submission_id,
    _RESPONSES.c.intervention_id,
    _RESPONSES.c.participant_id,
    _PARTICIPANTS.c.code,
    _PARTICIPANTS.c.site_id,
    _PARTICIPANTS.c.group_name,
    _RESPONSES.c.wave_id,
    _RESPONSES.c.questionnaire_id,
    _RESPONSES.c.answers,
    _RESPONSES.c.instruments,
    _RESPONSES.c.language,
    _RESPONSES.c.mode,
    _RESPONSES.c.duration_seconds,
    _RESPONSES.c.quality_flags,
    _RESPONSES.c.submitted_at,
    _RESPONSES.c.supersedes_id,
    _RESPONSES.c.superseded_at,
    _RESPONSES.c.entered_code,
    _RESPONSES.c.received_at,
    _RESPONSES.c.test,
)


def _stored_by_submission_id():
    """The response already stored under the submission_id (as this statement's snapshot sees
    it) and its scores as ``[[instrument, scale, value], ...]``: a retry is answered from the
    statement that was refused, with no statement after it.

    Short aliases and labels: psycopg keeps the converted text of a statement only up to 4,096
    characters (``MAX_CACHED_STATEMENT_LENGTH``), and converting it again on every execution
    cost more than the two statements saved (a test keeps the statement under it)."""
    r, p, s = _RESPONSES.alias("r"), _PARTICIPANTS.alias("p"), _SCORES.alias("s")
    columns = [(p if c.table is _PARTICIPANTS else r).c[c.name] for c in STORED_RECORD]
    scores = (
        select(func.json_agg(func.json_build_array(s.c.instrument_key, s.c.scale, s.c.value)))
        .where(s.c.response_id == r.c.id)
        .scalar_subquery()
    )
    return (
        select(*(c.label(f"s{i}") for i, c in enumerate(columns)), scores.label("ss"))
        .join_from(r, p, p.c.id == r.c.participant_id)
        .where(r.c.submission_id == bindparam("submission_id"))
        .subquery("stored")
    )


def _bind(table, name: str):
    return bindparam(name, type_=table.c[name].type)


# Built once: constructing a statement costs more CPU than running it.
_RESPONSE_WITH_SCORES = Prepared(_response_with_scores())
_PARTICIPANT_RESPONSE_WITH_SCORES = Prepared(_participant_response_with_scores())
_INSERT_SCORES = insert(_SCORES)


def insert_response(db, values: dict, scores: list[dict]) -> int | None:
    """Insert the response (``values`` by RESPONSE_COLUMNS) and its ``scores`` (dicts by
    SCORE_COLUMNS); the new response's id, or None when a unique rule refused it."""
    if dialect_name(db) == "postgresql":
        return execute(db, _RESPONSE_WITH_SCORES, {**values, "scores": scores}).scalar()
    statement = insert_unless_conflict(db, _RESPONSES, (_RESPONSES.c.id,))
    response_id = execute(db, statement, values).scalar()
    if response_id is not None and scores:
        execute(db, _INSERT_SCORES, [{"response_id": response_id, **s} for s in scores])
    return response_id


@dataclass(frozen=True)
class Placed:
    """Where :func:`insert_with_participant` put a response."""

    participant: tuple  # id, site_id, code, group_name
    created_participant: bool
    response_id: int | None  # None: a unique rule refused it, or the participant is elsewhere
    # The response stored before under this submission_id (STORED_RECORD's values) and its
    # scores (instrument, scale, value), when the statement saw one: the retry's answer.
    stored: tuple | None = None
    stored_scores: list = ()


def insert_with_participant(
    db, participant: dict, values: dict, scores: list[dict]
) -> Placed | None:
    """The participant of ``participant["code"]`` (made now if new), the response and its
    scores, in one statement (PostgreSQL). ``participant`` by PARTICIPANT_COLUMNS, ``values``
    by RESPONSE_COLUMNS without participant_id. None when the participant was made a moment
    ago by another submission, or by none while the submission_id is stored already: look that
    up, or run it again."""
    row = execute(
        db, _PARTICIPANT_RESPONSE_WITH_SCORES, {**participant, **values, "scores": scores}
    ).first()
    if row is None:
        return None
    person = (row.id, row.site_id, row.code, row.group_name)
    if row.s0 is None:
        return Placed(person, row.created, row.response_id)
    first = len(row) - len(STORED_RECORD) - 2  # the stored columns, their scores, response_id
    stored = tuple(row[first : first + len(STORED_RECORD)])
    return Placed(person, row.created, row.response_id, stored, row.ss or [])
