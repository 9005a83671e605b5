"""The webhooks page of an intervention: register one (its secret shown once), the delivery
log, a test ping, switching off and on, deleting."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from evalsys.i18n import _
from evalsys.webhooks import events, hooks, rights
from evalsys.webhooks.addresses import private_allowed
from evalsys.webhooks.models import EVENTS, Webhook

EVENT_NAMES = {
    "response.stored": _("a response is stored"),
    "response.corrected": _("a response is corrected or moved"),
    "response.voided": _("a response is voided"),
    "report.published": _("a report version is published"),
    "report.withdrawn": _("a report version is withdrawn or replaced"),
    "ping": _("test ping"),
}
STATE_NAMES = {
    "pending": _("waiting"),
    "delivered": _("delivered"),
    "given_up": _("given up"),
}
LOG_LENGTH = 20


def _intervention(context, request):
    """The intervention, if the asker may register webhooks for it (else the 404 of one that
    is not there: a coordinator of no site of it need not learn of its webhooks page)."""
    if not rights.may_register(request.identity, context.intervention.id):
        raise HTTPNotFound()
    return context.intervention


def _page(request, intervention, **extra) -> dict:
    user = request.identity
    shown = hooks.visible(request.dbsession, intervention, user)
    page = {
        "intervention": intervention,
        "hooks": [(hook, hooks.deliveries(request.dbsession, hook, LOG_LENGTH)) for hook in shown],
        "events": EVENTS,
        "event_names": EVENT_NAMES,
        "state_names": STATE_NAMES,
        "manages_all": rights.manages_all(user, intervention.id),
        "values": {"url": "", "events": list(EVENTS), "include_answers": False},
        "errors": {},
        "secret": None,
        "done": None,
    }
    page.update(extra)
    return page


@view_config(
    route_name="intervention.webhooks",
    request_method="GET",
    permission="view",
    renderer="webhooks.jinja2",
)
def webhooks_page(context, request):
    intervention = _intervention(context, request)
    done = {"ping": _("A test ping is on its way; its result shows in the log below.")}.get(
        request.params.get("done", "")
    )
    return _page(request, intervention, done=done)


@view_config(
    route_name="intervention.webhooks",
    request_method="POST",
    permission="view",
    renderer="webhooks.jinja2",
)
def register(context, request):
    intervention = _intervention(context, request)
    form = request.POST
    values = {
        "url": form.get("url", "").strip(),
        "events": form.getall("events"),
        "include_answers": form.get("include_answers") == "yes",
    }
    try:
        hook, secret = hooks.register(
            request.dbsession,
            intervention,
            request.identity,
            url=values["url"],
            events=values["events"],
            include_answers=values["include_answers"],
            request=request,
            allow_private=private_allowed(request.registry.settings),
        )
    except hooks.WebhookError as error:
        request.response.status_int = 400
        message = request.localizer.translate(error.message)
        return _page(request, intervention, values=values, errors={error.field: message})
    # Rendered here, not after a redirect: the secret is in this answer and nowhere else.
    request.response.cache_control = "no-store"
    return _page(request, intervention, secret=(hook, secret))


@view_config(route_name="intervention.webhook", request_method="POST", permission="view")
def change(context, request):
    intervention = _intervention(context, request)
    hook = _hook(request, intervention)
    action = request.matchdict["action"]
    db, user = request.dbsession, request.identity
    done = ""
    if action == "ping":
        hooks.ping(db, hook, intervention)
        events.deliver_after_commit(request)
        done = "?done=ping"
    elif action in ("on", "off"):
        hooks.switch(db, hook, action == "on", actor=user, request=request)
    elif action == "delete":
        hooks.delete(db, hook, actor=user, request=request)
    url = request.route_url("intervention.webhooks", slug=intervention.slug)
    return HTTPSeeOther(url + done)


def _hook(request, intervention) -> Webhook:
    value = request.matchdict["id"]
    if not value.isdigit() or len(value) > 18:
        raise HTTPNotFound()
    for hook in hooks.visible(request.dbsession, intervention, request.identity):
        if hook.id == int(value):
            return hook
    raise HTTPNotFound()
