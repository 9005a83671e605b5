"""The coordinator's page of issued participant codes, and their cards as a PDF."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response as WebResponse
from pyramid.view import view_config

from evalsys import audit
from evalsys.collection import issued_codes
from evalsys.collection.code_cards import cards_pdf

DEFAULT_COUNT = 30


def _page(context, request, **values) -> dict:
    waves = context.intervention.waves
    return {
        "intervention": context.intervention,
        "site": context.site,
        "batches": issued_codes.batches(request.dbsession, context.site),
        "issued_waves": [w for w in waves if issued_codes.only_issued(w.settings)],
        "count": str(DEFAULT_COUNT),
        "error": None,
        "maximum": issued_codes.MAX_PER_BATCH,
        **values,
    }


@view_config(route_name="site.codes", permission="collect", renderer="codes.jinja2")
def code_list(context, request):
    return _page(context, request)


@view_config(
    route_name="site.codes", request_method="POST", permission="collect", renderer="codes.jinja2"
)
def issue(context, request):
    text = request.POST.get("count", "").strip()
    count = int(text) if text.isdigit() and len(text) < 6 else 0
    if not 1 <= count <= issued_codes.MAX_PER_BATCH:
        request.response.status_int = 400
        error = request.translate(
            "Give a number of codes from 1 to ${maximum}.",
            mapping={"maximum": issued_codes.MAX_PER_BATCH},
        )
        return _page(context, request, count=text[:10], error=error)
    codes = issued_codes.issue(
        request.dbsession, context.intervention, context.site, count, request.identity
    )
    audit.record(
        request.dbsession,
        "participant_codes_issued",
        actor=request.identity,
        request=request,
        intervention_id=context.intervention.id,
        site_id=context.site.id,
        count=len(codes),
    )
    return HTTPSeeOther(
        location=request.route_url(
            "site.codes",
            slug=context.intervention.slug,
            site=context.site.slug,
            _query={"issued": codes[0].id},
        )
    )


@view_config(route_name="site.code_cards", permission="collect")
def cards(context, request):
    """Cards of one batch (``?batch=`` its first id), or of all the site's codes."""
    batch = request.params.get("batch", "")
    codes = issued_codes.codes_of(
        request.dbsession, context.site, int(batch) if batch.isdigit() and len(batch) < 12 else None
    )
    if not codes:  # nothing issued (or no such batch): the page says how to issue codes
        return HTTPSeeOther(
            location=request.route_url(
                "site.codes", slug=context.intervention.slug, site=context.site.slug
            )
        )
    body = cards_pdf(
        codes,
        intervention=context.intervention.name,
        site=context.site.name,
        language=request.params.get("lang", request.locale_name),
    )
    response = WebResponse(body=body, content_type="application/pdf")
    response.content_disposition = f'inline; filename="codes-{context.site.slug}.pdf"'
    return response
