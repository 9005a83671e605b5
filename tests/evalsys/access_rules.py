"""Who may open which route: the table the access-matrix test checks every route against.

Every route of the application needs a row here; test_access_matrix.py fails for a route without
one (and for a row whose route is gone).

A row gives, per role, one letter per target object:

    A  allowed (the view ran: 2xx, 3xx other than to the login page, a 400 for a bad form, or
       a 409 for data not ready, such as an API report without results yet)
    D  denied, 403: the person may know the intervention or site, not do this with it
    N  not found, 404: there is no such object, or it lies outside the person's scope (an
       intervention or site of someone else gets the very same 404 as one that does not exist)
    L  login needed (redirect to /login?next=..., or 401 for the API)

Targets: a route without placeholders has one target ("own"). A route with placeholders has two,
"own" then "other": own = intervention A, site A1, the user's own token...; other = intervention
B, site B1, another user's token. A route with {site} has a third, "sibling": site A2, another site
of the user's own intervention (the coordinator of A1 must not see it; A's evaluator may).
One letter applies to every target: rule(anonymous="L", ...) with single letters is the common case.

How a URL is made for each placeholder: PLACEHOLDERS (by name), overridden per route in
ROUTE_PLACEHOLDERS. Each is a function (world, role, target) -> the value to put in the URL.
"""

from __future__ import annotations

ROLES = ("anonymous", "admin", "evaluator", "coordinator", "ministry")


def rule(anonymous: str, admin: str, evaluator: str, coordinator: str, ministry: str) -> dict:
    return dict(
        anonymous=anonymous,
        admin=admin,
        evaluator=evaluator,
        coordinator=coordinator,
        ministry=ministry,
    )


PUBLIC = rule("A", "A", "A", "A", "A")
LOGGED_IN = rule("L", "A", "A", "A", "A")
ADMIN_ONLY = rule("L", "A", "D", "D", "D")

