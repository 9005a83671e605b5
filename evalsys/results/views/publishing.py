"""Publishing a report version: the confirmation page, its preview PDF, and the confirmed POST."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther, HTTPServiceUnavailable
from pyramid.response import Response
from pyramid.view import view_config

from evalsys import audit
from evalsys.i18n import _
from evalsys.jobs.queue import enqueue
from evalsys.results import evaluation, publishing, reports

CHANGED = _(
    "The figures changed since this page was made: new data came in. Nothing was published. "
    "Look at the new preview below, then publish."
)


def _results(request, intervention) -> HTTPSeeOther:
    """Back to the results page, which says what is missing (no results, or not worked out)."""
    return HTTPSeeOther(request.route_url("intervention.results", slug=intervention.slug))


def _refused(request, intervention, error: publishing.PublishFormError) -> dict:
    request.response.status_int = 400
    message = request.localizer.translate(error.message)
    return {"intervention": intervention, "errors": {error.field: message}, "snapshot": None}


def _page(request, intervention, choice, snapshot, *, changed: bool = False) -> dict:
    """What the confirmation page names: the version, its language, readers and figures."""
    found = snapshot.found
    preview = {**choice.query(), "snapshot": snapshot.fingerprint}
    return {
        "intervention": intervention,
        "errors": {},
        "choice": choice,
        "snapshot": snapshot,
        "version": reports.next_version(request.dbsession, intervention),
        "claim": found.result.claim.text_en
        if request.locale_name == "en"
        else found.result.claim.text_nl,
        "n_participants": found.result.n_participants,
        "min_cell": found.result.min_cell,
        "data_taken_at": found.data_taken_at,
        "preview_url": request.route_url(
            "intervention.publish_preview", slug=intervention.slug, _query=preview
        ),
        "changed": CHANGED if changed else "",
    }


def _snapshot_or_redirect(request, intervention, language):
    try:
        snapshot = publishing.take_snapshot(request, intervention, language)
    except evaluation.NoResults:
        raise _results(request, intervention) from None
    if snapshot is None:  # large data, not worked out yet: the results page offers the job
        raise _results(request, intervention)
    return snapshot


@view_config(
    route_name="intervention.publish",
    permission="manage",
    request_method="GET",
    renderer="publish.jinja2",
)
def confirm_page(context, request):
    """Step 2 of 3: what will be published, for whom, with a link to its preview."""
    intervention = context.intervention
    try:
        choice = publishing.read_choice(request.dbsession, intervention, request.GET)
    except publishing.PublishFormError as error:
        return _refused(request, intervention, error)
    snapshot = _snapshot_or_redirect(request, intervention, choice.language)
    request.response.cache_control = "no-store"
    return _page(request, intervention, choice, snapshot)


@view_config(route_name="intervention.publish_preview", permission="manage", request_method="GET")
def preview(context, request):
    """The PDF publishing would store, marked as a preview and not kept; audited."""
    intervention = context.intervention
    try:
        choice = publishing.read_choice(request.dbsession, intervention, request.GET)
    except publishing.PublishFormError:
        return HTTPSeeOther(request.route_url("intervention.publish", slug=intervention.slug))
    snapshot = _snapshot_or_redirect(request, intervention, choice.language)
    wanted = request.GET.get("snapshot", "")
    if wanted and wanted != snapshot.fingerprint:  # the confirmation page shows the new figures
        url = request.route_url(
            "intervention.publish", slug=intervention.slug, _query=choice.query()
        )
        return HTTPSeeOther(url)
    try:
        pdf = publishing.preview_pdf(
            snapshot.found, intervention, choice.language, request.dbsession
        )
    except reports.ReportUnavailable as error:
        raise HTTPServiceUnavailable(str(error)) from None
    audit.record_request(
        request,
        "report_previewed",
        target_type="intervention",
        target_id=intervention.id,
        intervention_id=intervention.id,
        snapshot=snapshot.fingerprint,
        language=choice.language,
    )
    return Response(
        body=pdf,
        content_type="application/pdf",
        content_disposition=f'inline; filename="{intervention.slug}-preview-{choice.language}.pdf"',
        cache_control="no-store",
    )


@view_config(
    route_name="intervention.publish",
    permission="manage",
    request_method="POST",
    renderer="publish.jinja2",
)
def publish(context, request):
    """Step 3 of 3: store the version, if the figures are still those of the preview."""
    intervention = context.intervention
    db = request.dbsession
    try:
        choice = publishing.read_choice(db, intervention, request.POST)
    except publishing.PublishFormError as error:
        return _refused(request, intervention, error)
    confirmed = request.POST.get("snapshot", "")
    if not confirmed:  # a form without the preview step (an old page): show the preview first
        url = request.route_url(
            "intervention.publish", slug=intervention.slug, _query=choice.query()
        )
        return HTTPSeeOther(url)
    snapshot = _snapshot_or_redirect(request, intervention, choice.language)
    if snapshot.fingerprint != confirmed:
        request.response.status_int = 409
        return _page(request, intervention, choice, snapshot, changed=True)
    if snapshot.job is not None:  # large data: the job stores this very snapshot
        params = {
            "language": choice.language,
            "note": choice.note,
            "snapshot": confirmed,
            "evaluation_job": snapshot.job.id,
            "replaces": choice.replaces.id if choice.replaces is not None else None,
            "reason": choice.reason,
        }
        job = enqueue(request, "publish", intervention=intervention, params=params)
        return HTTPSeeOther(request.route_url("job.show", id=job.id))
    try:
        row = reports.publish(
            db,
            intervention,
            snapshot.found,
            user=request.identity,
            language=choice.language,
            note=choice.note,
            request=request,
            replaces=choice.replaces,
            reason=choice.reason,
        )
    except reports.ReportUnavailable as error:
        raise HTTPServiceUnavailable(str(error)) from None
    except reports.WithdrawalRefused:  # withdrawn by someone else since the form was read
        error = publishing.PublishFormError("replaces", publishing.NOT_REPLACEABLE)
        page = _refused(request, intervention, error)
        request.response.status_int = 409
        return page
    return HTTPSeeOther(request.route_url("report.list", _anchor=f"report-{row.id}"))
