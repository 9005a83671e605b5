"""The OpenAPI 3.1 document of the JSON API, built from the same schemas the views validate with."""

from __future__ import annotations

import copy
from functools import cache

from evalsys.api.corrections_contract import CORRECTION_OPERATIONS, CORRECTION_SCHEMAS
from evalsys.api.downloads_contract import DOWNLOAD_OPERATIONS, DOWNLOAD_SCHEMAS
from evalsys.api.due_contract import DUE_OPERATIONS, DUE_SCHEMAS
from evalsys.api.instruments_contract import INSTRUMENT_OPERATIONS, INSTRUMENT_SCHEMAS
from evalsys.api.openapi_parts import (
    ERROR,
    ERROR_TEXT,
    LABEL,
    LOCATION,
    PREFIX,
    SITE,
    SLUG,
    WRITE_ERRORS,
    body,
    errors,
    ok,
    path_param,
    query,
)
from evalsys.api.schemas import SCHEMAS
from evalsys.api.structure_contract import STRUCTURE_SCHEMAS
from evalsys.api.webhooks_contract import WEBHOOK_OPERATIONS, WEBHOOK_SCHEMAS

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
                "requestBody": body("ResponseSubmission"),
                "responses": {
                    **ok(201, "StoredResponse", "stored", LOCATION),
                    **ok(200, "StoredResponse", "stored before under this submission_id"),
                    **errors(*WRITE_ERRORS, 410, 429),
                },
            },
            "get": {
                "operationId": "listResponses",
                "summary": "Responses within the token's scope, oldest first",
                "description": "A token with permission `read` (or a session of an evaluator "
                "or coordinator); a `submit` token gets 403. Only current responses; corrected "
                "ones are left out.",
                "parameters": [
                    query("intervention", "an intervention's slug"),
                    query("site", "a site's slug"),
                    query("wave", "a wave's label, e.g. T0"),
                    query(
                        "limit",
                        "page size (default 100)",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                    ),
                    query("cursor", "next_cursor of the previous page"),
                ],
                "responses": {**ok(200, "ResponsePage", "one page"), **errors(400, 403, 422)},
            },
        },
    ),
    "api.response": (
        "/responses/{id}",
        {
            "get": {
                "operationId": "getResponse",
                "summary": "One response (404 when outside the token's scope; 403 for a "
                "submit token)",
                "parameters": [path_param("id", "the response id", {"type": "integer"})],
                "responses": {**ok(200, "StoredResponse", "the response"), **errors(403, 404)},
            }
        },
    ),
    "api.interventions": (
        "/interventions",
        {
            "get": {
                "operationId": "listInterventions",
                "summary": "Interventions the token or account may see",
                "responses": {**ok(200, "InterventionList", "interventions"), **errors(403)},
            },
            "post": {
                "operationId": "createIntervention",
                "summary": "Create an intervention (session of an admin or evaluator)",
                "requestBody": body("InterventionCreate"),
                "responses": {
                    **ok(201, "Intervention", "created"),
                    **errors(*WRITE_ERRORS),
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
                "responses": {**ok(200, "Intervention", "the intervention"), **errors(404)},
            },
            "patch": {
                "operationId": "changeIntervention",
                "summary": "Change description, target group, protective factors or design",
                "requestBody": body("InterventionChange"),
                "responses": {**ok(200, "Intervention", "changed"), **errors(*WRITE_ERRORS)},
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
                "responses": {**ok(200, "SiteList", "sites"), **errors(404)},
            },
            "post": {
                "operationId": "addSite",
                "summary": "Add a site",
                "requestBody": body("SiteCreate"),
                "responses": {**ok(201, "Site", "added"), **errors(*WRITE_ERRORS)},
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
                "responses": {**ok(200, "CoordinatorList", "coordinators"), **errors(404)},
            },
            "post": {
                "operationId": "assignCoordinator",
                "summary": "Give a coordinator account access to this site",
                "requestBody": body("CoordinatorAssignment"),
                "responses": {
                    **ok(201, "Coordinator", "assigned"),
                    **ok(200, "Coordinator", "was already assigned"),
                    **errors(*WRITE_ERRORS),
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
                "responses": {**ok(200, "SurveyLinkList", "survey links"), **errors(404)},
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
                "responses": {**ok(200, "WaveList", "waves"), **errors(404)},
            },
            "post": {
                "operationId": "addWave",
                "summary": "Add a wave (measurement occasion)",
                "requestBody": body("WaveCreate"),
                "responses": {**ok(201, "Wave", "added"), **errors(*WRITE_ERRORS)},
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
                "responses": {**ok(200, "Wave", "the wave"), **errors(404)},
            },
            "patch": {
                "operationId": "changeWave",
                "summary": "Change a wave's name, dates or participant code mode",
                "requestBody": body("WaveChange"),
                "responses": {**ok(200, "Wave", "changed"), **errors(*WRITE_ERRORS)},
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
                "responses": {**ok(200, "Questionnaire", "current version"), **errors(404)},
            },
            "put": {
                "operationId": "setQuestionnaire",
                "summary": "Choose and order the instruments; makes a new version",
                "description": "Versions are never changed in place: responses keep the "
                "version they were given with. The same instruments again keep the current "
                "version (200).",
                "requestBody": body("QuestionnaireChange"),
                "responses": {
                    **ok(201, "Questionnaire", "a new version"),
                    **ok(200, "Questionnaire", "unchanged: the current version"),
                    **errors(*WRITE_ERRORS),
                },
            },
        },
    ),
}


ALL_OPERATIONS = {
    **INSTRUMENT_OPERATIONS,
    **OPERATIONS,
    **CORRECTION_OPERATIONS,
    **DUE_OPERATIONS,
    **WEBHOOK_OPERATIONS,
    **DOWNLOAD_OPERATIONS,
}


@cache
def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "evalsys API",
            "version": "1.0.0",
            "description": "Submit questionnaire responses, read them within a token's "
            "scope, set up interventions, and download exports, reports and due lists. Every "
            "error has the shape of the Error schema. "
            "See docs/api.md.",
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {path: operations for path, operations in ALL_OPERATIONS.values()},
        "components": {
            "schemas": {
                **SCHEMAS,
                **STRUCTURE_SCHEMAS,
                **INSTRUMENT_SCHEMAS,
                **CORRECTION_SCHEMAS,
                **DUE_SCHEMAS,
                **WEBHOOK_SCHEMAS,
                **DOWNLOAD_SCHEMAS,
            },
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
    return PREFIX + ALL_OPERATIONS[name][0]


def methods_for_route(name: str) -> list[str]:
    operations = ALL_OPERATIONS.get(name, ("", {}))[1]
    return sorted(m.upper() for m in operations if m != "parameters")
