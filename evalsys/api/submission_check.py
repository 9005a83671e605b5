"""The quickest check of the busiest body: a submission that conforms, in plain Python.

``json_body`` asks this check first for ``ResponseSubmission``, then the compiled validator
(fastjsonschema), then jsonschema, which explains each problem. This check only ever says yes
to a body that conforms to the schema; whatever it is unsure of (a ``submitted_at``, a float in a
list of options, a boolean, a UUID written another way) it leaves to the other two, so the
answers and their error messages are exactly theirs. It is about five times quicker than the
compiled validator, which tested every answer against five types with ``isinstance``.

It was written for one version of the schema (:data:`WRITTEN_FOR`, without descriptions): when
the schema in ``api/schemas.py`` changes, :func:`conforms_check` gives None and the other
two checks decide alone until this one is brought up to date (a test says so).
"""

from __future__ import annotations

import re
from functools import cache

from evalsys.api.openapi import document

WRITTEN_FOR = {
    "type": "object",
    "properties": {
        "submission_id": {"type": "string", "format": "uuid"},
        "link": {"type": "string", "minLength": 1, "maxLength": 64},
        "participant_code": {"type": "string", "minLength": 1, "maxLength": 64},
        "language": {
            "type": "string",
            "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
            "maxLength": 16,
        },
        "answers": {
            "type": "object",
            "additionalProperties": {
                "type": ["integer", "number", "string", "array", "null"],
                "items": {"type": ["integer", "string"]},
            },
            "maxProperties": 1000,
        },
        "duration_seconds": {"type": ["integer", "null"], "minimum": 0, "maximum": 2147483647},
        "submitted_at": {"type": "string", "format": "date-time", "maxLength": 40},
    },
    "additionalProperties": False,
    "required": ["submission_id", "link", "participant_code", "language", "answers"],
}

# What jsonschema's "uuid" format accepts, in its common spelling: UUID() parses it and the
# dashes are where the format wants them.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
# The schema's pattern, to the very end of the text (``$`` would allow a final newline, which
# jsonschema allows and fastjsonschema does not: such a body goes to them).
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")
_REQUIRED = frozenset(WRITTEN_FOR["required"])
# submitted_at is left out: a body with one goes to the other checks (offline clients only).
_CHECKED = _REQUIRED | {"duration_seconds"}
_ANSWER_TYPES = frozenset((int, float, str, type(None)))
_OPTION_TYPES = frozenset((int, str))
_MAX_INTEGER = 2147483647


def _without_descriptions(schema):
    if isinstance(schema, dict):
        return {k: _without_descriptions(v) for k, v in schema.items() if k != "description"}
    if isinstance(schema, list):
        return [_without_descriptions(v) for v in schema]
    return schema


@cache
def conforms_check(schema: str):
    """The quick check for the schema of this name, or None (none written, or written for
    another version of it)."""
    if schema != "ResponseSubmission":
        return None
    current = _without_descriptions(document()["components"]["schemas"][schema])
    return submission_conforms if current == WRITTEN_FOR else None


def submission_conforms(data) -> bool:
    """True only for a body that conforms to ``ResponseSubmission``; False: ask the others."""
    if type(data) is not dict:
        return False
    keys = data.keys()
    if not (_REQUIRED <= keys and keys <= _CHECKED):
        return False
    submission_id, link, code = data["submission_id"], data["link"], data["participant_code"]
    language, answers = data["language"], data["answers"]
    if not (
        type(submission_id) is str
        and _UUID.match(submission_id)
        and type(link) is str
        and 1 <= len(link) <= 64
        and type(code) is str
        and 1 <= len(code) <= 64
        and type(language) is str
        and len(language) <= 16
        and _LANGUAGE.match(language)
        and type(answers) is dict
        and len(answers) <= 1000
    ):
        return False
    duration = data.get("duration_seconds")
    if duration is not None and not (type(duration) is int and 0 <= duration <= _MAX_INTEGER):
        return False
    for answer in answers.values():
        kind = type(answer)
        if kind is list:
            for option in answer:
                if type(option) not in _OPTION_TYPES:
                    return False
        elif kind not in _ANSWER_TYPES:
            return False
    return True
