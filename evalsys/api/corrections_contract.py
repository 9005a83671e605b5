"""The JSON API's contract for corrections, moves and voids of a stored response: their bodies
(JSON Schemas) and their operations in the OpenAPI document (evalsys/api/corrections.py)."""

from __future__ import annotations

from evalsys.api.openapi_parts import LOCATION, WRITE_ERRORS, body, errors, ok, path_param
from evalsys.api.schemas import ANSWER, ONE_LINE, SCHEMAS, object_schema

# Corrections, moves and voids of a stored response (evalsys/api/corrections.py).
_REASON = {
    "reason": {
        "type": "string",
        "enum": [
            "typing_error",
            "wrong_participant_code",
            "wrong_wave",
            "participant_request",
            "wrong_code_match",
            "entered_by_mistake",
            "other",
        ],
    },
    "reason_text": {"type": "string", "maxLength": 1000, "description": "required for other"},
}
CORRECTION_SCHEMAS: dict[str, dict] = {
    "ResponseCorrection": object_schema(
        {**_REASON, "answers": SCHEMAS["ResponseSubmission"]["properties"]["answers"]},
        ("answers", "reason"),
    ),
    "ResponseMove": object_schema(
        {
            **_REASON,
            "participant_code": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "pattern": ONE_LINE,
            },
            "wave": {"type": "string", "minLength": 1, "maxLength": 16, "pattern": ONE_LINE},
        },
        ("reason",),
        minProperties=2,
    ),
    "ResponseVoid": object_schema(_REASON, ("reason",)),
    "ResponseChange": object_schema(
        {
            "action": {
                "type": "string",
                "enum": ["response_corrected", "response_moved", "response_voided"],
            },
            "occurred_at": {"type": "string", "format": "date-time"},
            "actor": {"type": "string"},
            "response_id": {"type": "integer", "description": "the version changed"},
            "new_version": {"type": ["integer", "null"]},
            "reason": {"type": "string"},
            "reason_text": {"type": "string"},
            "changes": {
                "type": "object",
                "description": "item id -> [old answer, new answer]",
                "additionalProperties": {"type": "array", "items": ANSWER},
            },
            "moved": {
                "type": ["object", "null"],
                "description": "participant_code and wave, each [old, new]",
            },
            "code_match_confirmed": {
                "type": "boolean",
                "description": "a move to where the response was, confirming its code match",
            },
        },
        (
            "action",
            "occurred_at",
            "actor",
            "response_id",
            "new_version",
            "reason",
            "reason_text",
            "changes",
            "moved",
        ),
    ),
    "ResponseHistory": object_schema(
        {
            "current_id": {"type": ["integer", "null"], "description": "null: voided"},
            "versions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/StoredResponse"},
            },
            "changes": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ResponseChange"},
            },
        },
        ("current_id", "versions", "changes"),
    ),
}


# Corrections, moves and voids of a stored response (evalsys/api/corrections.py; docs/api.md).
_VERSION_ID = path_param(
    "id", "the version the change starts from (409 when no longer current)", {"type": "integer"}
)
_CHANGE_NOTE = (
    "A token with permission `submit` covering the response's site, or a session of the "
    "intervention's evaluator or the site's coordinator. The stored version is kept; `{id}` "
    "must be the current version, else 409 `superseded` with the current version's id in "
    "`details` and its URL in `Content-Location`, and nothing is changed. A reason is "
    "required (`other` needs `reason_text`)."
)
CORRECTION_OPERATIONS: dict[str, tuple[str, dict]] = {
    "api.response_history": (
        "/responses/{id}/history",
        {
            "get": {
                "operationId": "getResponseHistory",
                "summary": "Every version of a response and who changed what and why",
                "parameters": [path_param("id", "any version's id", {"type": "integer"})],
                "responses": {
                    **ok(200, "ResponseHistory", "versions, oldest first, and changes"),
                    **errors(403, 404),
                },
            }
        },
    ),
    "api.response_corrections": (
        "/responses/{id}/corrections",
        {
            "post": {
                "operationId": "correctResponse",
                "summary": "Store corrected answers as a new version (re-scored, re-flagged)",
                "description": _CHANGE_NOTE + " The answers are validated as at entry, "
                "against the questionnaire version of the response.",
                "parameters": [_VERSION_ID],
                "requestBody": body("ResponseCorrection"),
                "responses": {
                    **ok(201, "StoredResponse", "the new version", LOCATION),
                    **errors(*WRITE_ERRORS),
                },
            }
        },
    ),
    "api.response_moves": (
        "/responses/{id}/moves",
        {
            "post": {
                "operationId": "moveResponse",
                "summary": "Move a response to another participant code or wave",
                "description": _CHANGE_NOTE + " A code of another site is refused; a new "
                "code is registered at the response's site. A participant who has a "
                "response in the target wave already: 409 `already_answered`. A move to the "
                "code and wave the response has now confirms its code match (flag "
                "`code_matched_with_one_difference`: the link is right; "
                "`code_match_ambiguous`: a person of their own) and drops the flag; a wrong "
                "link is undone by a move to its `entered_code`.",
                "parameters": [_VERSION_ID],
                "requestBody": body("ResponseMove"),
                "responses": {
                    **ok(201, "StoredResponse", "the new version", LOCATION),
                    **errors(*WRITE_ERRORS),
                },
            }
        },
    ),
    "api.response_void": (
        "/responses/{id}/void",
        {
            "post": {
                "operationId": "voidResponse",
                "summary": "Void a response entered by mistake",
                "description": _CHANGE_NOTE + " A voided response leaves every list, "
                "analysis and export and stays in its history.",
                "parameters": [_VERSION_ID],
                "requestBody": body("ResponseVoid"),
                "responses": {
                    **ok(200, "StoredResponse", "the voided response"),
                    **errors(*WRITE_ERRORS),
                },
            }
        },
    ),
}
