"""A site's stored responses for its list, optionally only one round's or one signal's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evalsys.collection.corrections import CODE_FLAGS
from evalsys.collection.models import Participant, Response
from evalsys.collection.progress import signal_kinds
from evalsys.programme.models import Intervention, Site, Wave
from surveys.quality import QUALITY_FLAGS

ANY_SIGNAL = "any"  # ?flag=any: every response with at least one signal
SIGNALS = (*QUALITY_FLAGS, *CODE_FLAGS)


class UnknownFilter(ValueError):
    """A ``wave`` or ``flag`` in the address that names no round or no kind of signal."""

    def __init__(self, field: str, value: str):
        super().__init__(f"{field}={value!r} names nothing here")
        self.field, self.value = field, value[:40]  # shown back on the page


@dataclass(frozen=True)
class ResponseFilter:
    wave: Wave | None = None
    signal: str | None = None  # a kind from SIGNALS or ANY_SIGNAL; None: with or without

    @property
    def active(self) -> bool:
        return self.wave is not None or self.signal is not None

    def keeps(self, response: Response) -> bool:
        if self.signal is None:
            return True
        kinds = signal_kinds(response.quality_flags)
        return bool(kinds) if self.signal == ANY_SIGNAL else self.signal in kinds


def parse_filter(intervention: Intervention, params: Mapping[str, str]) -> ResponseFilter:
    """The filter in ``?wave=<label>&flag=<kind>`` (both optional); raises UnknownFilter."""
    label = params.get("wave", "").strip()
    signal = params.get("flag", "").strip()
    wave = None
    if label:
        wave = next((w for w in intervention.waves if w.label == label), None)
        if wave is None:
            raise UnknownFilter("wave", label)
    if signal and signal != ANY_SIGNAL and signal not in SIGNALS:
        raise UnknownFilter("flag", signal)
    return ResponseFilter(wave, signal or None)


def site_responses(dbsession, site: Site, chosen: ResponseFilter) -> list[Response]:
    """The current version of the site's responses that the filter keeps, by code and round."""
    query = (
        dbsession.query(Response)
        .join(Participant, Participant.id == Response.participant_id)
        .filter(Participant.site_id == site.id, Response.superseded_at.is_(None))
    )
    if chosen.active:
        # A filter comes from a number on the site page, which counts no test response
        # (evalsys.privacy.test_responses): the list then shows exactly what was counted.
        query = query.filter(Response.test.is_(False))
    if chosen.wave is not None:
        query = query.filter(Response.wave_id == chosen.wave.id)
    # The signals are a JSON list; one site's responses are few, so they are sifted here
    # rather than with each database's own JSON operators.
    return [r for r in query.order_by(Participant.code, Response.wave_id) if chosen.keeps(r)]
