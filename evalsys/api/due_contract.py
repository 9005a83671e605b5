"""The JSON API's contract for a site's due list (evalsys/api/due_list.py): its schema and its
operation in the OpenAPI document."""

from __future__ import annotations

from evalsys.api.openapi_parts import SITE, SLUG, errors, ok, query
from evalsys.api.schemas import object_schema
from evalsys.followup.schedule import STATUSES

_DATE = {"type": ["string", "null"], "format": "date"}
_STATUS = {"type": "string", "enum": list(STATUSES)}
DUE_SCHEMAS: dict[str, dict] = {
    "DueParticipant": object_schema(
        {
            "participant_code": {"type": "string"},
            "group": {"type": "string", "enum": ["intervention", "comparison"]},
            "last_wave": {"type": ["string", "null"]},
            "last_answered_on": _DATE,
            "next_wave": {"type": ["string", "null"], "description": "null: every wave done"},
            "opens_on": _DATE,
            "closes_on": _DATE,
            "status": _STATUS,
            "missed_waves": {"type": "array", "items": {"type": "string"}},
        },
        (
            "participant_code",
            "group",
            "last_wave",
            "last_answered_on",
            "next_wave",
            "opens_on",
            "closes_on",
            "status",
            "missed_waves",
        ),
    ),
    "DueList": object_schema(
        {
            "on": {"type": "string", "format": "date"},
            "counts": {
                "type": "object",
                "properties": {s: {"type": "integer"} for s in STATUSES},
                "additionalProperties": False,
            },
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DueParticipant"}},
        },
        ("on", "counts", "items"),
    ),
}
DUE_OPERATIONS: dict[str, tuple[str, dict]] = {
    "api.site_due": (
        "/interventions/{slug}/sites/{site}/due",
        {
            "parameters": [SLUG, SITE],
            "get": {
                "operationId": "getDueList",
                "summary": "Who is due for their next wave at this site (participant codes only)",
                "description": "Each participant's next wave after the last one answered, its "
                "personal window and status (docs/follow-up.md). Without `status`: the ones that "
                "ask for action (overdue, open, due_soon, missed). Audited as a read of "
                "participant-level data. A read token (a submit token gets 403).",
                "parameters": [query("status", "only this status", _STATUS)],
                "responses": {**ok(200, "DueList", "the due list"), **errors(403, 404, 422)},
            },
        },
    ),
}
