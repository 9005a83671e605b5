"""evalsys.json_text: orjson where it writes what json.dumps would, json where it would not."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from evalsys.json_text import decode, dumps, encode


@pytest.mark.parametrize(
    "value",
    [
        {"brs_1": 4, "brs_2": None, "note": "één café 😀", "flags": ["a", "b"], "score": 3.1666},
        {1: "a", 2: [1, 2.5, True]},  # json.dumps writes int keys as strings
        {"big": 10**30, "negative": -(2**70)},  # beyond 64 bits: the standard library writes it
        [0.1, 1e-7, 1e300, -0.0],
    ],
)
def test_reads_back_as_what_json_dumps_writes(value):
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))
    assert json.loads(encode(value)) == json.loads(json.dumps(value))


def test_text_is_utf8_without_escapes():
    assert encode({"t": "één"}) == '{"t":"één"}'.encode()


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [dt.datetime(2026, 1, 1), dt.date(2026, 1, 1), _Point(1)])
def test_refuses_what_json_dumps_refuses(value):
    # orjson would write these; a JSON column never silently got them before either.
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        dumps({"v": value})


def test_decode_is_strict_json():
    assert decode(b'{"a": [1, 2.5, null, "\\u00e9"]}') == {"a": [1, 2.5, None, "é"]}
    for text in (b"NaN", b"[Infinity]", b"{'a': 1}", b"\xff", b""):
        with pytest.raises(ValueError):
            decode(text)
