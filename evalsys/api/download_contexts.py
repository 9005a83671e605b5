"""Route contexts of the API's downloads: an intervention's files, a site's due list files, a
published report version and a job, each with the ACL that says who may fetch it.

The permissions are the web's (evalsys.programme.contexts, evalsys.results.contexts), so the
view deriver audits the same reads: ``export`` (participant-level files; the intervention's
evaluators and a ``read`` token for the whole intervention), ``view_participants`` (a site's
due list; also that site's coordinator and a ``read`` token for that site) and
``view_published`` (published versions: also the ministry). A refusal inside the asker's
scope is 403; outside it, 404 (evalsys.accounts.access.unknown_to).
"""

from __future__ import annotations

from pyramid.authorization import Allow

from evalsys.jobs.models import Job
from evalsys.principals import ADMIN
from evalsys.programme.contexts import absent, intervention_in_url, site_in_url
from evalsys.programme.models import Intervention
from evalsys.results import contexts as report_contexts
from evalsys.results.models import ReportVersion


class ApiInterventionFiles:
    """An intervention's exports, change log, current report and its jobs."""

    def __init__(self, request):
        self.intervention = intervention_in_url(request)

    @property
    def __acl__(self):
        iid = self.intervention.id
        return [
            ADMIN,
            (Allow, f"intervention:{iid}", ("export", "start_job")),
            (Allow, f"token-read:intervention:{iid}", ("export", "start_job")),
        ]


class ApiSiteFiles:
    """A site's due list as a file: who may read its participant codes."""

    def __init__(self, request):
        self.intervention = intervention_in_url(request)
        self.site = site_in_url(request, self.intervention)

    @property
    def __acl__(self):
        iid, sid = self.intervention.id, self.site.id
        return [
            ADMIN,
            (Allow, f"intervention:{iid}", "view_participants"),
            (Allow, f"site:{sid}", "view_participants"),
            (Allow, f"token-read:intervention:{iid}", "view_participants"),
            (Allow, f"token-read:site:{sid}", "view_participants"),
        ]


def report_acl(report: ReportVersion) -> list:
    """The web's readers of a published version, and the tokens that read published reports."""
    return [
        *report_contexts.acl(report),
        (Allow, f"token-published:intervention:{report.intervention_id}", "view_published"),
    ]


class ApiReport:
    """One published report version, by its id."""

    def __init__(self, request):
        value = request.matchdict["id"]
        report = None
        if value.isdigit() and len(value) < 18:
            report = request.dbsession.get(ReportVersion, int(value))
        if report is None:
            raise absent(request)
        self.report = report
        self.intervention = request.dbsession.get(Intervention, report.intervention_id)

    @property
    def __acl__(self):
        return report_acl(self.report)


class ApiJob:
    """A job its asker started; a token sees its user's jobs about what the token may know.

    Anyone else's job, or one the token's scope does not reach, is 404 as a missing one.
    """

    def __init__(self, request):
        value = request.matchdict["id"]
        job = None
        if value.isdigit() and len(value) < 18:
            job = request.dbsession.get(Job, int(value))
        if job is None or not visible_job(request, job):
            raise absent(request)
        self.job = job

    @property
    def __acl__(self):
        uid = self.job.user_id
        return [(Allow, f"user:{uid}", ("view_job", "cancel_job")), _token_job(uid)]


def _token_job(user_id: int):
    return (Allow, f"token-user:{user_id}", ("view_job", "cancel_job"))


def visible_job(request, job: Job) -> bool:
    identity = request.identity
    if identity is None or job.user_id != identity.id:
        return False
    if request.access.grant is None or job.intervention_id is None:
        return True
    return request.access.knows(job.intervention_id, job.site_id)
