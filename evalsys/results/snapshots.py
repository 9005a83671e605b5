"""Evaluations kept per data snapshot: the same data are analysed once, not on every page view.

An evaluation depends on the intervention (its design, sites, waves and questionnaire
versions), on its responses, and on the report's language and ``min_cell``. Responses are only
ever added, superseded, voided (``superseded_at``) or deleted (erasure, retention), never changed
in place, so one aggregate query tells whether they changed: their count, the largest id, the
last ``superseded_at`` and the last ``received_at`` (a deleted row that SQLite hands out again
as an id comes with a new ``received_at``). The results page, a filter change on it, the PDF
of the current data and the preview before publishing then share one computation; a new
response, a correction or an erasure makes a new snapshot.

The kept evaluations live in this process (each server process has its own), at most
:data:`KEPT`, the least recently used going first. Their ``data_taken_at`` is moved to the
moment of asking: the data were checked to be the same then.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import func, select

from evalsys.collection.models import Response
from evalsys.db.meta import utcnow
from evalsys.programme.models import Intervention

KEPT = 16

_kept: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def data_version(dbsession, intervention: Intervention) -> tuple:
    """What an evaluation of ``intervention`` reads, in a few values: equal means equal data."""
    responses = dbsession.execute(
        select(
            func.count(Response.id),
            func.max(Response.id),
            func.max(Response.superseded_at),
            func.max(Response.received_at),
        )
        # Test responses are in no evaluation: storing or deleting them changes nothing.
        .where(Response.intervention_id == intervention.id, Response.test.is_(False))
    ).one()
    columns = Intervention.__table__.columns
    return (
        repr(tuple(getattr(intervention, column.key) for column in columns)),
        tuple((s.id, s.slug, s.name) for s in intervention.sites),
        tuple(
            (w.id, w.label, w.name, tuple(sorted((w.names or {}).items())), w.position)
            for w in intervention.waves
        ),
        tuple((q.id, q.version, q.created_at) for q in intervention.questionnaires),
        tuple(responses),
    )


def remembered(key: Hashable, compute: Callable[[], object]):
    """The evaluation kept under ``key``, with ``data_taken_at`` now, else ``compute()``'s."""
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
    if found is None:
        found = compute()
        with _lock:
            _kept[key] = found
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
        return found
    now = utcnow()
    meta = dataclasses.replace(found.meta, data_taken_at=now)
    return dataclasses.replace(found, meta=meta, data_taken_at=now)


def forget_all() -> None:
    """Drop every kept evaluation (for tests that time a computation)."""
    with _lock:
        _kept.clear()
