"""Webhooks through the API: list, register (the secret shown once), read, delete, and the
delivery log (evalsys.webhooks; docs/api.md, Webhooks)."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys.api.errors import ApiError, ErrorCode, detail
from evalsys.api.requests import json_body
from evalsys.webhooks import hooks, rights
from evalsys.webhooks.addresses import private_allowed
from evalsys.webhooks.models import Webhook, WebhookDelivery

LOG_LENGTH = 100


def _iso(moment):
    return None if moment is None else moment.isoformat()


def webhook_body(hook: Webhook) -> dict:
    """A webhook as the API shows it: never its secret."""
    return {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events),
        "include_answers": hook.include_answers,
        "active": hook.active,
        "owner": hook.owner.username,
        "created_at": hook.created_at.isoformat(),
        "failures_in_row": hook.failures_in_row,
        "switched_off_at": _iso(hook.switched_off_at),
        "switched_off_reason": hook.switched_off_reason,
    }


def delivery_body(row: WebhookDelivery) -> dict:
    return {
        "id": row.uuid,
        "event": row.event,
        "state": row.state,
        "attempts": row.attempts,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "last_attempt_at": _iso(row.last_attempt_at),
        "next_attempt_at": _iso(row.next_attempt_at) if row.state == "pending" else None,
        "finished_at": _iso(row.finished_at),
    }


def _check(context, request) -> None:
    """A session of someone who may register webhooks here, or a token for the whole
    intervention that may set it up (manager*, docs/api.md) of such a person."""
    user, intervention = request.identity, context.intervention
    token_ok = request.api_token is None or request.has_permission("manage", context)
    if not (token_ok and rights.may_register(user, intervention.id)):
        raise ApiError(ErrorCode.forbidden, "you may not manage this intervention's webhooks")


def _hook(context, request) -> Webhook:
    _check(context, request)
    value = request.matchdict["id"]
    if value.isdigit() and len(value) < 18:
        for hook in hooks.visible(request.dbsession, context.intervention, request.identity):
            if hook.id == int(value):
                return hook
    raise ApiError(ErrorCode.not_found, "no such webhook", [detail("id", "not_found", value)])


@view_config(route_name="api.webhooks", request_method="GET", renderer="json", permission="read")
def list_webhooks(context, request):
    _check(context, request)
    shown = hooks.visible(request.dbsession, context.intervention, request.identity)
    return {"items": [webhook_body(hook) for hook in shown]}


@view_config(
    route_name="api.webhooks",
    request_method="POST",
    renderer="json",
    permission="read",
    require_csrf=False,  # JSON only (json_body): a cross-site form cannot send it
)
def register_webhook(context, request):
    _check(context, request)
    data = json_body(request, "WebhookRegistration")
    try:
        hook, secret = hooks.register(
            request.dbsession,
            context.intervention,
            request.identity,
            url=data["url"],
            events=data["events"],
            include_answers=data.get("include_answers", False),
            request=request,
            allow_private=private_allowed(request.registry.settings),
        )
    except hooks.WebhookError as error:
        message = str(error)
        raise ApiError(
            ErrorCode.validation_failed, message, [detail(error.field, "invalid", message)]
        ) from None
    request.response.status_int = 201
    request.response.cache_control = "no-store"
    request.response.location = request.route_url(
        "api.webhook", slug=context.intervention.slug, id=hook.id
    )
    return {**webhook_body(hook), "secret": secret}


@view_config(route_name="api.webhook", request_method="GET", renderer="json", permission="read")
def get_webhook(context, request):
    return webhook_body(_hook(context, request))


@view_config(
    route_name="api.webhook",
    request_method="DELETE",
    renderer="json",
    permission="read",
    require_csrf=False,  # a cross-site DELETE needs a CORS preflight, which is never granted
)
def delete_webhook(context, request):
    hook = _hook(context, request)
    shown = webhook_body(hook)
    hooks.delete(request.dbsession, hook, actor=request.identity, request=request)
    return shown


@view_config(
    route_name="api.webhook_deliveries", request_method="GET", renderer="json", permission="read"
)
def webhook_deliveries(context, request):
    hook = _hook(context, request)
    rows = hooks.deliveries(request.dbsession, hook, LOG_LENGTH)
    return {"items": [delivery_body(row) for row in rows]}
