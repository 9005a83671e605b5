"""Withdrawing a published version, or replacing it with a new one, for a reason its readers see."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from evalsys.i18n import _
from evalsys.results import publishing, reports

ALREADY = _("This version was withdrawn already; it cannot be withdrawn or replaced again.")


def _page(context, **extra) -> dict:
    return {
        "intervention": context.intervention,
        "report": context.report,
        "reason": "",
        "errors": {},
        **extra,
    }


@view_config(
    route_name="report.withdraw",
    permission="withdraw",
    request_method="GET",
    renderer="withdraw.jinja2",
)
def withdraw_page(context, request):
    """The reason, and a choice: withdraw the version, or replace it with a new one."""
    context.found(request)
    return _page(context)


@view_config(
    route_name="report.withdraw",
    permission="withdraw",
    request_method="POST",
    renderer="withdraw.jinja2",
)
def withdraw(context, request):
    """Withdraw now; or, to replace, go on to the publish confirmation naming this version."""
    report, intervention = context.found(request), context.intervention
    text = request.POST.get("reason", "")
    if report.withdrawn:
        request.response.status_int = 409
        return _page(context, reason=text, errors={"reason": request.localizer.translate(ALREADY)})
    try:
        reason = publishing.reason_of(text)
    except publishing.PublishFormError as error:
        request.response.status_int = 400
        message = request.localizer.translate(error.message)
        return _page(context, reason=text, errors={"reason": message})
    if request.POST.get("action") == "replace":
        query = {"language": report.language, "replaces": str(report.id), "reason": reason}
        return HTTPSeeOther(
            request.route_url("intervention.publish", slug=intervention.slug, _query=query)
        )
    reports.withdraw(
        request.dbsession,
        intervention,
        report,
        user=request.identity,
        reason=reason,
        request=request,
    )
    return HTTPSeeOther(request.route_url("report.list", _anchor=f"report-{report.id}"))
