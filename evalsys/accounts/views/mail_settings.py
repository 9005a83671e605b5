"""A person's own mail settings: the address digests go to, on or off, and their language."""

from __future__ import annotations

from pyramid.view import view_config

from evalsys import audit
from evalsys.accounts.users import is_address
from evalsys.i18n import _

LANGUAGES = ("nl", "en")


@view_config(route_name="account.mail", renderer="account/mail.jinja2", permission="account")
def mail_settings(request):
    user = request.identity
    error = done = None
    values = {"email": user.email or "", "digests": user.digests, "language": user.mail_language}
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        values = {
            "email": email,
            "digests": request.POST.get("digests") == "on",
            "language": request.POST.get("language", "nl"),
        }
        if email and not is_address(email):
            error = request.translate(
                _("This is not an e-mail address. Write it like name@example.nl.")
            )
            request.response.status_int = 400
        else:
            user.email = email or None
            user.digests = values["digests"]
            user.mail_language = values["language"] if values["language"] in LANGUAGES else "nl"
            audit.record_request(
                request,
                "mail_settings_changed",
                target_type="user",
                target_id=user.username,
                digests=user.digests,
                has_address=user.email is not None,
            )
            done = request.translate(_("Your mail settings are saved."))
    return {"error": error, "done": done, "values": values}
