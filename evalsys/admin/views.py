"""The administrator's pages: users, their roles and access, reset links, and the audit log."""

from __future__ import annotations

import datetime as dt

from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.view import view_config

from evalsys import audit
from evalsys.accounts import totp
from evalsys.accounts.models import ROLES, ApiToken, Membership, User
from evalsys.accounts.sign_on import registry_providers
from evalsys.accounts.sign_on.links import links_of
from evalsys.accounts.users import (
    UserError,
    add_membership,
    check_membership,
    create_account,
    create_reset_link,
    update_user,
)
from evalsys.accounts.views.account import describe_memberships, parse_scope
from evalsys.accounts.views.auth import message
from evalsys.audit import AuditFilter, events_csv, query_events
from evalsys.audit.models import AuditEvent
from evalsys.programme.models import Intervention

AUDIT_PAGE_SIZE = 100


def _user_event(request, action: str, user: User, **details) -> None:
    audit.record_request(request, action, target_type="user", target_id=user.username, **details)


def _all_scopes(dbsession) -> list[tuple[Intervention, object]]:
    scopes = []
    for intervention in dbsession.query(Intervention).order_by(Intervention.name):
        scopes.append((intervention, None))
        scopes.extend((intervention, site) for site in intervention.sites)
    return scopes


@view_config(route_name="admin.users", renderer="admin/users.jinja2", permission="administer")
def users(request):
    rows = request.dbsession.query(User).order_by(User.username).all()
    return {"users": rows}


def _reset_link_page(request, user: User, created: bool) -> dict:
    _, token = create_reset_link(request.dbsession, user, request.identity)
    _user_event(request, "password_reset_created", user)
    request.override_renderer = "admin/reset_link.jinja2"
    return {
        "user": user,
        "created": created,
        "link": request.route_url("auth.reset", token=token),
    }


@view_config(route_name="admin.user_new", renderer="admin/user_new.jinja2", permission="administer")
def new_user(request):
    error = None
    form = {"username": "", "display_name": "", "role": "coordinator", "scope": ""}
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        scope = parse_scope(request.dbsession, form["scope"]) if form["scope"] else None
        try:
            if form["scope"] and scope is None:
                raise UserError(request.translate("Choose what the user may reach."))
            if scope is not None:
                check_membership(form["role"], scope[0], scope[1])
            elif form["role"] in ("evaluator", "coordinator"):
                raise UserError(
                    request.translate("Evaluators and coordinators need an intervention or site.")
                )
            user = create_account(
                request.dbsession, form["username"], form["role"], form["display_name"]
            )
        except UserError as problem:
            error = message(request, problem)
            request.response.status_int = 400
        else:
            if scope is not None:
                add_membership(request.dbsession, user, scope[0], scope[1])
            _user_event(
                request,
                "user_created",
                user,
                role=user.role,
                intervention_id=scope[0].id if scope else None,
                site_id=scope[1].id if scope and scope[1] else None,
            )
            return _reset_link_page(request, user, created=True)
    return {"error": error, "form": form, "roles": ROLES, "scopes": _all_scopes(request.dbsession)}


def _user_page(request, user: User, error: str | None = None) -> dict:
    tokens = (
        request.dbsession.query(ApiToken)
        .filter_by(user_id=user.id)
        .order_by(ApiToken.created_at.desc())
        .all()
    )
    return {
        "user": user,
        "roles": ROLES,
        "memberships": describe_memberships(request.dbsession, user),
        "scopes": _all_scopes(request.dbsession),
        "tokens": tokens,
        "recovery_codes_left": totp.unused_recovery_codes(request.dbsession, user),
        "sign_on_links": links_of(request.dbsession, user),
        "sign_on_providers": registry_providers(request.registry),
        "error": error,
    }