RULES: dict[str, dict] = {
    # foundation
    "home": PUBLIC,
    "healthz": PUBLIC,
    "language": PUBLIC,
    # accounts and administration (issue 5)
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.second_step": PUBLIC,  # without a pending login it sends you back to /login
    "auth.enrol": PUBLIC,
    # single sign-on (issue 27): the test app names no provider, so every name is unknown
    "auth.sso_start": rule("N", "N", "N", "N", "N"),
    "auth.sso_callback": rule("N", "N", "N", "N", "N"),
    "auth.reset": rule("AN", "AN", "AN", "AN", "AN"),  # own: a live link; other: an unknown one
    "account.home": LOGGED_IN,
    "account.password": LOGGED_IN,
    "account.mail": LOGGED_IN,  # issue 21: the user's own mail settings
    "mail.unsubscribe": PUBLIC,  # the token is the key; an unknown one says the address is gone
    "account.totp": LOGGED_IN,
    "account.totp_remove": LOGGED_IN,
    "account.recovery_codes": LOGGED_IN,
    "account.tokens": LOGGED_IN,
    # own: the user's own token (anonymous and ministry have none: they try the coordinator's)
    "account.token_revoke": rule("LL", "AA", "AD", "AD", "DD"),
    "admin.users": ADMIN_ONLY,
    "admin.user_new": ADMIN_ONLY,
    "admin.user": ADMIN_ONLY,
    "admin.user_reset": ADMIN_ONLY,
    "admin.user_totp_reset": ADMIN_ONLY,
    "admin.membership_add": ADMIN_ONLY,
    "admin.membership_remove": ADMIN_ONLY,
    "admin.sign_on_link": ADMIN_ONLY,
    "admin.sign_on_unlink": ADMIN_ONLY,
    "admin.audit": ADMIN_ONLY,
    "admin.audit_csv": ADMIN_ONLY,
    # data collection (issue 4): add a row for each new route here
    "survey.fill": PUBLIC,
    "survey.thanks": PUBLIC,
    # the short way to a link (issue 25): /k, and /k/{code} that sends on to the link
    "short.form": PUBLIC,
    "short.go": PUBLIC,
    # ODK Collect (issue 27): the link's token is the key; refusals are OpenRosa messages
    "odk.form_list": PUBLIC,
    "odk.form": PUBLIC,
    "odk.submission": PUBLIC,  # a POST without a form: a 400 that Collect shows
    "site.odk": rule("L", "A", "ANA", "ANN", "N"),
    # interventions, set-up and the coordinator's site pages
    "intervention.new": rule("L", "A", "A", "D", "D"),
    "intervention.overview": rule("L", "AA", "AN", "AN", "N"),
    "intervention.setup": rule("L", "AA", "AN", "DN", "N"),
    "intervention.instrument_import": rule("L", "AA", "AN", "DN", "N"),
    # issue 23: an instrument (own: brs) or the questionnaire as a file, rights as the import
    "intervention.instrument_export": rule("L", "AA", "AN", "DN", "N"),
    "intervention.questionnaire_export": rule("L", "AA", "AN", "DN", "N"),
    "intervention.erase": rule("L", "AA", "AN", "DN", "N"),  # erasure on request (issue 19)
    "intervention.test_responses": rule("L", "AA", "AN", "DN", "N"),  # issue 25: counts only
    # webhooks (issue 27): managers see all of an intervention's, a coordinator their own
    "intervention.webhooks": rule("L", "AA", "AN", "AN", "N"),
    "intervention.webhook": rule("L", "N", "N", "N", "N"),  # no webhook has this id
    "site.dashboard": rule("L", "A", "ANA", "ANN", "N"),
    "site.links": rule("L", "A", "ANA", "ANN", "N"),
    "site.link_toggle": rule("L", "A", "ANA", "ANN", "N"),
    "site.link_qr": rule("L", "A", "ANA", "ANN", "N"),
    "site.link_flyer": rule("L", "A", "ANA", "ANN", "N"),
    # staff trying a link (issue 25): "collect" on the site; the test route stores test data
    "site.link_preview": rule("L", "A", "ANA", "ANN", "N"),
    "site.link_test": rule("L", "A", "ANA", "ANN", "N"),
    # issued participant codes and their cards (issue 25): "collect" on the site
    "site.codes": rule("L", "A", "ANA", "ANN", "N"),
    "site.code_cards": rule("L", "A", "ANA", "ANN", "N"),
    # paper entry and spreadsheet import: "collect" on the site ("view" for the template)
    "site.paper": rule("L", "A", "ANA", "ANN", "N"),
    "site.paper_pdf": rule("L", "A", "ANA", "ANN", "N"),  # issue 25: the blank questionnaire
    "site.paper_double_entry": rule("L", "A", "ANA", "ANN", "N"),  # the switch; a bad form: 400
    "site.paper_held": rule("L", "N", "N", "N", "N"),  # no held entry has this id
    "site.import": rule("L", "A", "ANA", "ANN", "N"),
    "site.import_report": rule("L", "N", "N", "N", "N"),  # no report has this id
    "questionnaire.template": rule("L", "A", "AN", "AN", "N"),
    # stored responses (issue 19): "view_participants" on the site; no response has the id
    "site.responses": rule("L", "A", "ANA", "ANN", "N"),
    "site.due": rule("L", "A", "ANA", "ANN", "N"),  # issue 21: participant codes
    "site.due_file": rule("L", "A", "ANA", "ANN", "N"),
    "response.history": rule("L", "N", "N", "N", "N"),
    "response.correct": rule("L", "N", "N", "N", "N"),
    "response.move": rule("L", "N", "N", "N", "N"),
    "response.void": rule("L", "N", "N", "N", "N"),
    # JSON API v1 (issue 4 part 5): 401 is "L"; a denied GET is 404 ("N"), never 403
    "api.openapi": PUBLIC,
    "api.instruments": LOGGED_IN,
    # issue 23: a session's form post is 415 (the view ran; with a session only a raw body is
    # taken); who may import for which intervention: tests/evalsys/api/test_api_instruments.py
    "api.instrument_import": LOGGED_IN,
    "api.instrument_export": rule("L", "AN", "AN", "AN", "AN"),  # own: brs; other: no such id
    "api.responses": LOGGED_IN,  # a list within the scope (empty for the ministry)
    "api.response": rule("L", "N", "N", "N", "N"),  # no response has this id
    "api.response_history": rule("L", "N", "N", "N", "N"),
    "api.response_corrections": rule("L", "N", "N", "N", "N"),
    "api.response_moves": rule("L", "N", "N", "N", "N"),
    "api.response_void": rule("L", "N", "N", "N", "N"),
    "api.interventions": LOGGED_IN,  # a list within the scope
    "api.intervention": rule("L", "AA", "AN", "AN", "N"),
    "api.sites": rule("L", "AA", "AN", "AN", "N"),
    "api.site_coordinators": rule("L", "AAA", "ANA", "ANN", "N"),
    "api.site_due": rule("L", "AAA", "ANA", "ANN", "N"),  # issue 21
    "api.links": rule("L", "AA", "AN", "AN", "N"),
    "api.waves": rule("L", "AA", "AN", "AN", "N"),
    "api.wave": rule("L", "AA", "AN", "AN", "N"),
    "api.questionnaire": rule("L", "AA", "AN", "AN", "N"),
    "api.webhooks": rule("L", "AA", "AN", "AN", "N"),  # issue 27
    "api.webhook": rule("L", "N", "N", "N", "N"),  # no webhook has this id
    "api.webhook_deliveries": rule("L", "N", "N", "N", "N"),
    # results, reports and exports (issue 7): participant-level for evaluators only; published
    # reports for the intervention's evaluators and every ministry user
    "intervention.results": rule("L", "AA", "AN", "DN", "N"),
    "intervention.due": rule("L", "AA", "AN", "DN", "N"),  # counts per site (issue 21)
    "intervention.report_pdf": rule("L", "AA", "AN", "DN", "N"),
    "intervention.publish": rule("L", "AA", "AN", "DN", "N"),
    "intervention.publish_preview": rule("L", "AA", "AN", "DN", "N"),  # issue 25
    "intervention.export": rule("L", "AA", "AN", "DN", "N"),
    "intervention.change_log": rule("L", "AA", "AN", "DN", "N"),  # issue 19
    "report.list": LOGGED_IN,  # a list of what the user may read
    "report.programme_job": ADMIN_ONLY,  # the programme report across interventions (issue 20)
    # no report has this id: nobody is asked to log in, anyone else is told it is not there (who
    # may read a real one: tests/evalsys/results/test_publish_reports.py)
    "report.download": rule("L", "N", "N", "N", "N"),
    "report.aggregates": rule("L", "N", "N", "N", "N"),
    "report.withdraw": rule("L", "N", "N", "N", "N"),  # issue 25 (who may: test_withdraw_*.py)
    # jobs (issue 20): the format-less form is a bad form (400) for those who may export
    "intervention.export_job": rule("L", "AA", "AN", "DN", "N"),
    "intervention.report_job": rule("L", "AA", "AN", "DN", "N"),
    "intervention.evaluate_job": rule("L", "AA", "AN", "DN", "N"),  # as the results page
    "job.list": LOGGED_IN,  # the user's own jobs
    # no job has this id; a job of someone else gets the same 404 (tests/evalsys/jobs)
    "job.show": rule("L", "N", "N", "N", "N"),
    "job.status": rule("L", "N", "N", "N", "N"),
    "job.cancel": rule("L", "N", "N", "N", "N"),
    "job.result": rule("L", "N", "N", "N", "N"),
    # downloads through the API (issue 27): as on the web; a ministry session's published
    # reports are in the list (who may read a real one: tests/evalsys/api/test_api_report_*.py)
    "api.export": rule("L", "AA", "AN", "DN", "N"),
    "api.change_log": rule("L", "AA", "AN", "DN", "N"),
    "api.current_report": rule("L", "AA", "AN", "DN", "N"),  # 409: no results yet
    "api.current_report_pdf": rule("L", "AA", "AN", "DN", "N"),
    "api.intervention_jobs": rule("L", "AA", "AN", "DN", "N"),
    "api.site_due_file": rule("L", "AAA", "ANA", "ANN", "N"),
    "api.jobs": LOGGED_IN,  # the user's own jobs
    "api.job": rule("L", "N", "N", "N", "N"),  # no job has this id
    "api.job_result": rule("L", "N", "N", "N", "N"),
    "api.job_cancel": rule("L", "N", "N", "N", "N"),
    "api.reports": LOGGED_IN,  # a list of what the user may read
    "api.report_version": rule("L", "N", "N", "N", "N"),  # no report has this id
    "api.report_version_pdf": rule("L", "N", "N", "N", "N"),
}

