"""The route context of one published report version: who may read it."""

from __future__ import annotations

from pyramid.authorization import Allow

from evalsys.principals import ADMIN
from evalsys.programme.contexts import absent
from evalsys.programme.models import Intervention
from evalsys.results.models import ReportVersion


class ReportVersionContext:
    """A published report: the intervention's evaluators and every ministry user may read it.

    Published versions hold aggregate figures only, so ``view_published`` is all they need.
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


def acl(report: ReportVersion) -> list:
    return [
        ADMIN,
        (Allow, f"intervention:{report.intervention_id}", "view_published"),
        (Allow, "role:ministry", "view_published"),
    ]


def context_for(report: ReportVersion, intervention: Intervention) -> ReportVersionContext:
    """A context for a report already loaded (for filtering a list with the same ACL)."""
    context = ReportVersionContext.__new__(ReportVersionContext)
    context.report, context.intervention = report, intervention
    return context
