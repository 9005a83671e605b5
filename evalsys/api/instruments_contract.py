"""The JSON API's contract for instruments (evalsys/api/instruments.py): the library, importing a
form, exporting an instrument, and the questionnaire as a client shows it; schemas and
operations in the OpenAPI document."""

from __future__ import annotations

from evalsys.api.openapi_parts import errors, ok, path_param, query
from evalsys.api.schemas import object_schema
from evalsys.setup.instrument_export import MEDIA_TYPES

TEXTS = {"type": "object", "additionalProperties": {"type": "string"}}
_MAYBE_TEXT = {"type": ["string", "null"]}
_CONDITION = {
    "type": ["string", "null"],
    "description": "shown only when this condition on earlier answers holds (XLSForm syntax: "
    "`${q1} = 1 and selected(${q2}, 3)`); null: always",
}
_CHOICE = object_schema(
    {
        "value": {"type": "integer", "description": "what an answer sends and stores"},
        "label": TEXTS,
        "name": {
            "type": ["string", "null"],
            "description": "the choice name of the form it was imported from (XLSForm choice "
            "name, REDCap code), where the value is a number evalsys gave it",
        },
    },
    ("value", "label", "name"),
)
_INSTRUMENT_IDS = {"type": "array", "items": {"type": "string"}}

FILE_TYPES = MEDIA_TYPES  # the set-up page downloads the very same files
# raw bodies an import takes, besides multipart/form-data (a token only)
RAW_TYPES = (
    FILE_TYPES["xlsform"],
    "application/vnd.ms-excel",
    "text/csv",
    "application/octet-stream",
)

INSTRUMENT_SCHEMAS: dict[str, dict] = {
    "QuestionnaireItem": object_schema(
        {
            "id": {"type": "string", "description": "the key of its answer"},
            "type": {"type": "string"},
            "required": {"type": "boolean"},
            "text": {**TEXTS, "description": "the question in every language it has"},
            "hint": TEXTS,
            "options": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "the values of `choices`, in order",
            },
            "choices": {"type": "array", "items": _CHOICE},
            "missing": {
                "type": "array",
                "items": _CHOICE,
                "description": "missing-data codes: valid answers that count as missing",
            },
            "min": {"type": ["number", "null"]},
            "max": {"type": ["number", "null"]},
            "integer": {"type": "boolean", "description": "whole numbers only"},
            "max_length": {"type": ["integer", "null"]},
            "relevant": _CONDITION,
            "group": {**_MAYBE_TEXT, "description": "the innermost group it is in"},
            "constraint": {
                "type": ["string", "null"],
                "description": "a condition on its own answer `.` (e.g. `. >= 0 and . <= 10`)",
            },
            "constraint_message": TEXTS,
        },
        (
            "id",
            "type",
            "required",
            "text",
            "hint",
            "options",
            "choices",
            "missing",
            "min",
            "max",
            "integer",
            "max_length",
            "relevant",
            "group",
            "constraint",
            "constraint_message",
        ),
    ),
    "QuestionnaireGroup": object_schema(
        {
            "id": {"type": "string"},
            "title": TEXTS,
            "relevant": _CONDITION,
            "parent": {**_MAYBE_TEXT, "description": "the group it is in"},
        },
        ("id", "title", "relevant", "parent"),
    ),
    "QuestionnaireInstrument": object_schema(
        {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "kind": {"type": "string", "enum": ["questionnaire", "matrix", "demographics"]},
            "title": TEXTS,
            "section_title": {**TEXTS, "description": "the heading a participant sees"},
            "instructions": TEXTS,
            "languages": {
                **TEXTS,
                "description": "language -> original, validated or working (translation)",
            },
            "relevant": _CONDITION,
            "groups": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/QuestionnaireGroup"},
            },
            "scales": {"type": "array", "items": {"type": "string"}},
            "items": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/QuestionnaireItem"},
            },
        },
        (
            "id",
            "version",
            "kind",
            "title",
            "section_title",
            "instructions",
            "languages",
            "relevant",
            "groups",
            "scales",
            "items",
        ),
    ),
    "Questionnaire": object_schema(
        {
            "version": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "has_responses": {"type": "boolean"},
            "languages": {"type": "array", "items": {"type": "string"}},
            "consent": {**TEXTS, "description": "the consent text, per language"},
            "instruments": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/QuestionnaireInstrument"},
                "description": "in the order participants see them: the block of questions "
                "about the participant (if any) first",
            },
        },
        ("version", "created_at", "has_responses", "languages", "consent", "instruments"),
    ),
    "InstrumentImport": object_schema(
        {
            "intervention": {"type": "string", "description": "the intervention it is for"},
            "format": {"type": "string", "enum": ["xlsform", "redcap"]},
            "added": {
                "type": "array",
                "items": {"type": "string"},
                "description": "`id@version` of each instrument this import stored",
            },
            "instruments": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/LibraryInstrument"},
            },
            "demographics": {
                "oneOf": [{"$ref": "#/components/schemas/LibraryInstrument"}, {"type": "null"}],
                "description": "the form's block of questions about the participant",
            },
            "form_ids": {**TEXTS, "description": "stored id -> the id the form gave"},
            "consent": {
                "type": "string",
                "enum": ["none", "set", "same", "kept"],
                "description": "the form's consent text: none in the form; set as the "
                "intervention's (it had none); the same as the intervention's; or kept out "
                "(the intervention has another one, which stays)",
            },
        },
        ("intervention", "format", "added", "instruments", "demographics", "form_ids", "consent"),
    ),
}

