"""Reading an API request: size limit, media type, JSON, and validation against the schemas."""

from __future__ import annotations

import io
from functools import cache

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.openapi import document
from evalsys.api.schemas import ONE_LINE
from evalsys.api.submission_check import conforms_check
from evalsys.json_text import decode

DOCUMENT_URI = "urn:evalsys:api:v1"
CONTROL_CHARACTER = "holds a control character such as NUL; remove it"
DEFAULT_MAX_BODY_BYTES = 256 * 1024

# jsonschema validator keyword -> our detail code
DETAIL_CODES = {
    "required": "required",
    "type": "wrong_type",
    "format": "invalid_format",
    "additionalProperties": "unknown_field",
    "enum": "invalid_option",
    "minLength": "too_short",
    "maxLength": "too_long",
    "pattern": "invalid_format",
    "minimum": "out_of_range",
    "maximum": "out_of_range",
    "minItems": "too_few",
    "maxItems": "too_many",
    "maxProperties": "too_many",
    "minProperties": "empty",
}


def max_body_bytes(request) -> int:
    return int(request.registry.settings.get("evalsys.api.max_body_bytes", DEFAULT_MAX_BODY_BYTES))


def json_body(request, schema: str) -> dict:
    """The request's JSON body, checked against ``schema``; raises ApiError naming each field."""
    limit = max_body_bytes(request)
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(ErrorCode.request_too_large, f"the body may be at most {limit} bytes")
    if request.content_type != "application/json":
        raise ApiError(
            ErrorCode.unsupported_media_type,
            "send the body as JSON with Content-Type: application/json",
        )
    body = _body(request, limit)
    if len(body) > limit:
        raise ApiError(ErrorCode.request_too_large, f"the body may be at most {limit} bytes")
    try:
        data = decode(body)
    except ValueError as error:
        raise ApiError(ErrorCode.invalid_json, f"the body is not valid JSON: {error}") from None
    if _accepts(schema, data):
        return data
    errors = validation_errors(schema, data)
    if errors:
        raise ApiError(
            ErrorCode.validation_failed,
            "1 field is missing or wrong; correct it and send again"
            if len(errors) == 1
            else f"{len(errors)} fields are missing or wrong; correct them and send again",
            errors,
        )
    return data


def _body(request, limit: int) -> bytes:
    """The body's bytes (at most ``limit + 1``), left readable from the start: pyramid_retry, or
    the whole application after the submissions' fast path, may run the request again."""
    environ = request.environ
    length = request.content_length
    if length is None or environ.get("webob.is_body_seekable"):
        stream = request.body_file_seekable
        stream.seek(0)
        body = stream.read(limit + 1)
        stream.seek(0)
        return body
    # What webob's make_body_seekable does for a body of known length, read once, not copied
    # chunk by chunk (length is at most the limit: json_body checked it).
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["webob.is_body_seekable"] = True
    return body


def validation_errors(schema: str, data) -> list[dict]:
    """One detail per problem, each naming the field (``answers.brs_1``, ``instruments[0].id``)."""
    out = []
    for error in sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.path)):
        field = _field(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            field = _join(field, missing)
        elif error.validator == "additionalProperties":
            extra = [p for p in error.instance if p not in error.schema.get("properties", {})]
            for name in extra:
                out.append(detail(_join(field, name), "unknown_field", "not a known field"))
            continue
        code, message = DETAIL_CODES.get(error.validator, "invalid"), error.message
        if error.validator == "pattern" and error.validator_value == ONE_LINE:
            code = "invalid_characters"  # as surveys calls it in a text answer
            message = CONTROL_CHARACTER
        out.append(detail(field or "(body)", code, message))
    return out


def _field(path) -> str:
    text = ""
    for part in path:
        text = f"{text}[{part}]" if isinstance(part, int) else _join(text, part)
    return text


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


@cache
def _validator(schema: str) -> Draft202012Validator:
    resource = Resource.from_contents(document(), default_specification=DRAFT202012)
    registry = Registry().with_resource(DOCUMENT_URI, resource)
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema}"},
        registry=registry,
        format_checker=FormatChecker(),
    )


def _accepts(schema: str, data) -> bool:
    """The fast check: a validator compiled to Python code (fastjsonschema), about twenty times
    quicker than jsonschema. Only a body it refuses goes to jsonschema, which names each
    problem; formats are checked by jsonschema's own checker in both, so the two agree (a test
    compares them on generated bodies). A submission that conforms is let through quicker still
    by api.submission_check, which says yes only to what both accept."""
    quick = conforms_check(schema)
    if quick is not None and quick(data):
        return True
    try:
        _compiled(schema)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _compiled(schema: str):
    checker = FormatChecker()
    return fastjsonschema.compile(
        {"$ref": f"#/components/schemas/{schema}", "components": document()["components"]},
        formats={name: _format(checker, name) for name in ("uuid", "date", "date-time")},
    )


def _format(checker: FormatChecker, name: str):
    return lambda value: checker.conforms(value, name)
