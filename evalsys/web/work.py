"""What a signed-in person works on, for their home page: a coordinator's sites with what is
due there, the interventions an evaluator (or administrator) runs, the ministry's latest reports.

Counts only, never a participant's row: the site pages show the same counts to the same people.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from evalsys.accounts.landing import coordinated_sites
from evalsys.collection.progress import site_progress
from evalsys.followup.due_list import due_rows, site_counts
from evalsys.followup.schedule import Rules, counts
from evalsys.programme.models import Intervention, Site
from evalsys.programme.visibility import site_context, visible_interventions
from evalsys.results.readable import readable_reports

LATEST_REPORTS = 5


@dataclass(frozen=True)
class SiteWork:
    intervention: Intervention
    site: Site
    participants: int
    due: dict[str, int] | None  # next round per status; None with a single round


def site_work(request) -> list[SiteWork]:
    """The signed-in coordinator's sites, each with its participants and what is due."""
    sites = [
        site
        for site in coordinated_sites(request.dbsession, request.identity)
        if request.has_permission("view", site_context(site))
    ]
    rules = Rules.from_settings(request.registry.settings)
    found = []
    # Three queries per intervention (progress, participants, answers), whatever its sites.
    for intervention, group in groupby(sites, key=lambda site: site.intervention):
        group = list(group)
        ids = {site.id for site in group}
        people = {
            p.site_id: p.participants
            for p in site_progress(request.dbsession, intervention, site_ids=ids)
        }
        due = None
        if len(intervention.waves) > 1:
            rows = due_rows(request.dbsession, intervention, site_ids=ids, rules=rules)
            due = site_counts(rows)
        for site in group:
            found.append(
                SiteWork(
                    intervention,
                    site,
                    people.get(site.id, 0),
                    None if due is None else due.get(site.id, counts([])),
                )
            )
    return found


def home_work(request) -> dict:
    """Everything the home page lists for the signed-in person.

    ``interventions`` are those they may set up (which brings the results and the follow-up
    with it: evalsys.programme.contexts): an evaluator's own, an administrator's all.
    """
    ministry = request.identity.role == "ministry"
    return {
        "sites": site_work(request),
        "interventions": visible_interventions(request, "manage"),
        "reports": readable_reports(request, LATEST_REPORTS) if ministry else [],
    }
