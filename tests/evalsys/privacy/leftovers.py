"""Searching the whole database and the work folder for what an erasure must have removed."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from evalsys.models import metadata


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def found_in_tables(dbsession, needles) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every value of every table that holds one of ``needles``.

    Every table of the schema is read whole, every column of every row turned into text (JSON
    for JSON columns, the raw bytes for binary ones such as report PDFs), so a copy of a code or
    an answer in a column no one thought of is found as well.
    """
    dbsession.flush()
    hits = []
    for table in metadata.sorted_tables:
        for row in dbsession.execute(select(table)).mappings():
            for column, value in row.items():
                text = _text(value)
                for needle in needles:
                    if text is not None and needle in text:
                        hits.append((table.name, column, needle))
    return hits


def found_in_files(folder: Path, needles) -> list[tuple[str, str]]:
    """(file, needle) for every file under ``folder`` that holds one of ``needles``."""
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            hits.extend((str(path), needle) for needle in needles if needle in text)
    return hits
