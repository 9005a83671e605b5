"""The OpenRosa endpoints under a link's key: form list, the XForm, and the submission URL.

Every answer, a refusal too, is an OpenRosa response (``X-OpenRosa-Version: 1.0``); a refusal
is an ``<OpenRosaResponse>`` whose ``<message>`` Collect shows, in the device's language.
"""

from __future__ import annotations

import datetime as dt

from pyramid.authorization import Allow, Everyone
from pyramid.view import view_config

from evalsys.collection import answer_window, ratelimit
from evalsys.collection.models import SurveyLink
from evalsys.i18n import _
from evalsys.odk import forms, openrosa
from evalsys.odk.receiving import Refusal, store
from evalsys.programme import questionnaires
from surveys.validation import has_control_characters

# As evalsys.web.limits refuses larger bodies before they are read (the same setting).
DEFAULT_FORM_LIMIT_KB = 512


class OdkKeyContext:
    """The survey link whose token is the key in the URL; ``link`` None when there is none."""

    __acl__ = [(Allow, Everyone, "public")]

    def __init__(self, request):
        token = request.matchdict["token"]
        self.link = None
        if not has_control_characters(token, multiline=False):
            self.link = request.dbsession.query(SurveyLink).filter_by(token=token).one_or_none()


def _refused(request, refusal: Refusal):
    text = request.translate(refusal.message, mapping=refusal.mapping)
    return openrosa.message(text, refusal.status, nature="error", language=request.locale_name)


def _usable_link(context) -> SurveyLink:
    if context.link is None:
        raise Refusal(
            404,
            _(
                "This server address is not known. Check it with your coordinator, or scan the "
                "QR code of the ODK Collect page again."
            ),
        )
    if not context.link.odk_enabled:
        raise Refusal(
            403,
            _(
                "ODK Collect is switched off for this survey link. Ask your coordinator to switch "
                "it on."
            ),
        )
    return context.link


def _current(request, link):
    return questionnaires.current(request.dbsession, link.intervention_id)


def _listed(link, today: dt.date, limits: answer_window.Bounds) -> bool:
    """Whether the form is offered for download: the link open, the wave not long closed."""
    wave = link.wave
    if not link.is_open:
        return False
    return not (wave.closes_on and today > wave.closes_on + limits.grace)


@view_config(route_name="odk.form_list", request_method="GET", permission="public")
def form_list(context, request):
    """GET formList (OpenRosa Form List API): this link's form, or none."""
    try:
        link = _usable_link(context)
    except Refusal as refusal:
        return _refused(request, refusal)
    entries = []
    current = _current(request, link)
    limits = answer_window.bounds(request.registry.settings)
    if current is not None and _listed(link, dt.date.today(), limits):
        form = forms.link_form(request, link, current)
        wanted = request.GET.get("formID")
        if wanted in (None, form.form_id):
            entries.append(
                {
                    "formID": form.form_id,
                    "name": form.title,
                    "version": form.version,
                    "hash": form.hash,
                    "downloadUrl": request.route_url("odk.form", token=link.token),
                }
            )
    return openrosa.openrosa_response(openrosa.form_list(entries), language=request.locale_name)


@view_config(route_name="odk.form", request_method="GET", permission="public")
def form_xml(context, request):
    """The XForm of the link's current questionnaire version."""
    try:
        link = _usable_link(context)
        current = _current(request, link)
        if current is None:
            raise Refusal(404, _("This intervention has no questionnaire yet."))
    except Refusal as refusal:
        return _refused(request, refusal)
    form = forms.link_form(request, link, current)
    return openrosa.openrosa_response(form.xml, language=request.locale_name)


def max_bytes(request) -> int:
    return int(request.registry.settings.get("evalsys.max_form_kb", DEFAULT_FORM_LIMIT_KB)) * 1024


@view_config(
    route_name="odk.submission",
    request_method=("HEAD", "POST"),
    permission="public",
    require_csrf=False,  # Collect has no session; the link's key and the rate limit guard it
)
def submission(context, request):
    """HEAD: 204 with the largest body accepted; POST: one filled-in form (201 when stored)."""
    try:
        link = _usable_link(context)
        if request.method == "HEAD":
            response = openrosa.openrosa_response(status=204, content_type=None)
            response.headers["X-OpenRosa-Accept-Content-Length"] = str(max_bytes(request))
            response.location = request.route_url("odk.submission", token=link.token)
            return response
        try:
            ratelimit.check(request, "survey", link.token)
        except ratelimit.RateLimited as limited:
            refusal = Refusal(
                429,
                _("Too many forms at once. Wait ${seconds} seconds and send again."),
                {"seconds": limited.retry_after},
            )
            response = _refused(request, refusal)
            response.headers["Retry-After"] = str(limited.retry_after)
            return response
        created = store(request, link)
    except Refusal as refusal:
        return _refused(request, refusal)
    text = (
        _("Thank you: the answers are stored.")
        if created
        else _("These answers had arrived already; they are stored once.")
    )
    return openrosa.message(
        request.translate(text), 201, nature="submit_success", language=request.locale_name
    )
