"""evalsys: shows whether social interventions work. The Pyramid application factory."""

from pyramid.config import Configurator

from .settings import apply_environment


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
    return config.make_wsgi_app()
