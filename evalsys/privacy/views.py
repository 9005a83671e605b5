"""The erasure page: an evaluator erases one participant on request, in two steps."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from evalsys import audit
from evalsys.i18n import _
from evalsys.privacy.erasure import (
    ErasureError,
    checked_reason,
    erase_participant,
    find_participant,
    preview,
)


def _page(context, request, *, error: ErasureError | None = None, step: str = "ask", **extra):
    if error is not None:
        request.response.status_int = 400
    return {
        "intervention": context.intervention,
        "messages": request.session.pop_flash(),
        "error": error,
        "error_text": request.localizer.translate(error.args[0]) if error else "",
        "step": step,
        "values": {k: request.POST.get(k, "") for k in ("site", "code", "reason")},
        **extra,
    }


@view_config(
    route_name="intervention.erase",
    permission="manage",
    renderer="erase.jinja2",
    request_method="GET",
)
def ask(context, request):
    return _page(context, request)


@view_config(
    route_name="intervention.erase",
    permission="manage",
    renderer="erase.jinja2",
    request_method="POST",
)
def erase(context, request):
    """First POST (``step=check``): show what would go; second (``step=erase``), with the code
    typed again: erase it."""
    intervention = context.intervention
    post = request.POST
    site = next((s for s in intervention.sites if s.slug == post.get("site")), None)
    try:
        if site is None:
            raise ErasureError("site", _("Choose the site of the participant."))
        participant = find_participant(request.dbsession, intervention, site, post.get("code"))
        checked_reason(post.get("reason"), participant.code)
    except ErasureError as error:
        return _page(context, request, error=error)
    code = participant.code
    if post.get("step") != "erase":
        what = preview(request.dbsession, participant)
        # What one participant has is participant-level data: its read is logged (the erasure
        # itself scrubs this event's code again).
        audit.record_request(
            request,
            "participant_data_viewed",
            target_type="participant",
            target_id=code,
            intervention_id=intervention.id,
            site_id=site.id,
            page="erase",
        )
        return _page(context, request, step="confirm", site=site, code=code, what=what)
    if (post.get("confirm_code") or "").strip().upper() != code:
        error = ErasureError("confirm_code", _("Type the participant code again to erase."))
        what = preview(request.dbsession, participant)
        return _page(context, request, error=error, step="confirm", site=site, code=code, what=what)
    erasure = erase_participant(
        request.dbsession,
        request.registry.settings,
        participant,
        post.get("reason"),
        actor=request.identity,
        request=request,
    )
    request.session.flash(
        request.translate(
            _(
                "Participant ${code} at ${site} is erased: ${responses} responses and "
                "${scores} scores. The audit log keeps the reason, not the code.",
                mapping={
                    "code": code,
                    "site": site.name,
                    "responses": erasure.counts.responses,
                    "scores": erasure.counts.scores,
                },
            )
        )
    )
    return HTTPSeeOther(location=request.route_url("intervention.erase", slug=intervention.slug))
