"""What the report and export commands share: finding the intervention by its short name."""

from __future__ import annotations

from evalsys.cli.bootstrap import CommandError
from evalsys.programme.models import Intervention


def intervention_by_slug(dbsession, slug: str) -> Intervention:
    intervention = dbsession.query(Intervention).filter_by(slug=slug).one_or_none()
    if intervention is None:
        known = [s for (s,) in dbsession.query(Intervention.slug).order_by(Intervention.slug)]
        listed = ", ".join(known) if known else "none yet"
        raise CommandError(f"no intervention {slug!r}; known interventions: {listed}")
    return intervention
