"""Fetch files (CSV, XLSX, .sav, PDF) from the JSON API through WebTest, each request and answer
checked against the OpenAPI document as the JSON calls are (tests/evalsys/api_client.py)."""

from __future__ import annotations

import csv
import io
import re

from ..api_client import check_against_document


def fetch(testapp, path: str, token: str | None, status: int = 200, *, params=None, headers=None):
    """GET ``/api/v1`` + ``path``; asserts the status and that the document describes both sides."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    response = testapp.get("/api/v1" + path, params or {}, headers=sent, expect_errors=True)
    assert response.status_int == status, (response.status, response.text[:2000])
    check_against_document(testapp, response, None, conforms=True, documented=True)
    return response


def csv_rows(response, delimiter: str | None = None) -> list[dict]:
    """Rows of a CSV file; without ``delimiter``, ``;`` or ``,``, whichever the header holds
    (an export's excel_nl or international style)."""
    text = response.body.decode("utf-8-sig")
    if delimiter is None:
        header = text.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def dated(name: str, slug: str, ending: str) -> bool:
    """Whether an export's file name is ``<slug>-<YYYYMMDD-HHMM>-<ending>``."""
    return (
        re.fullmatch(rf"{re.escape(slug)}-20\d{{6}}-\d{{4}}-{re.escape(ending)}", name) is not None
    )


def file_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split('filename="', 1)[1].rstrip('"')
