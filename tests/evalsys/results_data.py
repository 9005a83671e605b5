"""A deterministic evaluation dataset: three sites, two waves, BRS answers, stored through submit().

Sites "noord" (12 participants), "zuid" (14) and "west" (15) are large enough to publish; "klein"
(6) is below the minimum cell of 10, so its figures must never appear in published output, and
"noord", the next smallest, is blanked too (secondary suppression: pooled minus the others).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np

from evalsys.accounts.models import User
from evalsys.collection.submissions import Submission, submit
from evalsys.programme.models import Intervention, Site

from . import builders
from .world import grant, make_user

SITES = {"noord": 12, "zuid": 14, "west": 15, "klein": 6}
REVERSED = ("brs_2", "brs_4", "brs_6")
ITEMS = tuple(f"brs_{i}" for i in range(1, 7))
INJECTION = '=HYPERLINK("http://evil.example")'


def brs_score(answers: dict) -> float:
    """BRS by hand (Smith et al. 2008): reverse items 2, 4, 6 as 6 - answer, then the mean."""
    return float(np.mean([6 - answers[i] if i in REVERSED else answers[i] for i in ITEMS]))


@dataclass
class ResultsWorld:
    intervention: Intervention
    users: dict[str, User]
    answers: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (site, code, wave)

    def brs(self, site: str, wave: str) -> list[float]:
        """The hand-computed BRS scores of a site at a wave, in participant order."""
        return [
            brs_score(a) for (s, _, w), a in sorted(self.answers.items()) if s == site and w == wave
        ]

    def mean_sd(self, site: str, wave: str) -> tuple[float, float]:
        scores = self.brs(site, wave)
        return float(np.mean(scores)), float(np.std(scores, ddof=1))

    def mean_change(self, site: str) -> float:
        return float(np.mean(np.subtract(self.brs(site, "T1"), self.brs(site, "T0"))))


def build(dbsession, tm, *, slug: str = "veerkracht-test") -> ResultsWorld:
    intervention = builders.intervention(dbsession, slug=slug, name="Veerkracht Test")
    intervention.sites[0].slug, intervention.sites[0].name = "noord", "Noord"
    intervention.sites[1].slug, intervention.sites[1].name = "zuid", "Zuid"
    intervention.sites.append(Site(slug="west", name="West"))
    intervention.sites.append(Site(slug="klein", name="Klein"))
    dbsession.flush()
    sites = {s.slug: s for s in intervention.sites}
    world = ResultsWorld(intervention, users={})
    rng = np.random.default_rng(7)
    for site_index, (site_slug, size) in enumerate(SITES.items()):
        for n in range(size):
            code = f"{site_slug[:2].upper()}{n:03d}"
            base = rng.integers(1, 5, size=6)
            gain = rng.integers(0, 2, size=6) + (1 if site_slug == "west" else 0)
            for wave_index, wave in enumerate(intervention.waves):
                values = base if wave_index == 0 else np.clip(base + gain, 1, 5)
                answers = {
                    item: int(6 - v if item in REVERSED else v)
                    for item, v in zip(ITEMS, values, strict=True)
                }
                if n == 0 and wave_index == 0:
                    answers["gender_other"] = INJECTION
                world.answers[(site_slug, code, wave.label)] = answers
                submit(
                    dbsession,
                    Submission(
                        submission_id=str(uuid.UUID(int=site_index * 10_000 + n * 10 + wave_index)),
                        intervention=intervention,
                        site=sites[site_slug],
                        wave=wave,
                        participant_code=code,
                        answers=answers,
                        mode="paper",
                    ),
                )
    world.users = {
        role: make_user(dbsession, f"{role}-results", role)
        for role in ("admin", "evaluator", "coordinator", "ministry")
    }
    grant(dbsession, world.users["evaluator"], intervention)
    grant(dbsession, world.users["coordinator"], intervention, sites["noord"])
    builders.commit(tm)
    return world
