"""GET /api/v1/openapi.json: the OpenAPI document, public like any API description."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys.api.openapi import document


@view_config(route_name="api.openapi", request_method="GET", renderer="json", permission="public")
def openapi_json(request):
    request.tm.doom()  # never writes
    return document()
