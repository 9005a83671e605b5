"""Every URL of evalsys, with dotted names."""


def includeme(config) -> None:
    config.add_static_view("static", "evalsys:static", cache_max_age=3600)

    # JSON API v1 (evalsys/api; docs/api.md). Patterns equal the OpenAPI document's paths.
    # First: routes are tried in order, and submissions are the busiest requests. No other
    # pattern starts with /api/, so the order changes nothing else.
    api_root = "evalsys.api.contexts.ApiRoot"
    api_intervention = "evalsys.api.contexts.ApiIntervention"
    config.add_route("api.openapi", "/api/v1/openapi.json")
    config.add_route("api.instruments", "/api/v1/instruments", factory=api_root)
    config.add_route("api.instrument_import", "/api/v1/instruments/import", factory=api_root)
    config.add_route("api.instrument_export", "/api/v1/instruments/{id}/export", factory=api_root)
    config.add_route("api.responses", "/api/v1/responses", factory=api_root)
    config.add_route("api.response", "/api/v1/responses/{id}", factory=api_root)
    config.add_route("api.response_history", "/api/v1/responses/{id}/history", factory=api_root)
    for action in ("corrections", "moves", "void"):
        config.add_route(
            f"api.response_{action}", f"/api/v1/responses/{{id}}/{action}", factory=api_root
        )
    config.add_route("api.interventions", "/api/v1/interventions", factory=api_root)
    config.add_route("api.intervention", "/api/v1/interventions/{slug}", factory=api_intervention)
    config.add_route("api.sites", "/api/v1/interventions/{slug}/sites", factory=api_intervention)
    config.add_route(
        "api.site_coordinators",
        "/api/v1/interventions/{slug}/sites/{site}/coordinators",
        factory="evalsys.api.contexts.ApiSite",
    )
    config.add_route("api.links", "/api/v1/interventions/{slug}/links", factory=api_intervention)
    config.add_route("api.waves", "/api/v1/interventions/{slug}/waves", factory=api_intervention)
    config.add_route(
        "api.wave",
        "/api/v1/interventions/{slug}/waves/{label}",
        factory="evalsys.api.contexts.ApiWave",
    )
    config.add_route(
        "api.site_due",
        "/api/v1/interventions/{slug}/sites/{site}/due",
        factory="evalsys.api.contexts.ApiSite",
    )
    config.add_route(
        "api.questionnaire",
        "/api/v1/interventions/{slug}/questionnaire",
        factory=api_intervention,
    )
    # downloads: exports, reports, due list files, the published archive, jobs (api.downloads)
    api_files = "evalsys.api.download_contexts.ApiInterventionFiles"
    for name, tail in (
        ("api.export", "exports/{format}"),
        ("api.change_log", "change-log"),
        ("api.current_report", "report"),
        ("api.current_report_pdf", "report/pdf"),
        ("api.intervention_jobs", "jobs"),
    ):
        config.add_route(name, f"/api/v1/interventions/{{slug}}/{tail}", factory=api_files)
    config.add_route(
        "api.site_due_file",
        "/api/v1/interventions/{slug}/sites/{site}/due/{format}",
        factory="evalsys.api.download_contexts.ApiSiteFiles",
    )
    api_job, api_report = (
        "evalsys.api.download_contexts.ApiJob",
        "evalsys.api.download_contexts.ApiReport",
    )
    config.add_route("api.jobs", "/api/v1/jobs", factory=api_root)
    config.add_route("api.job", "/api/v1/jobs/{id}", factory=api_job)
    config.add_route("api.job_result", "/api/v1/jobs/{id}/result", factory=api_job)
    config.add_route("api.job_cancel", "/api/v1/jobs/{id}/cancel", factory=api_job)
    config.add_route("api.reports", "/api/v1/reports", factory=api_root)
    config.add_route("api.report_version", "/api/v1/reports/{id}", factory=api_report)
    config.add_route("api.report_version_pdf", "/api/v1/reports/{id}/pdf", factory=api_report)
    config.add_route(
        "api.webhooks", "/api/v1/interventions/{slug}/webhooks", factory=api_intervention
    )
    config.add_route(
        "api.webhook", "/api/v1/interventions/{slug}/webhooks/{id}", factory=api_intervention
    )
    config.add_route(
        "api.webhook_deliveries",
        "/api/v1/interventions/{slug}/webhooks/{id}/deliveries",
        factory=api_intervention,
    )

    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("language", "/language/{code}")

    # the participant survey: a link (or QR code) is the only key
    config.add_route(
        "survey.fill", "/s/{token}", factory="evalsys.collection.survey.context.SurveyLinkContext"
    )
    config.add_route(
        "survey.thanks",
        "/s/{token}/klaar",
        factory="evalsys.collection.survey.context.SurveyLinkContext",
    )
    # the short way to a link: /k and the code on the flyer (case-insensitive)
    config.add_route("short.form", "/k")
    config.add_route("short.go", "/k/{code}")
    # ODK Collect (OpenRosa): the link's token is the server key, as a Central app user's
    odk_key = "evalsys.odk.views.OdkKeyContext"
    config.add_route("odk.form_list", "/odk/key/{token}/formList", factory=odk_key)
    config.add_route("odk.form", "/odk/key/{token}/form.xml", factory=odk_key)
    config.add_route("odk.submission", "/odk/key/{token}/submission", factory=odk_key)

    # interventions and their sites: progress, survey links, QR codes and flyers
    intervention = "evalsys.programme.contexts.InterventionContext"
    site = "evalsys.programme.contexts.SiteContext"
    config.add_route("intervention.new", "/interventions/new")
    config.add_route("intervention.overview", "/i/{slug}", factory=intervention)
    config.add_route("intervention.setup", "/i/{slug}/setup", factory=intervention)
    config.add_route(
        "intervention.instrument_import", "/i/{slug}/instruments/import", factory=intervention
    )
    config.add_route(  # issue 23: an instrument or the questionnaire as a file to take along
        "intervention.instrument_export",
        "/i/{slug}/instruments/{id}/export.{format:xlsform|redcap|yaml}",
        factory=intervention,
    )
    config.add_route(
        "intervention.questionnaire_export", "/i/{slug}/questionnaire.xlsx", factory=intervention
    )
    config.add_route("intervention.erase", "/i/{slug}/erase", factory=intervention)  # privacy
    config.add_route(
        "intervention.test_responses", "/i/{slug}/test-responses", factory=intervention
    )
    config.add_route("intervention.webhooks", "/i/{slug}/webhooks", factory=intervention)
    config.add_route(
        "intervention.webhook",
        "/i/{slug}/webhooks/{id}/{action:ping|on|off|delete}",
        factory=intervention,
    )
    config.add_route("site.dashboard", "/i/{slug}/sites/{site}", factory=site)
    config.add_route("site.links", "/i/{slug}/sites/{site}/links", factory=site)
    config.add_route("site.odk", "/i/{slug}/sites/{site}/odk", factory=site)
    config.add_route("site.link_toggle", "/i/{slug}/sites/{site}/links/{token}/open", factory=site)
    config.add_route(
        "site.link_qr", "/i/{slug}/sites/{site}/links/{token}/qr.{format:svg|png}", factory=site
    )
    config.add_route(
        "site.link_flyer", "/i/{slug}/sites/{site}/links/{token}/flyer.pdf", factory=site
    )
    # staff trying a link: a preview that stores nothing, test responses
    # (collection.views.test_mode; deleting them all: privacy.test_response_views)
    for mode in ("preview", "test"):
        config.add_route(
            f"site.link_{mode}", f"/i/{{slug}}/sites/{{site}}/links/{{token}}/{mode}", factory=site
        )
    # participant codes issued for a site, and their cards (collection.issued_codes)
    config.add_route("site.codes", "/i/{slug}/sites/{site}/codes", factory=site)
    config.add_route("site.code_cards", "/i/{slug}/sites/{site}/codes/cards.pdf", factory=site)

    # paper entry and spreadsheet import
    config.add_route("site.paper", "/i/{slug}/sites/{site}/paper", factory=site)
    config.add_route("site.paper_pdf", "/i/{slug}/sites/{site}/paper.pdf", factory=site)
    config.add_route(
        "site.paper_double_entry", "/i/{slug}/sites/{site}/paper/double-entry", factory=site
    )
    config.add_route("site.paper_held", "/i/{slug}/sites/{site}/paper/held/{entry}", factory=site)
    config.add_route("site.import", "/i/{slug}/sites/{site}/import", factory=site)
    config.add_route(
        "site.import_report", "/i/{slug}/sites/{site}/import/reports/{report}.csv", factory=site
    )
    # stored responses: history, and corrections, moves and voids with a reason
    response = "evalsys.collection.contexts.ResponseContext"
    config.add_route("site.responses", "/i/{slug}/sites/{site}/responses", factory=site)
    config.add_route("site.due", "/i/{slug}/sites/{site}/due", factory=site)
    config.add_route(
        "site.due_file", "/i/{slug}/sites/{site}/due.{format:csv|xlsx|pdf}", factory=site
    )
    config.add_route("response.history", "/i/{slug}/sites/{site}/responses/{id}", factory=response)
    for action in ("correct", "move", "void"):
        config.add_route(
            f"response.{action}",
            f"/i/{{slug}}/sites/{{site}}/responses/{{id}}/{action}",
            factory=response,
        )
    config.add_route(
        "intervention.change_log", "/i/{slug}/export-changes.csv", factory=intervention
    )
    config.add_route(
        "questionnaire.template",
        "/i/{slug}/import-template.{ext:csv|xlsx}",
        factory=intervention,
    )

    # results, reports and exports (docs/results.md)
    report = "evalsys.results.contexts.ReportVersionContext"
    config.add_route("intervention.results", "/i/{slug}/results", factory=intervention)
    config.add_route("intervention.due", "/i/{slug}/follow-up", factory=intervention)
    config.add_route("intervention.report_pdf", "/i/{slug}/report.pdf", factory=intervention)
    config.add_route("intervention.publish", "/i/{slug}/publish", factory=intervention)
    config.add_route(
        "intervention.publish_preview", "/i/{slug}/publish/preview.pdf", factory=intervention
    )
    config.add_route(
        "intervention.export",
        "/i/{slug}/export.{format:csv_long|csv_wide|xlsx|sav|sav_wide|dta|dta_wide|r|r_wide|sps|sps_wide}",
        factory=intervention,
    )
    config.add_route("intervention.export_job", "/i/{slug}/export-job", factory=intervention)
    config.add_route("intervention.report_job", "/i/{slug}/report-job", factory=intervention)
    config.add_route("intervention.evaluate_job", "/i/{slug}/results-job", factory=intervention)
    config.add_route("report.list", "/reports")
    config.add_route("report.programme_job", "/reports/programme-job")
    config.add_route("report.download", "/reports/{id}.pdf", factory=report)
    config.add_route("report.aggregates", "/reports/{id}.json", factory=report)
    config.add_route(
        "report.withdraw",
        "/reports/{id}/withdraw",
        factory="evalsys.results.contexts.WithdrawalContext",
    )

    # jobs: long work off the request, with its progress and result (evalsys.jobs)
    job = "evalsys.jobs.contexts.JobContext"
    config.add_route("job.list", "/jobs")
    config.add_route("job.show", "/jobs/{id}", factory=job)
    config.add_route("job.status", "/jobs/{id}/status.json", factory=job)
    config.add_route("job.cancel", "/jobs/{id}/cancel", factory=job)
    config.add_route("job.result", "/jobs/{id}/result", factory=job)

    config.add_route("auth.login", "/login")
    config.add_route("auth.logout", "/logout")

    # accounts and administration
    user = "evalsys.accounts.contexts.UserContext"
    api_token = "evalsys.accounts.contexts.ApiTokenContext"
    config.add_route("auth.second_step", "/login/code")
    config.add_route("auth.enrol", "/login/authenticator")
    config.add_route("auth.sso_start", "/login/sso/{provider}")
    config.add_route("auth.sso_callback", "/login/sso/{provider}/callback")
    config.add_route("auth.reset", "/reset/{token}")
    config.add_route("account.home", "/account")
    config.add_route("account.password", "/account/password")
    config.add_route("account.mail", "/account/mail")
    config.add_route("mail.unsubscribe", "/mail/stop/{token}")
    config.add_route("account.totp", "/account/authenticator")
    config.add_route("account.totp_remove", "/account/authenticator/remove")
    config.add_route("account.recovery_codes", "/account/recovery-codes")
    config.add_route("account.tokens", "/account/tokens")
    config.add_route("account.token_revoke", "/account/tokens/{id}/revoke", factory=api_token)
    config.add_route("admin.users", "/admin/users")
    config.add_route("admin.user_new", "/admin/users/new")
    config.add_route("admin.user", "/admin/users/{id}", factory=user)
    config.add_route("admin.user_reset", "/admin/users/{id}/password-link", factory=user)
    config.add_route("admin.user_totp_reset", "/admin/users/{id}/authenticator", factory=user)
    config.add_route("admin.membership_add", "/admin/users/{id}/access", factory=user)
    config.add_route("admin.membership_remove", "/admin/users/{id}/access/remove", factory=user)
    config.add_route("admin.sign_on_link", "/admin/users/{id}/sign-on", factory=user)
    config.add_route("admin.sign_on_unlink", "/admin/users/{id}/sign-on/remove", factory=user)
    config.add_route("admin.audit", "/admin/audit")
    config.add_route("admin.audit_csv", "/admin/audit.csv")

    config.include("evalsys.api")  # scans the API views and its JSON error views
