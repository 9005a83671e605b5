"""evalsys: shows whether social interventions work. The Pyramid application factory."""

import gc

from pyramid.config import Configurator

from evalsys.settings import apply_environment, as_bool

# The capabilities whose pages are found by scanning; the API scans itself (evalsys.api).
CAPABILITIES = (
    ".accounts",
    ".admin",
    ".collection",
    ".followup",
    ".imports",
    ".jobs",
    ".mail",
    ".odk",
    ".privacy",
    ".results",
    ".setup",
    ".web",
    ".webhooks",
)


def main(global_config, **settings):
    """Build the WSGI application."""
    # Every table, so that relationships between capabilities resolve. Here, not at the top: the
    # `evalsys` command imports this package and must start without the models.
    import evalsys.job_tasks  # noqa: F401 - every task function, registered by kind
    import evalsys.models  # noqa: F401

    settings = apply_environment(settings)
    with Configurator(settings=settings) as config:
        # database session per request, transactions (pyramid_tm), retries (pyramid_retry)
        config.include(".db")
        # long work off the request: the queue that runs jobs (procrastinate, or a thread)
        config.include(".jobs.queue")
        # Jinja2 templates: the base layout and each capability's own pages
        config.include(".web.rendering")
        # language: the user's choice, then Accept-Language; Dutch by default
        config.include(".i18n")
        # signed session cookie, CSRF, who the user is and what they may do
        config.include(".accounts.policy")
        # single sign-on: the OpenID Connect providers named in the .ini, checked at start-up
        config.include(".accounts.sign_on")
        # security headers on every response
        config.include(".security_headers")
        # request size limits for the HTML forms
        config.include(".web.limits")
        # every URL of the application
        config.include(".routes")
        for capability in CAPABILITIES:
            config.scan(capability)
    app = config.make_wsgi_app()
    make_request_class_once(app)
    # API submissions in autocommit (PostgreSQL) answered past Pyramid's pipeline
    from evalsys.api.submission_lane import install

    install(app)
    if as_bool(settings.get("evalsys.freeze_gc_at_start", False)):
        freeze_garbage_collector()
    return app


def make_request_class_once(app) -> None:
    """Give the router a request class that has the request methods of ``add_request_method``.

    Pyramid otherwise adds them to each request as it comes in, and for the lazy ones (reify:
    ``dbsession``, ``tm``, ``api_token``) it makes a new class for every request, which costs
    more than many a view. The registry keeps the methods, for requests made outside the router
    (scripts, tests).
    """
    extensions = app.request_extensions
    if extensions is None:
        return
    parent = app.request_factory
    attributes = {**extensions.methods, **extensions.descriptors, "__module__": __name__}
    app.request_factory = type(parent.__name__, (parent,), attributes)
    app.request_extensions = None


def freeze_garbage_collector() -> None:
    """Exempt everything loaded at start-up from Python's cyclic garbage collector.

    The libraries (pandas, SciPy, statsmodels, reportlab, SQLAlchemy) leave a few hundred
    thousand objects that live as long as the process. Without this, every full collection
    walks them all: 140-330 ms during which the worker answers nothing (bench/README.md). For
    servers (production.ini); a test run builds many apps and should not keep them all.
    """
    gc.collect()
    gc.freeze()
