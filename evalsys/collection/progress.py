"""Collection progress per site and wave: responses, linked pairs, completion, quality flags."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from evalsys.collection.models import Participant, Response
from evalsys.programme.models import Intervention


@dataclass
class WaveProgress:
    wave_id: int
    label: str
    name: str
    responses: int = 0
    pairs: int | None = None  # participants with this wave and the first wave (not for the first)
    completion: float | None = None  # share of the first wave's participants who answered this
    flagged: int = 0
    flags: Counter = field(default_factory=Counter)


@dataclass
class SiteProgress:
    site_id: int
    name: str
    participants: int = 0
    waves: list[WaveProgress] = field(default_factory=list)


def site_progress(dbsession, intervention: Intervention, site_ids=None) -> list[SiteProgress]:
    """Progress for every site of the intervention (or only ``site_ids``)."""
    sites = [s for s in intervention.sites if site_ids is None or s.id in site_ids]
    wanted = [s.id for s in sites]
    rows = (
        dbsession.query(
            Participant.site_id, Response.participant_id, Response.wave_id, Response.quality_flags
        )
        .join(Participant, Participant.id == Response.participant_id)
        .filter(
            Response.intervention_id == intervention.id,
            Response.superseded_at.is_(None),
            Participant.site_id.in_(wanted),
        )
        .all()
    )
    # Participants with a current response: one whose only response was moved to another
    # code or voided (evalsys.collection.corrections) no longer counts.
    people = Counter(site_id for site_id, _ in {(site_id, pid) for site_id, pid, _, _ in rows})
    answered: dict[tuple[int, int], set[int]] = defaultdict(set)
    flags: dict[tuple[int, int], Counter] = defaultdict(Counter)
    flagged: Counter = Counter()
    for site_id, participant_id, wave_id, quality_flags in rows:
        answered[site_id, wave_id].add(participant_id)
        if quality_flags:
            flagged[site_id, wave_id] += 1
            flags[site_id, wave_id].update(f.split(":")[-1] for f in quality_flags)

    waves = intervention.waves
    out = []
    for site in sites:
        progress = SiteProgress(site.id, site.name, participants=people[site.id])
        baseline = answered[site.id, waves[0].id] if waves else set()
        for position, wave in enumerate(waves):
            done = answered[site.id, wave.id]
            item = WaveProgress(
                wave.id,
                wave.label,
                wave.name,
                responses=len(done),
                flagged=flagged[site.id, wave.id],
                flags=flags[site.id, wave.id],
            )
            if position > 0:
                item.pairs = len(done & baseline)
                item.completion = (item.pairs / len(baseline)) if baseline else None
            progress.waves.append(item)
        out.append(progress)
    return out
