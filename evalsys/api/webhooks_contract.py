"""The JSON API's contract for webhooks (evalsys/api/webhooks.py): their schemas and operations
in the OpenAPI document."""

from __future__ import annotations

from evalsys.api.openapi_parts import SLUG, WRITE_ERRORS, body, errors, ok, path_param
from evalsys.api.schemas import object_schema
from evalsys.webhooks.models import EVENTS, STATES

_EVENTS = {
    "type": "array",
    "items": {"type": "string", "enum": list(EVENTS)},
    "minItems": 1,
    "uniqueItems": True,
}
_TIME = {"type": "string", "format": "date-time"}
_MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
_WEBHOOK = {
    "id": {"type": "integer"},
    "url": {"type": "string"},
    "events": _EVENTS,
    "include_answers": {"type": "boolean"},
    "active": {"type": "boolean"},
    "owner": {"type": "string", "description": "the username of whoever registered it"},
    "created_at": _TIME,
    "failures_in_row": {"type": "integer", "description": "deliveries given up in a row"},
    "switched_off_at": _MAYBE_TIME,
    "switched_off_reason": {"type": ["string", "null"]},
}
_WEBHOOK_REQUIRED = tuple(_WEBHOOK)
WEBHOOK_SCHEMAS: dict[str, dict] = {
    "WebhookRegistration": object_schema(
        {
            "url": {"type": "string", "maxLength": 2000, "description": "http:// or https://"},
            "events": _EVENTS,
            "include_answers": {
                "type": "boolean",
                "default": False,
                "description": "answers and scores in response events, where the registering "
                "user may see them",
            },
        },
        ("url", "events"),
    ),
    "Webhook": object_schema(_WEBHOOK, _WEBHOOK_REQUIRED),
    "WebhookCreated": object_schema(
        {
            **_WEBHOOK,
            "secret": {
                "type": "string",
                "description": "signs every request (X-Evalsys-Signature); shown this once",
            },
        },
        (*_WEBHOOK_REQUIRED, "secret"),
    ),
    "WebhookList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Webhook"}}},
        ("items",),
    ),
    "WebhookDelivery": object_schema(
        {
            "id": {"type": "string", "format": "uuid", "description": "X-Evalsys-Delivery"},
            "event": {"type": "string", "enum": [*EVENTS, "ping"]},
            "state": {"type": "string", "enum": list(STATES)},
            "attempts": {"type": "integer"},
            "last_status": {
                "type": ["integer", "null"],
                "description": "the receiver's HTTP status",
            },
            "last_error": {"type": ["string", "null"]},
            "created_at": _TIME,
            "last_attempt_at": _MAYBE_TIME,
            "next_attempt_at": _MAYBE_TIME,
            "finished_at": _MAYBE_TIME,
        },
        (
            "id",
            "event",
            "state",
            "attempts",
            "last_status",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "finished_at",
        ),
    ),
    "WebhookDeliveryList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}}},
        ("items",),
    ),
}
_ID = path_param("id", "the webhook's id", {"type": "integer"})
WEBHOOK_OPERATIONS: dict[str, tuple[str, dict]] = {
    "api.webhooks": (
        "/interventions/{slug}/webhooks",
        {
            "parameters": [SLUG],
            "get": {
                "operationId": "listWebhooks",
                "summary": "The intervention's webhooks (a coordinator: their own)",
                "description": "Never their secrets. Administrators and the intervention's "
                "evaluators see every webhook of it, a coordinator their own.",
                "responses": {**ok(200, "WebhookList", "the webhooks"), **errors(403, 404)},
            },
            "post": {
                "operationId": "registerWebhook",
                "summary": "Register a webhook; the answer holds its secret, shown this once",
                "description": "Events are POSTed to `url`, signed with the secret "
                "(docs/api.md, Webhooks). A coordinator's webhook hears of their sites only.",
                "requestBody": body("WebhookRegistration"),
                "responses": {
                    **ok(201, "WebhookCreated", "registered; keep the secret now"),
                    **errors(*WRITE_ERRORS),
                },
            },
        },
    ),
    "api.webhook": (
        "/interventions/{slug}/webhooks/{id}",
        {
            "parameters": [SLUG, _ID],
            "get": {
                "operationId": "getWebhook",
                "summary": "One webhook (never its secret)",
                "responses": {**ok(200, "Webhook", "the webhook"), **errors(403, 404)},
            },
            "delete": {
                "operationId": "deleteWebhook",
                "summary": "Delete a webhook and its delivery log",
                "responses": {**ok(200, "Webhook", "deleted; as it was"), **errors(403, 404)},
            },
        },
    ),
    "api.webhook_deliveries": (
        "/interventions/{slug}/webhooks/{id}/deliveries",
        {
            "parameters": [SLUG, _ID],
            "get": {
                "operationId": "listWebhookDeliveries",
                "summary": "The webhook's delivery log, newest first (the last 100)",
                "description": "Event, state, attempts and the receiver's last answer; never a "
                "body or the secret.",
                "responses": {
                    **ok(200, "WebhookDeliveryList", "the deliveries"),
                    **errors(403, 404),
                },
            },
        },
    ),
}
