"""The OpenAPI 3.1 document of the JSON API, built from the same schemas the views validate with."""

from __future__ import annotations

import copy
from functools import cache

from evalsys.api.schemas import SCHEMAS

PREFIX = "/api/v1"

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
ERROR_TEXT = {
    400: "The body is not JSON (or a query parameter is malformed).",
    401: "No token, or the token is unknown, revoked or expired.",
    403: "The token or account may not do this.",
    404: "Not found, or outside what the token or account may see.",
    405: "Method not allowed here.",
    409: "Conflicts with what is stored.",
    410: "The survey link or its wave takes no answers now.",
    413: "The body is larger than the limit.",
    415: "Send Content-Type: application/json.",
    422: "A field is missing or wrong; details name each field.",
    429: "Too many requests from this address; wait Retry-After seconds.",
    500: "Unexpected error.",
    503: "The database cannot be reached for a moment; repeat the request after Retry-After.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
    }
}
LOCATION = {"Location": {"description": "URL of the stored response", "schema": {"type": "string"}}}


def _errors(*statuses: int) -> dict:
    out = {}
    for status in sorted({401, 500, 503, *statuses}):
        out[str(status)] = {"description": ERROR_TEXT[status], "content": ERROR}
        if status in (429, 503):
            out[str(status)]["headers"] = RETRY_AFTER
    return out


def _ok(status: int, schema: str, description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if headers:
        response["headers"] = headers
    return {str(status): response}


def _body(schema: str) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _path_param(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


SLUG = _path_param("slug", "the intervention's slug")
SITE = _path_param("site", "the site's slug")
LABEL = _path_param("label", "the wave's label, e.g. T0")
WRITE_ERRORS = (400, 403, 404, 409, 413, 415, 422)

# route name -> (path below /api/v1, {method: operation})
OPERATIONS: dict[str, tuple[str, dict]] = {
    "api.openapi": (
        "/openapi.json",
        {
            "get": {
                "operationId": "getOpenAPI",
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "500": {"description": ERROR_TEXT[500], "content": ERROR},
                },
            }
        },
    ),
    "api.instruments": (
        "/instruments",
        {
            "get": {
                "operationId": "listInstruments",
                "summary": "The instrument library to build questionnaires from",
                "responses": {
                    **_ok(200, "InstrumentList", "bundled instruments"),
                    **_errors(403),
                },
            }
        },
    ),
    "api.responses": (
        "/responses",
        {
            "post": {
                "operationId": "submitResponse",
                "summary": "Store one participant's answers (idempotent on submission_id)",
                "description": "A token with permission `submit` covering the link's site. "
                "201 when stored, 200 with the same response when this submission_id was "
                "stored before with the same answers and participant code for the link's site "
                "and wave: a retry never makes a second row. The same submission_id with other "
                "answers or another code is 409 `submission_conflict`; for another site, wave "
                "or intervention 409 `submission_id_reused`. Neither shows the stored response. "
                "A text with a control character (NUL and the like; tab and line breaks are "
                "fine) is 422 with the code `invalid_characters` on its field.",
                "requestBody": _body("ResponseSubmission"),
                "responses": {
                    **_ok(201, "StoredResponse", "stored", LOCATION),
                    **_ok(200, "StoredResponse", "stored before under this submission_id"),
                    **_errors(*WRITE_ERRORS, 410, 429),
                },
            },
            "get": {
                "operationId": "listResponses",
                "summary": "Responses within the token's scope, oldest first",
                "description": "A token with permission `read` (or a session of an evaluator "
                "or coordinator). Only current responses; corrected ones are left out.",
                "parameters": [
                    _query("intervention", "an intervention's slug"),
                    _query("site", "a site's slug"),
                    _query("wave", "a wave's label, e.g. T0"),
                    _query(
                        "limit",
                        "page size (default 100)",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                    ),
                    _query("cursor", "next_cursor of the previous page"),
                ],
                "responses": {**_ok(200, "ResponsePage", "one page"), **_errors(400, 403, 422)},
            },
        },
    ),
    "api.response": (
        "/responses/{id}",
        {
            "get": {
                "operationId": "getResponse",
                "summary": "One response (404 when outside the token's scope)",
                "parameters": [_path_param("id", "the response id", {"type": "integer"})],
                "responses": {**_ok(200, "StoredResponse", "the response"), **_errors(403, 404)},
            }
        },
    ),
    "api.interventions": (
        "/interventions",
        {
            "get": {
                "operationId": "listInterventions",
                "summary": "Interventions the token or account may see",
                "responses": {**_ok(200, "InterventionList", "interventions"), **_errors(403)},
            },
            "post": {
                "operationId": "createIntervention",
                "summary": "Create an intervention (session of an admin or evaluator)",
                "requestBody": _body("InterventionCreate"),
                "responses": {
                    **_ok(201, "Intervention", "created"),
                    **_errors(*WRITE_ERRORS),
                },
            },
        },
    ),
    "api.intervention": (
        "/interventions/{slug}",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "getIntervention",
                "summary": "One intervention with its sites and waves",
                "responses": {**_ok(200, "Intervention", "the intervention"), **_errors(404)},
            },
            "patch": {
                "operationId": "changeIntervention",
                "summary": "Change description, target group, protective factors or design",
                "requestBody": _body("InterventionChange"),
                "responses": {**_ok(200, "Intervention", "changed"), **_errors(*WRITE_ERRORS)},
            },
        },
    ),
    "api.sites": (
        "/interventions/{slug}/sites",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "listSites",
                "summary": "The intervention's sites within the token's scope",
                "responses": {**_ok(200, "SiteList", "sites"), **_errors(404)},
            },
            "post": {
                "operationId": "addSite",
                "summary": "Add a site",
                "requestBody": _body("SiteCreate"),
                "responses": {**_ok(201, "Site", "added"), **_errors(*WRITE_ERRORS)},
            },
        },
    ),
    "api.site_coordinators": (
        "/interventions/{slug}/sites/{site}/coordinators",
        {
            "parameters": [SLUG, SITE],
            "get": {
                "operationId": "listCoordinators",
                "summary": "The coordinator accounts of this site",
                "responses": {**_ok(200, "CoordinatorList", "coordinators"), **_errors(404)},
            },
            "post": {
                "operationId": "assignCoordinator",
                "summary": "Give a coordinator account access to this site",
                "requestBody": _body("CoordinatorAssignment"),
                "responses": {
                    **_ok(201, "Coordinator", "assigned"),
                    **_ok(200, "Coordinator", "was already assigned"),
                    **_errors(*WRITE_ERRORS),
                },
            },
        },
    ),
    "api.links": (
        "/interventions/{slug}/links",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "listSurveyLinks",
                "summary": "The survey links within the scope (the link a submission names)",
                "responses": {**_ok(200, "SurveyLinkList", "survey links"), **_errors(404)},
            },
        },
    ),
    "api.waves": (
        "/interventions/{slug}/waves",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "listWaves",
                "summary": "The intervention's waves, in order",
                "responses": {**_ok(200, "WaveList", "waves"), **_errors(404)},
            },
            "post": {
                "operationId": "addWave",
                "summary": "Add a wave (measurement occasion)",
                "requestBody": _body("WaveCreate"),
                "responses": {**_ok(201, "Wave", "added"), **_errors(*WRITE_ERRORS)},
            },
        },
    ),
    "api.wave": (
        "/interventions/{slug}/waves/{label}",
        {
            "parameters": [SLUG, LABEL],
            "get": {
                "operationId": "getWave",
                "summary": "One wave",
                "responses": {**_ok(200, "Wave", "the wave"), **_errors(404)},
            },
            "patch": {
                "operationId": "changeWave",
                "summary": "Change a wave's name, dates or participant code mode",
                "requestBody": _body("WaveChange"),
                "responses": {**_ok(200, "Wave", "changed"), **_errors(*WRITE_ERRORS)},
            },
        },
    ),
    "api.questionnaire": (
        "/interventions/{slug}/questionnaire",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "getQuestionnaire",
                "summary": "The current questionnaire version with its instruments and items",
                "responses": {**_ok(200, "Questionnaire", "current version"), **_errors(404)},
            },
            "put": {
                "operationId": "setQuestionnaire",
                "summary": "Choose and order the instruments; makes a new version",
                "description": "Versions are never changed in place: responses keep the "
                "version they were given with. The same instruments again keep the current "
                "version (200).",
                "requestBody": _body("QuestionnaireChange"),
                "responses": {
                    **_ok(201, "Questionnaire", "a new version"),
                    **_ok(200, "Questionnaire", "unchanged: the current version"),
                    **_errors(*WRITE_ERRORS),
                },
            },
        },
    ),
}


