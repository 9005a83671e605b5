"""The administrator links a user's account to a provider's user, or unlinks it (audited)."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from evalsys.accounts.sign_on import links, registry_providers
from evalsys.accounts.sign_on.models import SignOnLink
from evalsys.accounts.users import UserError
from evalsys.accounts.views.auth import message
from evalsys.admin.views import _user_event, _user_page


@view_config(
    route_name="admin.sign_on_link",
    request_method="POST",
    renderer="admin/user.jinja2",
    permission="administer",
)
def link(request):
    user = request.context.user
    provider = registry_providers(request.registry).get(request.POST.get("provider", ""))
    try:
        if provider is None:
            raise UserError(request.translate("Choose a sign-on provider."))
        made = links.link_account(
            request.dbsession,
            user,
            provider.settings,
            subject=request.POST.get("subject", ""),
            email=request.POST.get("email", ""),
            created_by=request.identity,
        )
    except UserError as problem:
        request.response.status_int = 400
        return _user_page(request, user, message(request, problem))
    _user_event(
        request,
        "sign_on_linked",
        user,
        provider=made.provider,
        subject=made.subject,
        email=made.email,
    )
    return HTTPFound(location=request.route_url("admin.user", id=user.id))


@view_config(route_name="admin.sign_on_unlink", request_method="POST", permission="administer")
def unlink(request):
    user = request.context.user
    number = request.POST.get("link", "")
    found = request.dbsession.get(SignOnLink, int(number)) if number.isdigit() else None
    if found is not None and found.user_id == user.id:
        _user_event(
            request,
            "sign_on_unlinked",
            user,
            provider=found.provider,
            subject=found.subject,
            email=found.email,
        )
        links.unlink(request.dbsession, found)
    return HTTPFound(location=request.route_url("admin.user", id=user.id))
