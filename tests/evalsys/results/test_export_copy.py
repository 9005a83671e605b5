"""PostgreSQL writes the CSV exports with COPY: byte for byte what the Python writer makes.

The stored data get the awkward cases on purpose: free text with commas, semicolons, quotes, a
line break, a formula and an empty string; an answer stored as a float, as text and as true; a
multiple-choice answer; quality flags; integer-valued and recurring-decimal scores; a missing
wave for one participant (the wide layout's empty cells). Both CSV styles: ``,`` and a decimal
point, ``;`` and a decimal comma.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from evalsys.collection.models import Response, Score
from evalsys.results import export_copy, exports

from .. import results_data
from . import export_world

AWKWARD_TEXTS = ['a, b "c"', "line one\nline two", "-1 minus", "", "@home", "gewoon; 2.5"]


@pytest.fixture
def world(dbsession, tm):
    if dbsession.get_bind().dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's; on SQLite the Python writer is the only one")
    world = results_data.build(dbsession, tm)
    responses = list(
        dbsession.execute(
            select(Response)
            .where(Response.intervention_id == world.intervention.id)
            .order_by(Response.id)
        ).scalars()
    )
    for n, response in enumerate(responses[: 2 * len(AWKWARD_TEXTS)]):
        answers = dict(response.answers)
        answers["gender_other"] = AWKWARD_TEXTS[n % len(AWKWARD_TEXTS)]
        answers["hobbies"] = [1, 3] if n % 3 else []
        answers["brs_1"] = (2.5, "3", True, 4)[n % 4]
        stored = {  # written past the ORM, which never edits a response (corrections do)
            "answers": answers,
            "quality_flags": ["brs:straightlining", "=sum"] if n % 2 else [],
            "duration_seconds": 60 * n if n % 5 else None,
        }
        table = Response.__table__
        dbsession.execute(update(table).where(table.c.id == response.id).values(**stored))
    scores = list(dbsession.execute(select(Score).order_by(Score.id)).scalars())
    scores[0].value, scores[1].value, scores[2].value = 3.0, 7 / 3, 0.1 + 0.2
    dbsession.execute(delete(Response.__table__).where(Response.id == responses[-1].id))
    dbsession.flush()
    return world


def plan_with_a_multiple_choice(intervention) -> exports.Layout:
    plan = exports.layout(intervention, free_text=True)
    dummies = {f"hobbies__{v}": ("hobbies", v) for v in (1, 2, 3)}
    columns = plan.columns + tuple(
        exports.Column(name, name, "number", {0: "no", 1: "yes"}) for name in dummies
    )
    multiple = {**plan.multiple, **dummies}
    return exports.Layout(columns, plan.items, multiple, plan.scores, plan.texts)


@pytest.mark.parametrize("style", ["international", "excel_nl"])
@pytest.mark.parametrize("fmt", ["csv_long", "csv_wide"])
def test_copy_writes_the_same_bytes_as_python(dbsession, world, fmt, style):
    plan = plan_with_a_multiple_choice(world.intervention)
    rows, columns = exports.rows_for(dbsession, world.intervention, fmt, plan)
    by_python = b"".join(exports.csv_chunks(rows, columns, style=style))
    by_copy = b"".join(
        export_copy.csv_chunks(dbsession, world.intervention, fmt, plan, style=style)
    )
    assert by_copy.count(b"\r\n") > 40 and b"line one\nline two" in by_copy
    if style == "excel_nl":  # a decimal comma in numbers only, never in text
        assert b"2,3333333333333335" in by_copy and b'"gewoon; 2.5"' in by_copy
    else:
        assert b"2.3333333333333335" in by_copy and b"gewoon; 2.5" in by_copy
    assert by_copy.splitlines() == by_python.splitlines()
    assert by_copy == by_python


def test_copy_counts_rows_for_the_progress_bar(dbsession, world):
    plan = exports.layout(world.intervention)
    seen = []
    chunks = export_copy.csv_chunks(
        dbsession, world.intervention, "csv_long", plan, progress=seen.append, every=10
    )
    body = b"".join(chunks)
    assert seen == [10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert body.count(b"\r\n") == 1 + exports.count_responses(dbsession, world.intervention)


class Stop(Exception):
    """What a job's progress raises when its user cancels (evalsys.jobs.run.Cancelled)."""


def test_a_cancel_half_way_ends_the_copy_and_the_connection_goes_on(dbsession, world):
    def cancel(count):
        raise Stop(count)

    plan = exports.layout(world.intervention)
    chunks = export_copy.csv_chunks(
        dbsession, world.intervention, "csv_long", plan, progress=cancel, every=10
    )
    with pytest.raises(Stop):
        b"".join(chunks)
    assert exports.count_responses(dbsession, world.intervention) == 2 * 47 - 1


@pytest.mark.parametrize("fmt", ["csv_long", "csv_wide"])
def test_copy_names_colliding_items_as_python_does(dbsession, tm, fmt):
    """Items named like the fixed columns, a dummy or a score: the same columns, the same
    bytes (evalsys.results.export_names' rule on both paths)."""
    if dbsession.get_bind().dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's; on SQLite the Python writer is the only one")
    clash = export_world.build(dbsession, tm).intervention
    plan = exports.layout(clash)
    rows, columns = exports.rows_for(dbsession, clash, fmt, plan)
    by_python = b"".join(exports.csv_chunks(rows, columns))
    by_copy = b"".join(export_copy.csv_chunks(dbsession, clash, fmt, plan))
    assert b"item_site_2" in by_copy.split(b"\r\n")[0] and b"act__1_2" in by_copy
    assert by_copy == by_python