# JSON API views take no CSRF token: a bearer token is never sent by a browser on its own, and a
# session request must carry a JSON body (else 415), which a cross-site form cannot send.
API_CSRF = "JSON API: bearer token, or a JSON body that a cross-site form cannot send"

# Routes whose POST views take no CSRF token, each with the reason.
CSRF_EXEMPT: dict[str, str] = {
    "language": "a GET link; it only sets the language cookie",
    "survey.fill": "participants have no session; the link token and a rate limit guard it",
    "odk.submission": "ODK Collect has no session; the link token and a rate limit guard it",
    "mail.unsubscribe": "the secret token in the mail's link is the key; mail programs send "
    "the one-click POST of RFC 8058 without a session, and it can only delete an address",
    "api.responses": API_CSRF,
    "api.interventions": API_CSRF,
    "api.sites": API_CSRF,
    "api.site_coordinators": API_CSRF,
    "api.waves": API_CSRF,
    "api.response_corrections": API_CSRF,
    "api.response_moves": API_CSRF,
    "api.response_void": API_CSRF,
    "api.webhooks": API_CSRF,
    "api.intervention_jobs": API_CSRF,
    "api.job_cancel": API_CSRF,
    "api.instrument_import": API_CSRF + " (a form body is 415 with a session)",
}


