"""Storing one response and its scale scores: one statement on PostgreSQL, two on SQLite.

A unique rule that refuses the response (its ``submission_id`` arrived before, or the participant
answered this wave already) inserts nothing, scores included, and :func:`insert_response` returns
None. On PostgreSQL the scores are inserted in the same statement, by a data-modifying CTE that
reads them from arrays (a fixed statement text, so it is prepared once per connection whatever
the number of scales): one round trip fewer on every submission. SQLite has no INSERT in a CTE.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, bindparam, cast, func, insert, select, true
from sqlalchemy.dialects import postgresql

from ..models import Response, Score
from ..models.core import Prepared, execute, insert_unless_conflict

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
    "submitted_by_id",
)
SCORE_COLUMNS = ("instrument_key", "scale", "value", "items_answered", "band")
_SCORE_TYPES = (String, String, Float, Integer, String)

_RESPONSES, _SCORES = Response.__table__, Score.__table__


def _response_with_scores():
    inserted = (
        postgresql.insert(_RESPONSES)
        .values({c: bindparam(c, type_=_RESPONSES.c[c].type) for c in RESPONSE_COLUMNS})
        .on_conflict_do_nothing()
        .returning(_RESPONSES.c.id)
        .cte("inserted")
    )
    given = (
        func.unnest(
            *(
                cast(bindparam(f"score_{name}"), postgresql.ARRAY(kind))
                for name, kind in zip(SCORE_COLUMNS, _SCORE_TYPES, strict=True)
            )
        )
        .table_valued(*SCORE_COLUMNS)
        .render_derived(name="given")
    )
    scored = insert(_SCORES).from_select(
        ["response_id", *SCORE_COLUMNS],
        select(inserted.c.id, *(given.c[name] for name in SCORE_COLUMNS))
        .select_from(inserted)
        .join(given, true()),
    )
    return select(inserted.c.id).add_cte(scored.cte("scored"))


# Built once: constructing a statement costs more CPU than running it.
_RESPONSE_WITH_SCORES = Prepared(_response_with_scores())
_INSERT_SCORES = insert(_SCORES)


def insert_response(dbsession, values: dict, scores: list[dict]) -> int | None:
    """Insert the response (``values`` by RESPONSE_COLUMNS) and its ``scores`` (dicts by
    SCORE_COLUMNS); the new response's id, or None when a unique rule refused it."""
    if dbsession.get_bind().dialect.name == "postgresql":
        arrays = {f"score_{name}": [row[name] for row in scores] for name in SCORE_COLUMNS}
        return execute(dbsession, _RESPONSE_WITH_SCORES, {**values, **arrays}).scalar()
    statement = insert_unless_conflict(dbsession, _RESPONSES, (_RESPONSES.c.id,))
    response_id = execute(dbsession, statement, values).scalar()
    if response_id is not None and scores:
        execute(dbsession, _INSERT_SCORES, [{"response_id": response_id, **s} for s in scores])
    return response_id
