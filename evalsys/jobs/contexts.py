"""The route context of one job: only the user who started it may see it."""

from __future__ import annotations

from pyramid.authorization import Allow, Authenticated
from pyramid.httpexceptions import HTTPNotFound

from evalsys.jobs.models import Job


class JobContext:
    """A job, found by its id, if the asker started it (else ``job`` is None).

    Any logged-in user passes the permission (and CSRF) checks; the views then answer a job of
    someone else with the 404 a missing one gets, so no answer tells whether it is there.
    """

    __acl__ = [(Allow, Authenticated, ("view_job", "cancel_job"))]

    def __init__(self, request):
        value = request.matchdict["id"]
        job = (
            request.dbsession.get(Job, int(value)) if value.isdigit() and len(value) < 18 else None
        )
        identity = request.identity
        self.job = (
            job if job is not None and identity is not None and job.user_id == identity.id else None
        )

    def found(self) -> Job:
        if self.job is None:
            raise HTTPNotFound()
        return self.job