def _slug(world, role, target):
    return world.b.slug if target == "other" else world.a.slug


def _site(world, role, target):
    return world.site({"own": "A1", "sibling": "A2", "other": "B1"}[target]).slug


def _link(world, role, target):
    return world.links[{"own": "A1", "sibling": "A2", "other": "B1"}[target]].token


def _short_code(world, target):
    return world.links[{"own": "A1", "other": "B1"}[target]].short_code


def _own_token_id(world, role, target):
    user = world.users.get(role)
    if target == "other":
        return world.tokens["coordinator-b"][0].id
    if user is None or user.username not in world.tokens:
        return world.tokens["coordinator-a"][0].id
    return world.tokens[user.username][0].id


def _managed_user_id(world, role, target):
    # own: the coordinator of A1; other: the coordinator of B1 (admins may manage both)
    return (world.others if target == "other" else world.users)["coordinator"].id


def _reset_token(world, role, target):
    return "no-such-link" if target == "other" else world.reset_token


PLACEHOLDERS = {
    "slug": _slug,
    "site": _site,
    "token": _link,
    "code": lambda world, role, target: "en",
    "provider": lambda world, role, target: "example",
}

ROUTE_PLACEHOLDERS = {
    "short.go": {"code": lambda world, role, target: _short_code(world, target)},
    "auth.reset": {"token": _reset_token},
    "account.token_revoke": {"id": _own_token_id},
    "admin.user": {"id": _managed_user_id},
    "admin.user_reset": {"id": _managed_user_id},
    "admin.user_totp_reset": {"id": _managed_user_id},
    "admin.membership_add": {"id": _managed_user_id},
    "admin.membership_remove": {"id": _managed_user_id},
    "admin.sign_on_link": {"id": _managed_user_id},
    "admin.sign_on_unlink": {"id": _managed_user_id},
    "api.response": {"id": lambda world, role, target: 987654321},
    **{
        name: {"id": lambda world, role, target: 987654321}
        for name in (
            "api.response_history",
            "api.response_corrections",
            "api.response_moves",
            "api.response_void",
            "response.history",
            "response.correct",
            "response.move",
            "response.void",
            "job.show",
            "job.status",
            "job.cancel",
            "job.result",
            "intervention.webhook",
            "api.webhook",
            "api.webhook_deliveries",
            "api.job",
            "api.job_result",
            "api.job_cancel",
            "api.report_version",
            "api.report_version_pdf",
        )
    },
    "intervention.webhook": {
        "id": lambda world, role, target: 987654321,
        "action": lambda world, role, target: "ping",
    },
    "api.wave": {"label": lambda world, role, target: "T0"},
    "api.instrument_export": {
        "id": lambda world, role, target: "brs" if target == "own" else "no_such_instrument"
    },
    "intervention.instrument_export": {
        "id": lambda world, role, target: "brs",
        "format": lambda world, role, target: "xlsform",
    },
    "site.import_report": {"report": lambda world, role, target: "no-such-report-0000000000"},
    "site.paper_held": {"entry": lambda world, role, target: 987654321},
    "questionnaire.template": {"ext": lambda world, role, target: "csv"},
    "site.link_qr": {"format": lambda world, role, target: "svg"},
    "intervention.export": {"format": lambda world, role, target: "csv_long"},
    "site.due_file": {"format": lambda world, role, target: "pdf"},
    "api.export": {"format": lambda world, role, target: "csv_long"},
    "api.site_due_file": {"format": lambda world, role, target: "pdf"},
    "report.download": {"id": lambda world, role, target: 987654321},
    "report.aggregates": {"id": lambda world, role, target: 987654321},
    "report.withdraw": {"id": lambda world, role, target: 987654321},
}
