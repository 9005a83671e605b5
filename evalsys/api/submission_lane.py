"""The fast path of the busiest request: an API submission answered without Pyramid's pipeline.

``POST /api/v1/responses`` with a bearer token is nearly every request at load, and nearly every
one of them is a new submission, or a retry of one, that is stored in autocommit on PostgreSQL.
For those, the router's matching, the route's context, the view derivers (the permission
check through the ACL), the transaction manager, the exception views and pyramid_retry cost as
much CPU as the submission itself (bench/README.md). This execution policy (Pyramid's own hook,
wrapped around pyramid_retry's) runs the same view function, :func:`submit_response`, on a
request made as the router makes it, and answers only when the view answers with a stored
submission or an API error. Everything else goes the whole way, as if the fast path were not
there:

- a request that is not a bearer-token POST to exactly that path;
- a token the database does not know (401 there), and a request that reaches for the
  session and its transaction (an intervention with webhooks, whose event commits with the
  response; a retry answered from another questionnaire version);
- any other exception, a database error included: the whole application answers it (503,
  another attempt on a new connection through pyramid_retry, 500). Nothing is stored twice:
  a submission is idempotent on its submission_id, and its rate-limit count is kept in the
  environ (``responses.COUNTED``), so the second run does not count it again.

An API error (422, 409, 410, 404, 403, 429) is answered as its exception view would
(:func:`evalsys.api.errors.error_response`). Both answers get the security headers of
:mod:`evalsys.security_headers`, and the request's response and finished callbacks run (the
pooled connection goes back). Installed by :func:`install` on PostgreSQL only; on SQLite, and
in the test suite's one rolled-back connection, every submission takes the whole way.
"""

from __future__ import annotations

import logging

from pyramid.events import NewResponse
from pyramid.threadlocal import manager

from evalsys.api.errors import ApiError, error_response
from evalsys.security_headers import add_security_headers, security_headers

log = logging.getLogger(__name__)

PATH = "/api/v1/responses"


class Declined(Exception):  # noqa: N818 - not an error: the request takes the whole way
    """The fast path does not answer this request."""


def _decline(request):
    raise Declined()


def lane_request_class(request_class):
    """The router's request class, whose session (and so its transaction) declines: the
    fast path runs no transaction manager to commit one."""
    return type(
        f"Lane{request_class.__name__}",
        (request_class,),
        {"dbsession": property(_decline), "tm": property(_decline), "__module__": __name__},
    )


class SubmissionLane:
    """An execution policy: the fast path for submissions, ``policy`` for everything else."""

    def __init__(self, policy, router):
        from evalsys.api.responses import submit_response

        self.policy = policy
        self.view = submit_response
        self.request_class = lane_request_class(router.request_factory)
        self.headers = security_headers(router.registry)

    def __call__(self, environ, router):
        if not _is_submission(environ):
            return self.policy(environ, router)
        response = self.answer(environ, router)
        if response is None:
            return self.policy(environ, router)
        return response

    def answer(self, environ, router):
        """The response of the fast path, or None: let the whole application answer."""
        registry = router.registry
        request = self.request_class(environ)
        request.registry = registry
        request.invoke_subrequest = router.invoke_subrequest
        manager.push({"registry": registry, "request": request})
        response = None
        try:
            try:
                if request.api_token is None:
                    raise Declined()  # unknown, revoked or expired: 401 from the whole way
                response = self.view(request)
            except ApiError as error:
                response = error_response(error.code, error.message, error.details, error.headers)
            except Declined:
                return None
            except Exception:
                log.debug("the fast path hands a submission on", exc_info=True)
                return None
            if request.response_callbacks:
                request._process_response_callbacks(response)
            add_security_headers(request, response, self.headers)
            if registry.has_listeners:
                registry.notify(NewResponse(request, response))
            return response
        finally:
            router.finish_request(request)
            manager.pop()


def _is_submission(environ) -> bool:
    return (
        environ.get("PATH_INFO") == PATH
        and environ.get("REQUEST_METHOD") == "POST"
        and environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


def install(app) -> None:
    """Put the fast path in front of the application's execution policy (PostgreSQL only)."""
    if app.registry.get("db_direct_engine") is None:
        return
    app.execution_policy = SubmissionLane(app.execution_policy, app)
