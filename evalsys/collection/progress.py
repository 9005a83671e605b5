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
    flagged: int = 0  # responses (questionnaires) with at least one signal
    # Per signal kind, the responses with it (once per response however many scales have it):
    # a response can have several kinds, so these may add up to more than ``flagged``.
    flags: Counter = field(default_factory=Counter)
    names: dict = field(default_factory=dict)  # language -> name (Wave.names)

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


@dataclass
class SiteProgress:
    site_id: int
    name: str
    participants: int = 0
    waves: list[WaveProgress] = field(default_factory=list)


def signal_kinds(quality_flags) -> set[str]:
    """The kinds of signal of one response (``brs:straight_lining`` is ``straight_lining``)."""
    return {flag.split(":")[-1] for flag in quality_flags or ()}


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
            Response.test.is_(False),
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
            flags[site_id, wave_id].update(signal_kinds(quality_flags))

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
                names=wave.names or {},
            )
            if position > 0:
                item.pairs = len(done & baseline)
                item.completion = (item.pairs / len(baseline)) if baseline else None
            progress.waves.append(item)
        out.append(progress)
    return out
