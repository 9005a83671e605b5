"""Drive the JSON API through WebTest and check every request and response against the
OpenAPI document the server publishes at /api/v1/openapi.json, so nothing escapes the check."""

from __future__ import annotations

import hashlib
import json
import secrets
from urllib.parse import urlsplit

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response as WerkzeugResponse

from evalsys.accounts.models import ApiToken, Membership
from evalsys.api.requests import validation_errors
from evalsys.collection.models import SurveyLink

_spec: dict = {}


def openapi(testapp) -> OpenAPI:
    """The document as the server serves it (validated as OpenAPI 3.1 by openapi-core)."""
    if "api" not in _spec:
        served = testapp.get("/api/v1/openapi.json", status=200)
        _spec["api"] = OpenAPI.from_dict(served.json)
    return _spec["api"]


class ApiClient:
    """``api.post("/responses", body, status=201)``; ``token`` None sends no Authorization."""

    def __init__(self, testapp, token: str | None = None):
        self.testapp = testapp
        self.token = token

    def get(self, path, status=200, **kw):
        return self.call("GET", path, None, status, **kw)

    def post(self, path, body=None, status=201, **kw):
        return self.call("POST", path, body, status, **kw)

    def put(self, path, body=None, status=200, **kw):
        return self.call("PUT", path, body, status, **kw)

    def patch(self, path, body=None, status=200, **kw):
        return self.call("PATCH", path, body, status, **kw)

    def call(
        self,
        method: str,
        path: str,
        body=None,
        status: int = 200,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
        headers: dict | None = None,
        token: str | None | bool = True,
        conforms: bool = True,
        documented: bool = True,
        environ: dict | None = None,
    ):
        """Send a request and check both sides against the document.

        ``conforms=False``: the test sends a request the document forbids on purpose; the check
        then asserts that the document does forbid it. ``documented=False``: a URL or method the
        document does not list (404, 405); the body must still be the Error schema.
        """
        url = "/api/v1" + path
        headers = dict(headers or {})
        token = self.token if token is True else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        params = {"method": method, "headers": headers, "status": status}
        if data is not None:
            params["body"] = data
            params["content_type"] = content_type
        if environ:
            params["extra_environ"] = environ
        response = self.testapp.request(url, expect_errors=True, **_only_known(params))
        assert response.status_int == status, (response.status, response.text[:2000])
        assert response.content_type == "application/json", response.content_type
        check_against_document(self.testapp, response, data, conforms, documented)
        return response


def _only_known(params: dict) -> dict:
    extra = params.pop("extra_environ", None)
    if extra:
        params["environ"] = extra
    return params


def check_against_document(testapp, response, data, conforms: bool, documented: bool) -> None:
    if not documented:
        assert validation_errors("Error", response.json) == [], response.json
        return
    spec = openapi(testapp)
    request = _werkzeug_request(response.request, data)
    if conforms:
        spec.validate_request(request)
    else:
        with pytest.raises(Exception):  # noqa: B017 - any openapi-core validation error
            spec.validate_request(request)
    spec.validate_response(request, _werkzeug_response(response))


def _werkzeug_request(webob_request, data: bytes | None) -> WerkzeugOpenAPIRequest:
    parts = urlsplit(webob_request.url)
    headers = {k: v for k, v in webob_request.headers.items() if k.lower() != "content-length"}
    builder = EnvironBuilder(
        path=parts.path,
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=webob_request.method,
        headers=headers,
        data=data,
    )
    return WerkzeugOpenAPIRequest(WerkzeugRequest(builder.get_environ()))


def _werkzeug_response(webtest_response) -> WerkzeugOpenAPIResponse:
    return WerkzeugOpenAPIResponse(
        WerkzeugResponse(
            webtest_response.body,
            status=webtest_response.status_int,
            headers=list(webtest_response.headers.items()),
        )
    )


# --- rows the API tests need -------------------------------------------------------------


def make_token(
    dbsession,
    user,
    intervention,
    *,
    permission: str = "submit",
    site=None,
    expires_at=None,
    revoked_at=None,
) -> str:
    """An API token row for ``user``; returns the token text (only its SHA-256 is stored)."""
    secret = "evs_" + secrets.token_urlsafe(32)
    dbsession.add(
        ApiToken(
            user_id=user.id,
            name="test",
            token_hash=hashlib.sha256(secret.encode()).hexdigest(),
            prefix=secret[:10],
            permission=permission,
            intervention_id=intervention.id,
            site_id=None if site is None else site.id,
            expires_at=expires_at,
            revoked_at=revoked_at,
        )
    )
    dbsession.flush()
    return secret


def make_link(dbsession, intervention, site, wave, group: str = "intervention", **extra):
    link = SurveyLink(
        token=secrets.token_urlsafe(12),
        intervention_id=intervention.id,
        site_id=site.id,
        wave_id=wave.id,
        group_name=group,
        **extra,
    )
    dbsession.add(link)
    dbsession.flush()
    return link


def member(dbsession, user, intervention, site=None) -> None:
    dbsession.add(
        Membership(
            user_id=user.id,
            intervention_id=intervention.id,
            site_id=None if site is None else site.id,
        )
    )
    dbsession.flush()
