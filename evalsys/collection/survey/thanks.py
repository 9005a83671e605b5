"""The thank-you page after the survey, where a participant may leave an address for the next
round."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys.accounts.users import is_address
from evalsys.collection.submissions import stored_response
from evalsys.i18n import _
from evalsys.mail import contacts


@view_config(
    route_name="survey.thanks",
    permission="public",
    renderer="survey/thanks.jinja2",
    context="..survey.context.SurveyLinkContext",
)
def thanks(context, request):
    language = request.params.get("lang", request.locale_name)
    page = {"context": context, "lang": language, "ask": False, "saved": False, "error": None}
    response = _signed_response(context, request)
    if response is None:
        return page
    page.update(ask=True, r=request.params["r"], k=request.params["k"])
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        if not is_address(email):
            request.response.status_int = 400
            page["error"] = request.translate(
                _("This is not an e-mail address. Write it like name@example.nl.")
            )
            page["email"] = email
            return page
        contacts.leave_address(
            request.dbsession, context.intervention.id, response.participant_id, email, language
        )
        page.update(ask=False, saved=True)
    return page


def follow_up_wave(context):
    """The round after this link's one, when the intervention invites participants by mail."""
    if not context.intervention.invitations:
        return None
    later = [w for w in context.intervention.waves if w.position > context.wave.position]
    return min(later, key=lambda w: w.position) if later else None


def _signed_response(context, request):
    """The response the thanks page was sent to, when its signature holds."""
    submission_id, key = request.params.get("r", ""), request.params.get("k", "")
    if follow_up_wave(context) is None or not submission_id or len(submission_id) > 36:
        return None
    if not contacts.signed(request.registry.settings, submission_id, key):
        return None
    found = stored_response(request.dbsession, submission_id)
    if found is None or found.intervention_id != context.intervention.id:
        return None
    return found