@view_config(route_name="admin.user", renderer="admin/user.jinja2", permission="administer")
def user_page(request):
    user = request.context.user
    if request.method != "POST":
        return _user_page(request, user)
    role = request.POST.get("role", user.role)
    active = request.POST.get("active") == "1"
    if user.id == request.identity.id and (role != "admin" or not active):
        request.response.status_int = 400
        error = request.translate("You cannot take away your own administrator access.")
        return _user_page(request, user, error)
    try:
        changes = update_user(
            user, role=role, display_name=request.POST.get("display_name", ""), active=active
        )
    except UserError as problem:
        request.response.status_int = 400
        return _user_page(request, user, message(request, problem))
    if changes:
        _user_event(request, "user_changed", user, changes=changes)
    return HTTPFound(location=request.route_url("admin.user", id=user.id))


@view_config(
    route_name="admin.user_reset",
    request_method="POST",
    renderer="admin/reset_link.jinja2",
    permission="administer",
)
def reset_link(request):
    return _reset_link_page(request, request.context.user, created=False)


@view_config(route_name="admin.user_totp_reset", request_method="POST", permission="administer")
def reset_authenticator(request):
    user = request.context.user
    if user.totp_secret:
        totp.disable_totp(request.dbsession, user)
        _user_event(request, "totp_disabled", user, by_admin=True)
    return HTTPFound(location=request.route_url("admin.user", id=user.id))


@view_config(
    route_name="admin.membership_add",
    request_method="POST",
    renderer="admin/user.jinja2",
    permission="administer",
)
def membership_add(request):
    user = request.context.user
    scope = parse_scope(request.dbsession, request.POST.get("scope", ""))
    try:
        if scope is None:
            raise UserError(request.translate("Choose what the user may reach."))
        membership = add_membership(request.dbsession, user, scope[0], scope[1])
    except UserError as problem:
        request.response.status_int = 400
        return _user_page(request, user, message(request, problem))
    _user_event(
        request,
        "membership_added",
        user,
        intervention_id=membership.intervention_id,
        site_id=membership.site_id,
    )
    return HTTPFound(location=request.route_url("admin.user", id=user.id))


@view_config(route_name="admin.membership_remove", request_method="POST", permission="administer")
def membership_remove(request):
    user = request.context.user
    number = request.POST.get("membership", "")
    membership = request.dbsession.get(Membership, int(number)) if number.isdigit() else None
    if membership is not None and membership.user_id == user.id:
        user.memberships.remove(membership)
        _user_event(
            request,
            "membership_removed",
            user,
            intervention_id=membership.intervention_id,
            site_id=membership.site_id,
        )
    return HTTPFound(location=request.route_url("admin.user", id=user.id))


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit_filter(request) -> AuditFilter:
    params = request.params
    intervention = params.get("intervention", "")
    return AuditFilter(
        action=params.get("action", "").strip(),
        actor=params.get("actor", "").strip(),
        target=params.get("target", "").strip(),
        intervention_id=int(intervention) if intervention.isdigit() else None,
        since=_date(params.get("since", "")),
        until=_date(params.get("until", "")),
    )


@view_config(route_name="admin.audit", renderer="admin/audit.jinja2", permission="administer")
def audit_log(request):
    where = audit_filter(request)
    page = request.params.get("page", "1")
    page = max(int(page), 1) if page.isdigit() else 1
    query = query_events(request.dbsession, where)
    total = query.count()
    events = query.offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE).all()
    recorded = {a for (a,) in request.dbsession.query(AuditEvent.action).distinct()}
    return {
        "events": events,
        "where": where,
        "page": page,
        "pages": max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1),
        "total": total,
        "actions": sorted(set(audit.KNOWN_ACTIONS) | recorded),
        "interventions": request.dbsession.query(Intervention).order_by(Intervention.name).all(),
        "query": {k: v for k, v in request.params.items() if k != "page"},
    }


@view_config(route_name="admin.audit_csv", permission="administer")
def audit_csv(request):
    where = audit_filter(request)
    body = events_csv(query_events(request.dbsession, where))
    audit.record_request(
        request,
        "audit_exported",
        target_type="audit_log",
        filter={k: v for k, v in request.params.items()},
    )
    response = Response(body=body.encode("utf-8"), content_type="text/csv", charset="utf-8")
    stamp = dt.date.today().isoformat()
    response.content_disposition = f'attachment; filename="evalsys-audit-{stamp}.csv"'
    return response