_IMPORT_PARAMETERS = [
    query("format", "xlsform or redcap (default: by the file name or its first bytes)"),
    query(
        "intervention",
        "the intervention's slug the form is for (default: a token's intervention)",
    ),
    query("filename", "the file's name, for the format and the messages (raw bodies)"),
]
_MULTIPART = {
    "schema": {
        "type": "object",
        "properties": {
            "file": {"contentMediaType": "application/octet-stream"},
            "format": {"type": "string", "enum": ["xlsform", "redcap"]},
            "intervention": {"type": "string"},
        },
        "required": ["file"],
    }
}

INSTRUMENT_OPERATIONS: dict[str, tuple[str, dict]] = {
    "api.instruments": (
        "/instruments",
        {
            "get": {
                "operationId": "listInstruments",
                "summary": "The instrument library to build questionnaires from",
                "description": "The bundled instruments and those imported (ids of imported "
                "ones start with their intervention's slug), and the blocks of questions about "
                "the participant (kind `demographics`).",
                "responses": {
                    **ok(200, "InstrumentList", "the library"),
                    **errors(403),
                },
            }
        },
    ),
    "api.instrument_import": (
        "/instruments/import",
        {
            "post": {
                "operationId": "importInstruments",
                "summary": "Import an XLSForm or a REDCap data dictionary as instruments",
                "description": "For one intervention, with the rights of setting it up: an "
                "admin's or its evaluator's session, or a `submit` token for the whole "
                "intervention. The file is the raw body (its own Content-Type; with a "
                "session the only way) or, with a token, the `file` field of a "
                "multipart/form-data body. The stored ids start with the intervention's "
                "slug. Everything or nothing is stored; 422 lists every problem of the form, "
                "one detail each; 409 when every block is stored already (or a changed "
                "form reuses a version).",
                "parameters": _IMPORT_PARAMETERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        **{media: {"schema": {"contentMediaType": media}} for media in RAW_TYPES},
                        "multipart/form-data": _MULTIPART,
                    },
                },
                "responses": {
                    **ok(201, "InstrumentImport", "stored"),
                    **errors(400, 403, 409, 413, 415, 422),
                },
            }
        },
    ),
    "api.instrument_export": (
        "/instruments/{id}/export",
        {
            "parameters": [path_param("id", "the instrument's id")],
            "get": {
                "operationId": "exportInstrument",
                "summary": "An instrument as an XLSForm, a REDCap data dictionary or YAML",
                "parameters": [
                    query(
                        "format",
                        "xlsform (default), redcap or yaml",
                        {"enum": list(FILE_TYPES)},
                    ),
                    query("version", "a version (default: the newest)"),
                ],
                "responses": {
                    "200": {
                        "description": "the file",
                        "content": {
                            media: {"schema": {"contentMediaType": media}}
                            for media in FILE_TYPES.values()
                        },
                    },
                    **errors(403, 404, 422),
                },
            },
        },
    ),
}
