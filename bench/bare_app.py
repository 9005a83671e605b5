"""The ceiling of the web stack: a bare Pyramid JSON endpoint, no database, no templates.

gunicorn 'bench.bare_app:app' — used by bench_submissions.py to show how much of the machine the
stack itself takes, so the evalsys figures can be read as a ratio of what is possible.
"""

from pyramid.config import Configurator


def hello(request):
    return {"status": "ok"}


with Configurator() as config:
    config.add_route("hello", "/")
    config.add_view(hello, route_name="hello", renderer="json")
    app = config.make_wsgi_app()
