"""Questionnaire versions of an intervention: build, store (append-only) and load with a cache."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

import surveys
from evalsys.db.statements import Prepared, execute
from evalsys.programme.models import Intervention, Questionnaire


def build(
    intervention: Intervention,
    instrument_refs: list[tuple[str, str | None]],
    *,
    demographics: str | None = "demographics",
) -> surveys.Questionnaire:
    """A surveys.Questionnaire for the intervention from (instrument id, version) pairs."""
    return surveys.Questionnaire(
        id=intervention.slug,
        version=str(len(intervention.questionnaires) + 1),
        title={"nl": intervention.name, "en": intervention.name},
        instruments=tuple(surveys.load_instrument(i, v) for i, v in instrument_refs),
        demographics=_block(demographics) if demographics else None,
        consent=dict(intervention.consent_text or {}),
    )


def _block(ref: str) -> surveys.Instrument:
    """An instrument by ``id`` (its newest version) or ``id@version``."""
    instrument_id, _at, version = ref.partition("@")
    return surveys.load_instrument(instrument_id, version or None)


def save_version(
    dbsession, intervention: Intervention, questionnaire: surveys.Questionnaire
) -> Questionnaire:
    """Store a questionnaire as the intervention's newest version (an unchanged one is kept).

    Versions are append-only, so responses always keep the version they were given with.
    """
    definition = questionnaire.to_dict(embed=True)
    current = intervention.questionnaire
    if current is not None and current.definition == definition:
        return current
    row = Questionnaire(version=(current.version + 1) if current else 1, definition=definition)
    intervention.questionnaires.append(row)
    dbsession.flush()
    return row


@dataclass(frozen=True)
class Current:
    """An intervention's current questionnaire version: its row id, number and parsed form."""

    id: int
    version: int
    questionnaire: surveys.Questionnaire


_CURRENT = Prepared(
    select(Questionnaire.id, Questionnaire.version, Questionnaire.created_at)
    .where(Questionnaire.intervention_id == bindparam("intervention_id"))
    .order_by(Questionnaire.version.desc())
    .limit(1)
)
_DEFINITION = select(Questionnaire.definition).where(Questionnaire.id == bindparam("id"))


def current(dbsession, intervention_id: int) -> Current | None:
    """The newest version, with one small query; the definition is read once per process."""
    row = execute(dbsession, _CURRENT, {"intervention_id": intervention_id}).first()
    return None if row is None else version_of(dbsession, *row)


def version_of(dbsession, id: int, version: int, created_at) -> Current:
    """A stored version known by its row's id, number and time; parsed once per process."""
    parsed = _parsed(
        (id, version, created_at.isoformat()),
        lambda: execute(dbsession, _DEFINITION, {"id": id}).scalar_one(),
    )
    return Current(id, version, parsed)


def latest_id(intervention_id_column):
    """A scalar subquery: the id of the newest version of the intervention in that column."""
    newer = aliased(Questionnaire)  # the outer query may join questionnaires itself
    return (
        select(newer.id)
        .where(newer.intervention_id == intervention_id_column)
        .order_by(newer.version.desc())
        .limit(1)
        .scalar_subquery()
    )


def load(row: Questionnaire) -> surveys.Questionnaire:
    """The surveys object of a stored version, parsed once per process (versions never change)."""
    return _parsed((row.id, row.version, row.created_at.isoformat()), lambda: row.definition)


def _parsed(key: tuple, definition) -> surveys.Questionnaire:
    cached = _cache.get(key)
    if cached is None:
        if len(_cache) > 512:
            _cache.clear()
        # setdefault: of two threads that parse it at once, both keep the first one stored. Two
        # equal objects made every look-up of surveys' per-instrument caches compare the two
        # definitions field by field (6% of a worker's time under load).
        cached = _cache.setdefault(key, surveys.Questionnaire.from_dict(definition()))
    return cached


_cache: dict[tuple, surveys.Questionnaire] = {}


def minutes_needed(intervention) -> int | None:
    """About how long the current questionnaire takes (surveys' Questionnaire.minutes): the one
    estimate the flyer, the invitations and the welcome page give. None before there is one."""
    row = intervention.questionnaire
    return load(row).minutes if row is not None else None
