"""evalsys: shows whether social interventions work. The Pyramid application factory."""

import gc

from pyramid.config import Configurator

from .settings import apply_environment, as_bool


def main(global_config, **settings):
    """Build the WSGI application."""
    settings = apply_environment(settings)
    with Configurator(settings=settings) as config:
        # database session per request, transactions (pyramid_tm), retries (pyramid_retry)
        config.include(".models")
        # Jinja2 templates and the base layout
        config.include(".templates")
        # language: the user's choice, then Accept-Language; Dutch by default
        config.include(".i18n")
        # signed session cookie, CSRF, who the user is and what they may do
        config.include(".security")
        # security headers on every response
        config.include(".headers")
        # request size limits for the HTML forms
        config.include(".limits")
        # every URL of the application
        config.include(".routes")
        config.scan(".views")
    app = config.make_wsgi_app()
    make_request_class_once(app)
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
