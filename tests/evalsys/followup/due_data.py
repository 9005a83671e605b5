"""A follow-up world: T1 opens 56-84 days after each participant's T0; dates relative to today.

Site A (site-a), one participant per status (hand-worked: T0 on day -80 opens T1 on day -24,
overdue at 14 days open; and so on); site B two participants who answered both rounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from evalsys.followup.due_list import today

from .. import builders
from ..world import grant, make_user

# code -> (days before today of the T0 answer, T1 answered too?), and the status that gives
SITE_A = {
    "A-OVERDUE": (-80, False),  # T1 window: day -24 .. day +4: open 24 days -> overdue
    "A-OPEN": (-60, False),  # day -4 .. day +24: open 4 days
    "A-SOON": (-50, False),  # day +6: opens within 14 days
    "A-LATER": (-10, False),  # day +46
    "A-MISSED": (-100, False),  # day -44 .. day -16: closed unanswered
    "A-DONE": (-90, True),
}
STATUS = {
    "A-OVERDUE": "overdue",
    "A-OPEN": "open",
    "A-SOON": "due_soon",
    "A-LATER": "later",
    "A-MISSED": "missed",
    "A-DONE": "done",
}
SITE_B = {"B-DONE-1": (-90, True), "B-DONE-2": (-95, True)}


@dataclass
class DueWorld:
    intervention: object
    users: dict


def day(offset: int) -> dt.datetime:
    return dt.datetime.combine(today() + dt.timedelta(days=offset), dt.time(12), dt.UTC)


def build(dbsession, tm) -> DueWorld:
    intervention = builders.intervention(dbsession, name="Opvolging")
    t0, t1 = intervention.waves
    t1.opens_after_days, t1.closes_after_days = 56, 84
    site_a, site_b = intervention.sites
    for site, people in ((site_a, SITE_A), (site_b, SITE_B)):
        for code, (offset, both) in people.items():
            person = builders.participant(dbsession, intervention, code=code, site=site)
            builders.response(dbsession, person, t0, submitted_at=day(offset))
            if both:
                builders.response(dbsession, person, t1, submitted_at=day(offset + 60))
    users = {
        "evaluator": make_user(dbsession, "evaluator-due", "evaluator"),
        "coordinator": make_user(dbsession, "coordinator-due", "coordinator"),
    }
    grant(dbsession, users["evaluator"], intervention)
    grant(dbsession, users["coordinator"], intervention, site_a)
    builders.commit(tm)
    return DueWorld(intervention, users)
