"""The route context of one published report version: who may read it."""

from __future__ import annotations

from pyramid.authorization import Allow, Authenticated

from evalsys.principals import ADMIN
from evalsys.programme.contexts import absent
from evalsys.programme.models import Intervention
from evalsys.results.models import ReportVersion


class ReportVersionContext:
    """A published report: the intervention's evaluators and every ministry user may read it.

    Published versions hold aggregate figures only, so ``view_published`` is all they need;
    ``withdraw`` (withdraw or replace it) is for the intervention's evaluators.
    """

    def __init__(self, request):
        value = request.matchdict["id"]
        report = request.dbsession.get(ReportVersion, int(value)) if value.isdigit() else None
        if report is None:
            raise absent(request)  # the answer an existing one gets outside the asker's scope
        self.report = report
        self.intervention = request.dbsession.get(Intervention, report.intervention_id)

    @property
    def __acl__(self):
        return acl(self.report)


class WithdrawalContext(ReportVersionContext):
    """A version to withdraw or replace. A missing one is answered by the view (as one outside
    the asker's scope), after the CSRF check: a form without its token is refused as such."""

    def __init__(self, request):
        value = request.matchdict["id"]
        found = None
        if value.isdigit() and len(value) < 18:
            found = request.dbsession.get(ReportVersion, int(value))
        self.report = found
        self.intervention = (
            request.dbsession.get(Intervention, found.intervention_id) if found else None
        )

    @property
    def __acl__(self):
        return acl(self.report) if self.report is not None else [(Allow, Authenticated, "withdraw")]

    def found(self, request) -> ReportVersion:
        if self.report is None:
            raise absent(request)
        return self.report


def acl(report: ReportVersion) -> list:
    return [
        ADMIN,
        (Allow, f"intervention:{report.intervention_id}", ("view_published", "withdraw")),
        (Allow, "role:ministry", "view_published"),
    ]


def context_for(report: ReportVersion, intervention: Intervention) -> ReportVersionContext:
    """A context for a report already loaded (for filtering a list with the same ACL)."""
    context = ReportVersionContext.__new__(ReportVersionContext)
    context.report, context.intervention = report, intervention
    return context
