"""Retention: how long an intervention keeps participant-level data, and the run that deletes it.

The retention period (``Intervention.retention_days``) counts from the end of data collection:
the later of the last round's closing date and the day the last response came in (a paper form
typed in after the round closed moves the end). On the day the period ends, or any day after,
``evalsys retention`` deletes the intervention's participants, every version of their responses,
their scores and the import error reports of its sites, closes its survey links, scrubs the
codes from the audit log and writes one tombstone event. Published reports stay. (The period
itself is set, and checked, by evalsys.setup like every other field of an intervention.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from evalsys import audit
from evalsys.collection.models import Participant, Response, SurveyLink
from evalsys.db.meta import utcnow
from evalsys.jobs.results import delete_for_intervention
from evalsys.privacy import traces
from evalsys.privacy.traces import Counts
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.webhooks import forgetting as webhooks_forgetting


def collection_ended_on(dbsession, intervention: Intervention) -> dt.date | None:
    """The later of the last round's closing date and the day of the last response, or None."""
    closes = dbsession.execute(
        select(func.max(Wave.closes_on)).where(Wave.intervention_id == intervention.id)
    ).scalar()
    last = dbsession.execute(
        select(func.max(Response.submitted_at)).where(Response.intervention_id == intervention.id)
    ).scalar()
    if isinstance(last, str):  # SQLite's max() over a DateTime column returns its text
        last = dt.datetime.fromisoformat(last)
    days = [d for d in (closes, last.date() if last is not None else None) if d is not None]
    return max(days) if days else None


def retention_ends_on(dbsession, intervention: Intervention) -> dt.date | None:
    """The first day on which the retention run deletes the data; None without a period or data."""
    if intervention.retention_days is None:
        return None
    ended = collection_ended_on(dbsession, intervention)
    if ended is None:
        return None
    return ended + dt.timedelta(days=intervention.retention_days)


@dataclass
class RetentionItem:
    """One intervention whose retention has ended: what goes (or went), by site slug."""

    slug: str
    ends_on: dt.date
    sites: dict[str, Counts] = field(default_factory=dict)
    error_reports: int = 0
    job_results: int = 0  # export files and lists of problems that jobs left (evalsys.jobs)
    tombstone_id: int | None = None

    @property
    def total(self) -> Counts:
        return sum(self.sites.values(), Counts())


def due_interventions(dbsession, today: dt.date) -> list[tuple[Intervention, dt.date]]:
    """Interventions with participants whose retention ends on or before ``today``."""
    with_data = select(Participant.intervention_id).distinct()
    candidates = (
        dbsession.query(Intervention)
        .filter(Intervention.retention_days.is_not(None), Intervention.id.in_(with_data))
        .order_by(Intervention.slug)
    )
    due = []
    for intervention in candidates:
        ends_on = retention_ends_on(dbsession, intervention)
        if ends_on is not None and ends_on <= today:
            due.append((intervention, ends_on))
    return due


def _site_slugs(dbsession, intervention: Intervention) -> dict[int, str]:
    return dict(
        dbsession.execute(
            select(Site.id, Site.slug).where(Site.intervention_id == intervention.id)
        ).all()
    )


def run_retention(
    dbsession,
    settings: dict,
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    operator: str = "",
) -> list[RetentionItem]:
    """Delete (or, with ``dry_run``, only count) the data of every intervention that is due.

    ``operator`` names who ran it (the system account of a scheduled run) for the tombstone.
    Nothing is committed here: the caller's transaction holds the whole run.
    """
    today = today or utcnow().date()
    items = []
    for intervention, ends_on in due_interventions(dbsession, today):
        people = select(Participant.id).where(Participant.intervention_id == intervention.id)
        slugs = _site_slugs(dbsession, intervention)
        counts = traces.counts_by_site(dbsession, people)
        item = RetentionItem(
            intervention.slug, ends_on, {slugs[s]: c for s, c in sorted(counts.items())}
        )
        items.append(item)
        if dry_run:
            continue
        codes = set(dbsession.execute(people.with_only_columns(Participant.code)).scalars())
        response_ids = set(
            dbsession.execute(
                select(Response.id).where(Response.intervention_id == intervention.id)
            ).scalars()
        )
        item.error_reports = sum(traces.remove_error_reports(settings, s) for s in slugs)
        item.job_results = delete_for_intervention(dbsession, settings, intervention.id)
        tombstone = audit.record(
            dbsession,
            "retention_erased",
            target_type="intervention",
            target_id=intervention.slug,
            intervention_id=intervention.id,
            retention_days=intervention.retention_days,
            retention_ended_on=ends_on.isoformat(),
            sites={slug: c.as_dict() for slug, c in item.sites.items()},
            total=item.total.as_dict(),
            error_reports=item.error_reports,
            job_results=item.job_results,
            operator=operator,
        )
        dbsession.flush()
        item.tombstone_id = tombstone.id
        traces.delete_participants(dbsession, people)
        traces.scrub_audit(dbsession, intervention.id, codes, response_ids, tombstone.id)
        webhooks_forgetting.forget(dbsession, intervention.id, set(codes), set(response_ids))
        # No new answers after the end: a link left open would start collecting again.
        dbsession.execute(
            update(SurveyLink.__table__)
            .where(
                SurveyLink.__table__.c.intervention_id == intervention.id,
                SurveyLink.__table__.c.is_open.is_(True),
            )
            .values(is_open=False, closed_at=utcnow())
        )
    return items
