"""Fetch files (CSV, XLSX, .sav, PDF) from the JSON API through WebTest, each request and answer
checked against the OpenAPI document as the JSON calls are (tests/evalsys/api_client.py)."""

from __future__ import annotations

import csv
import io

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


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))


def file_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split('filename="', 1)[1].rstrip('"')
