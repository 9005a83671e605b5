"""The coordinator's ODK Collect page of a site: per survey link the server address, the
settings QR code Collect scans, and switching Collect off or on for the link."""

from __future__ import annotations

from markupsafe import Markup
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from evalsys import audit
from evalsys.collection.models import SurveyLink
from evalsys.odk.collect_settings import settings_payload, settings_qr_svg


def server_url(request, link: SurveyLink) -> str:
    # The URL Collect appends formList and submission to (as a Central app user's URL).
    return request.route_url("odk.form_list", token=link.token).removesuffix("/formList")


@view_config(route_name="site.odk", permission="collect", renderer="odk_site.jinja2")
def odk_page(context, request):
    rows = request.dbsession.query(SurveyLink).filter_by(site_id=context.site.id).all()
    order = {wave.id: wave.position for wave in context.intervention.waves}
    rows.sort(key=lambda link: (order.get(link.wave_id, 0), link.group_name != "intervention"))
    cards = []
    for link in rows:
        url = server_url(request, link)
        name = f"{context.site.name} {link.wave.label}"
        if link.group_name != "intervention":
            name += f" ({request.translate('comparison group')})"
        payload = settings_payload(url, name)
        qr = Markup(settings_qr_svg(payload, request.translate("ODK Collect settings")))
        cards.append({"link": link, "url": url, "qr": qr, "project": name})
    return {"intervention": context.intervention, "site": context.site, "cards": cards}


@view_config(route_name="site.odk", permission="collect", request_method="POST")
def switch(context, request):
    link = (
        request.dbsession.query(SurveyLink)
        .filter_by(site_id=context.site.id, token=request.POST.get("token", ""))
        .one_or_none()
    )
    if link is None:
        raise HTTPNotFound()
    link.odk_enabled = request.POST.get("enabled") == "1"
    audit.record(
        request.dbsession,
        "odk_switched_on" if link.odk_enabled else "odk_switched_off",
        actor=request.identity,
        request=request,
        target_type="survey_link",
        target_id=link.id,
        intervention_id=context.intervention.id,
        site_id=context.site.id,
    )
    return HTTPSeeOther(
        location=request.route_url(
            "site.odk", slug=context.intervention.slug, site=context.site.slug
        )
    )
