"""What every operation of the API document is made of: error answers, bodies, parameters."""

from __future__ import annotations

PREFIX = "/api/v1"

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
ERROR_TEXT = {
    400: "The body is not JSON (or a query parameter is malformed).",
    401: "No token, or the token is unknown, revoked or expired.",
    403: "The token or account may not do this.",
    404: "Not found, or outside what the token or account may see.",
    405: "Method not allowed here.",
    409: "Conflicts with what is stored.",
    410: "The survey link or its wave takes no answers now; or the report was withdrawn.",
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


def errors(*statuses: int) -> dict:
    out = {}
    for status in sorted({401, 500, 503, *statuses}):
        out[str(status)] = {"description": ERROR_TEXT[status], "content": ERROR}
        if status in (429, 503):
            out[str(status)]["headers"] = RETRY_AFTER
    return out


def ok(status: int, schema: str, description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if headers:
        response["headers"] = headers
    return {str(status): response}


def body(schema: str) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def path_param(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


SLUG = path_param("slug", "the intervention's slug")
SITE = path_param("site", "the site's slug")
LABEL = path_param("label", "the wave's label, e.g. T0")
WRITE_ERRORS = (400, 403, 404, 409, 413, 415, 422)
