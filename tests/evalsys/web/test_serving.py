"""The gunicorn logger writes access lines when they go somewhere, and builds none otherwise."""

from __future__ import annotations

import logging

from gunicorn.config import Config
from pyramid.interfaces import INewRequest

from evalsys.serving import Logger


def logger() -> Logger:
    """The logger as ``gunicorn --paste production.ini`` makes it: with a logging configuration
    (the .ini's, set after the fact here so that the test leaves logging as it was), which has
    no handler for gunicorn.access."""
    made = Logger(Config())
    made.cfg.set("logconfig", "production.ini")
    made.cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s')
    return made


def test_no_access_record_is_built_when_no_handler_would_write_it(monkeypatch):
    made = logger()
    built = []
    monkeypatch.setattr(made, "atoms", lambda *args: built.append(args) or {})
    made.access_log.handlers.clear()
    made.access(None, None, {}, None)
    assert built == []


def test_access_lines_are_written_when_a_handler_is_configured(monkeypatch):
    made = logger()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    made.access_log.addHandler(handler)
    monkeypatch.setattr(made, "atoms", lambda *args: {"h": "127.0.0.1", "r": "GET /", "s": "200"})
    try:
        made.access(None, None, {}, None)
    finally:
        made.access_log.removeHandler(handler)
    assert [r.getMessage() for r in records] == ['127.0.0.1 "GET /" 200']


def test_the_router_makes_requests_of_one_class_with_the_request_methods(app, testapp):
    """Pyramid would otherwise make a new class for every request (evalsys.main)."""
    request_class = app.request_factory
    assert app.request_extensions is None
    for name in ("dbsession", "dbconnection", "tm", "api_token", "evalsys_identity", "translate"):
        assert name in vars(request_class), name
    classes = set()

    def seen(event):
        classes.add(type(event.request))

    app.registry.registerHandler(seen, [INewRequest])
    try:
        testapp.get("/healthz")
        testapp.get("/api/v1/openapi.json")
    finally:
        app.registry.unregisterHandler(seen, [INewRequest])
    assert classes == {request_class}
