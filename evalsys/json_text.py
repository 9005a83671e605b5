"""JSON text for the database's JSON columns, API request bodies and the submission's answer.

orjson writes the same JSON as the standard library's ``json.dumps`` reads back, several times
faster: JSON encoding was 12% of the instructions of an API submission (its answers, scores and
flags go to the database as JSON, and the answer repeats them). Its output is compact UTF-8
(no spaces, no ``\\u`` escapes), which PostgreSQL's jsonb and every JSON reader take alike.
What orjson refuses (integers beyond 64 bits; datetimes and dataclasses, which it is told to
pass on) goes to the standard library, which writes or refuses it as before. A ``uuid.UUID`` is
the one type orjson writes (as its text) where json.dumps refused it: orjson has no option to
pass it on.

Reading, orjson is stricter than ``json.loads``: only UTF-8 (as RFC 8259 asks), no ``NaN`` or
``Infinity``, and an integer beyond 64 bits becomes a float (which an integer field refuses).
"""

from __future__ import annotations

import json

import orjson

# As json.dumps: {1: "a"} becomes {"1": "a"}; a datetime or a dataclass is refused (by json).
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def encode(value) -> bytes:
    """``value`` as UTF-8 JSON text."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False).encode()


def dumps(value) -> str:
    """``value`` as JSON text (the engines' ``json_serializer``)."""
    return encode(value).decode()


def decode(text: bytes | str):
    """The value of JSON ``text``; raises ValueError (orjson.JSONDecodeError) naming where it
    is not JSON."""
    return orjson.loads(text)
