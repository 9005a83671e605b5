"""The coordinator's pages: a site's progress and its survey links with QR codes and flyers."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response as WebResponse
from pyramid.view import view_config

from evalsys import audit
from evalsys.collection import links, progress
from evalsys.collection.flyer import flyer_pdf
from evalsys.collection.models import SurveyLink
from evalsys.collection.views.short_links import short_address, shown
from evalsys.programme import questionnaires

SITE = "..resources.SiteContext"


def survey_url(request, link: SurveyLink) -> str:
    return request.route_url("survey.fill", token=link.token)


def site_link(context, request) -> SurveyLink:
    link = (
        request.dbsession.query(SurveyLink)
        .filter_by(site_id=context.site.id, token=request.matchdict["token"])
        .one_or_none()
    )
    if link is None:
        raise HTTPNotFound()
    return link


@view_config(route_name="site.dashboard", permission="view", renderer="site.jinja2")
def dashboard(context, request):
    (site_progress,) = progress.site_progress(
        request.dbsession, context.intervention, site_ids={context.site.id}
    )
    return {"intervention": context.intervention, "site": context.site, "progress": site_progress}


@view_config(route_name="site.links", permission="collect", renderer="links.jinja2")
def link_list(context, request):
    rows = request.dbsession.query(SurveyLink).filter_by(site_id=context.site.id).all()
    order = {wave.id: wave.position for wave in context.intervention.waves}
    rows.sort(key=lambda link: (order.get(link.wave_id, 0), link.group_name != "intervention"))
    return {
        "intervention": context.intervention,
        "site": context.site,
        "links": [(link, survey_url(request, link)) for link in rows],
        "show_groups": len(links.groups_for(context.intervention)) > 1,
        "short_address": short_address(request),
        "short_code": shown,
    }


@view_config(route_name="site.links", permission="collect", request_method="POST")
def make_missing_links(context, request):
    created = links.ensure_links(request.dbsession, context.intervention)
    if created:
        audit.record(
            request.dbsession,
            "links_created",
            actor=request.identity,
            request=request,
            intervention_id=context.intervention.id,
            site_id=context.site.id,
            count=len(created),
        )
    return HTTPSeeOther(
        location=request.route_url(
            "site.links", slug=context.intervention.slug, site=context.site.slug
        )
    )


@view_config(route_name="site.link_toggle", permission="collect", request_method="POST")
def toggle(context, request):
    link = site_link(context, request)
    links.set_open(link, request.POST.get("open") == "1")
    audit.record(
        request.dbsession,
        "link_opened" if link.is_open else "link_closed",
        actor=request.identity,
        request=request,
        target_type="survey_link",
        target_id=link.id,
        intervention_id=context.intervention.id,
        site_id=context.site.id,
    )
    return HTTPSeeOther(
        location=request.route_url(
            "site.links", slug=context.intervention.slug, site=context.site.slug
        )
    )


@view_config(route_name="site.link_qr", permission="collect")
def qr(context, request):
    link = site_link(context, request)
    url = survey_url(request, link)
    if request.matchdict["format"] == "svg":
        body, content_type = links.qr_svg(url, title=url), "image/svg+xml"
    else:
        body, content_type = links.qr_png(url), "image/png"
    response = WebResponse(body=body, content_type=content_type)
    response.content_disposition = (
        f'inline; filename="qr-{context.site.slug}-{link.wave.label}-{link.group_name}'
        f'.{request.matchdict["format"]}"'
    )
    return response


@view_config(route_name="site.link_flyer", permission="collect")
def flyer(context, request):
    link = site_link(context, request)
    language = request.params.get("lang", request.locale_name)
    body = flyer_pdf(
        survey_url(request, link),
        intervention=context.intervention.name,
        site=context.site.name,
        wave=link.wave.name_in(language),
        group=link.group_name,
        minutes=questionnaires.minutes_needed(context.intervention),
        language=language,
        short_address=short_address(request),
        short_code=shown(link.short_code),
    )
    response = WebResponse(body=body, content_type="application/pdf")
    response.content_disposition = (
        f'inline; filename="flyer-{context.site.slug}-{link.wave.label}-{link.group_name}.pdf"'
    )
    return response
