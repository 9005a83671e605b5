"""Due lists: every participant of a site (or intervention) with their next round's status,
counts per status, and retention per round and site as an early warning.

Read with two queries (participants, their current responses' days), whatever the size; the
schedule itself is :mod:`evalsys.followup.schedule`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from evalsys.collection.models import Participant, Response
from evalsys.followup.schedule import LISTED, DueRow, Rules, counts, due_row
from evalsys.programme.models import Intervention

BEHIND_POINTS = 10  # a site this many percentage points below the intervention is marked


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def due_rows(
    dbsession,
    intervention: Intervention,
    *,
    site_ids: Iterable[int] | None = None,
    on: dt.date | None = None,
    rules: Rules | None = None,
) -> list[DueRow]:
    """Every participant of the sites (all: None) with their next round, by code."""
    on, rules = on or today(), rules or Rules()
    waves = sorted(intervention.waves, key=lambda w: w.position)
    people = select(Participant).where(
        Participant.intervention_id == intervention.id, Participant.test.is_(False)
    )
    answers = select(Response.participant_id, Response.wave_id, Response.submitted_at).where(
        Response.intervention_id == intervention.id,
        Response.superseded_at.is_(None),
        Response.test.is_(False),
    )
    if site_ids is not None:
        site_ids = list(site_ids)
        people = people.where(Participant.site_id.in_(site_ids))
        answers = answers.join(Participant, Participant.id == Response.participant_id).where(
            Participant.site_id.in_(site_ids)
        )
    answered: dict[int, dict[int, dt.date]] = {}
    for participant_id, wave_id, submitted_at in dbsession.execute(answers):
        answered.setdefault(participant_id, {})[wave_id] = submitted_at.date()
    rows = [
        due_row(p, waves, answered.get(p.id, {}), on, rules)
        for p in dbsession.execute(people.order_by(Participant.code)).scalars()
        if p.id in answered  # a code handed out but never used has no schedule yet
    ]
    return rows


def listed(rows: Iterable[DueRow], status: str | None = None) -> list[DueRow]:
    """The rows a due list shows: one status, or every status that asks for action."""
    wanted = (status,) if status else LISTED
    order = {s: n for n, s in enumerate(LISTED + ("later", "done"))}
    chosen = [r for r in rows if r.status in wanted]
    return sorted(chosen, key=lambda r: (order[r.status], r.opens or dt.date.max, r.code))


@dataclass(frozen=True)
class Retention:
    """Of the participants a round has opened for, how many answered it, per site."""

    wave: str
    site_id: int | None  # None: the whole intervention
    opened: int
    answered: int
    behind: bool = False

    @property
    def share(self) -> float | None:
        return self.answered / self.opened if self.opened else None


def retention(
    rows: Iterable[DueRow], intervention: Intervention, *, behind_points: int = BEHIND_POINTS
) -> list[Retention]:
    """Per round after the first, per site and overall; a site more than ``behind_points``
    below the overall share is marked ``behind``."""
    waves = sorted(intervention.waves, key=lambda w: w.position)[1:]
    tally: dict[tuple[str, int | None], list[int]] = {}
    for row in rows:
        for state in row.rounds:
            if state.wave in waves and state.status in ("open", "overdue", "missed", "done"):
                for key in ((state.wave.label, row.site_id), (state.wave.label, None)):
                    counted = tally.setdefault(key, [0, 0])
                    counted[0] += 1
                    counted[1] += state.status == "done"
    found = []
    for wave in waves:
        overall = tally.get((wave.label, None), [0, 0])
        share = overall[1] / overall[0] if overall[0] else None
        found.append(Retention(wave.label, None, *overall))
        for site in intervention.sites:
            opened, answered = tally.get((wave.label, site.id), [0, 0])
            behind = (
                share is not None
                and opened > 0
                and (answered / opened) < share - behind_points / 100
            )
            found.append(Retention(wave.label, site.id, opened, answered, behind))
    return found


def due_counts(request, intervention: Intervention, site_ids: Iterable[int] | None = None):
    """Counts per status for the dashboards (a Jinja2 global: evalsys.web.rendering)."""
    rules = Rules.from_settings(request.registry.settings)
    rows = due_rows(request.dbsession, intervention, site_ids=site_ids, rules=rules)
    return counts(rows)


def site_counts(rows: Iterable[DueRow]) -> dict[int, dict[str, int]]:
    """Counts per status for each site."""
    by_site: dict[int, list[DueRow]] = {}
    for row in rows:
        by_site.setdefault(row.site_id, []).append(row)
    return {site_id: counts(site_rows) for site_id, site_rows in by_site.items()}