# Corrections, moves and voids of a stored response (evalsys/api/corrections.py; docs/api.md).
_VERSION_ID = _path_param(
    "id", "the version the change starts from (409 when no longer current)", {"type": "integer"}
)
_CHANGE_NOTE = (
    "A token with permission `submit` covering the response's site, or a session of the "
    "intervention's evaluator or the site's coordinator. The stored version is kept; `{id}` "
    "must be the current version, else 409 `superseded` with the current version's id in "
    "`details` and its URL in `Content-Location`, and nothing is changed. A reason is "
    "required (`other` needs `reason_text`)."
)
OPERATIONS.update(
    {
        "api.response_history": (
            "/responses/{id}/history",
            {
                "get": {
                    "operationId": "getResponseHistory",
                    "summary": "Every version of a response and who changed what and why",
                    "parameters": [_path_param("id", "any version's id", {"type": "integer"})],
                    "responses": {
                        **_ok(200, "ResponseHistory", "versions, oldest first, and changes"),
                        **_errors(404),
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
                    "requestBody": _body("ResponseCorrection"),
                    "responses": {
                        **_ok(201, "StoredResponse", "the new version", LOCATION),
                        **_errors(*WRITE_ERRORS),
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
                    "response in the target wave already: 409 `already_answered`.",
                    "parameters": [_VERSION_ID],
                    "requestBody": _body("ResponseMove"),
                    "responses": {
                        **_ok(201, "StoredResponse", "the new version", LOCATION),
                        **_errors(*WRITE_ERRORS),
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
                    "requestBody": _body("ResponseVoid"),
                    "responses": {
                        **_ok(200, "StoredResponse", "the voided response"),
                        **_errors(*WRITE_ERRORS),
                    },
                }
            },
        ),
    }
)


@cache
def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "evalsys API",
            "version": "1.0.0",
            "description": "Submit questionnaire responses, read them within a token's "
            "scope, and set up interventions. Every error has the shape of the Error schema. "
            "See docs/api.md.",
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {path: operations for path, operations in OPERATIONS.values()},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an API token made on the account page",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "evalsys_session"},
            },
        },
    }


def document() -> dict:
    """A fresh copy of the document (callers may change it)."""
    return copy.deepcopy(_document())


def route_pattern(name: str) -> str:
    """The URL pattern Pyramid routes for an operation (the OpenAPI path under /api/v1)."""
    return PREFIX + OPERATIONS[name][0]


def methods_for_route(name: str) -> list[str]:
    operations = OPERATIONS.get(name, ("", {}))[1]
    return sorted(m.upper() for m in operations if m != "parameters")
