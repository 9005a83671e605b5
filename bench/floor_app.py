"""The floor under any submission path: the bare endpoint plus evalsys's one storing statement.

gunicorn 'bench.floor_app:app' with EVALSYS_DATABASE_URL and EVALSYS_LINK set: POST
/api/v1/responses reads the JSON body and runs the statement that stores a participant, a
response and its scores (services.response_inserts) on a connection of its thread, with what
the link names and two fixed scores. No token, no validation, no scoring, no SQLAlchemy, no
transaction manager: what is left is the web stack, one round trip and PostgreSQL's own work
for the rows, their indexes and foreign keys. bench_submissions.py measures it beside evalsys
and the bare endpoint, so the share of the bare stack that the storing alone leaves reads off
one run. GET / answers as bare_app does (the bench waits for it).
"""

from __future__ import annotations

import datetime as dt
import os
import threading

import orjson
import psycopg
from psycopg.types.json import Jsonb
from pyramid.config import Configurator
from pyramid.response import Response
from sqlalchemy import create_engine

from evalsys.collection.response_inserts import _PARTICIPANT_RESPONSE_WITH_SCORES
from evalsys.json_text import dumps

URL = os.environ.get("EVALSYS_DATABASE_URL", "")
_SCORES = [
    {"instrument_key": key, "scale": "total", "value": 3.0, "items_answered": n, "band": None}
    for key, n in (("brs", 6), ("gse", 10))
]
_local = threading.local()


def _link_values() -> dict:
    with psycopg.connect(_dsn()) as connection:
        intervention_id, site_id, wave_id, group_name, questionnaire_id = connection.execute(
            "SELECT l.intervention_id, l.site_id, l.wave_id, l.group_name, "
            "(SELECT max(q.id) FROM questionnaires q WHERE q.intervention_id = l.intervention_id)"
            " FROM survey_links l WHERE l.token = %s",
            (os.environ["EVALSYS_LINK"],),
        ).fetchone()
    return {
        "intervention_id": intervention_id,
        "site_id": site_id,
        "wave_id": wave_id,
        "group_name": group_name,
        "questionnaire_id": questionnaire_id,
        "instruments": Jsonb({"brs": 1, "gse": 1}, dumps=dumps),
        "language": "nl",
        "mode": "api",
        "duration_seconds": None,
        "quality_flags": Jsonb([], dumps=dumps),
        "submitted_by_id": None,
        "consent_at": None,
        "consent_by": None,
        "entered_code": None,
        "test": False,
        "scores": Jsonb(_SCORES, dumps=dumps),
    }


def _dsn() -> str:
    return URL.replace("postgresql+psycopg://", "postgresql://")


def _connection():
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = psycopg.connect(_dsn(), autocommit=True)
    return connection


def store(request):
    body = orjson.loads(request.body)
    now = dt.datetime.now(dt.UTC)
    values = {
        **_FIXED,
        "submission_id": body["submission_id"],
        "code": body["participant_code"],
        "answers": Jsonb(body["answers"], dumps=dumps),
        "submitted_at": now,
        "received_at": now,
        "created_at": now,
    }
    row = _connection().execute(_SQL, values).fetchone()
    created = row is not None and row[-1] is not None
    return Response(
        body=orjson.dumps({"id": None if row is None else row[-1]}),
        status=201 if created else 200,
        content_type="application/json",
    )


def hello(request):
    return {"status": "ok"}


# evalsys's own compiled text of the statement (models.core.Prepared), as the app runs it.
_SQL = (
    _PARTICIPANT_RESPONSE_WITH_SCORES.plan(create_engine("postgresql+psycopg://").dialect, {}).sql
    if URL
    else ""
)
_FIXED = _link_values() if URL else {}

with Configurator() as config:
    config.add_route("hello", "/")
    config.add_view(hello, route_name="hello", renderer="json")
    config.add_route("responses", "/api/v1/responses")
    config.add_view(store, route_name="responses", request_method="POST")
    app = config.make_wsgi_app()
