"""The published report versions a person may read, decided by the same ACL as each report's
page: the report list and the home page show the same ones."""

from __future__ import annotations

from evalsys.programme.models import Intervention
from evalsys.results import reports
from evalsys.results.contexts import context_for
from evalsys.results.models import ReportVersion


def readable_reports(request, limit: int | None = None) -> list[tuple[ReportVersion, Intervention]]:
    """(version, its intervention) for each published version this request may read, newest
    first; at most ``limit`` of them (None: all)."""
    rows = reports.published_reports(request.dbsession)
    ids = {row.intervention_id for row in rows}
    interventions = {
        i.id: i
        for i in request.dbsession.query(Intervention).filter(Intervention.id.in_(ids)).all()
    }
    visible = []
    for row in rows:
        intervention = interventions[row.intervention_id]
        if request.has_permission("view_published", context_for(row, intervention)):
            visible.append((row, intervention))
            if limit is not None and len(visible) >= limit:
                break
    return visible
