"""Instruments evaluators add themselves (an XLSForm, a REDCap data dictionary) beside the library.

They are stored in the database (instrument_definitions) so every app process knows them: each
process registers the stored ones with ``surveys`` before it lists or uses instruments.

Stored ids never clash across teams: an imported form's id is prefixed with its owner, the
intervention it was imported for (web, API) or the team named on the command line
(:func:`owned_id`). The form's own id stays in the definition's notes and title.
"""

from __future__ import annotations

import hashlib
import re
import threading

import surveys
from evalsys import audit
from evalsys.accounts.models import User
from evalsys.i18n import _
from evalsys.programme.models import InstrumentDefinition

_registered: set[int] = set()
_lock = threading.Lock()
# surveys' rule for ids (letters, digits, underscores; not starting with a digit), and the
# longest stored id this module makes: exports name columns after it (SPSS allows 64 bytes).
_NOT_IN_ID = re.compile(r"[^a-z0-9_]+")
MAX_ID_LENGTH = 48


class InstrumentImportError(ValueError):
    """The file cannot become an instrument; ``problems`` lists what to fix, row by row."""

    def __init__(self, message, problems: list[str] | None = None, code: str = "invalid"):
        super().__init__(message)
        self.problems = problems or []
        self.code = code


def owner_prefix(owner: str) -> str:
    """The id prefix of an owner (an intervention's slug, a team's name): ``samen-sterk`` ->
    ``samen_sterk``."""
    prefix = _NOT_IN_ID.sub("_", owner.strip().lower()).strip("_")
    if not prefix:
        raise InstrumentImportError(
            _("Name the team or intervention the instrument belongs to."), code="owner"
        )
    return prefix if prefix[0].isalpha() else f"t{prefix}"


def owned_id(owner: str, form_id: str) -> str:
    """The stored id of a form's instrument: ``<owner>_<form id>``, at most 48 characters.

    A form id that carries the prefix already (a form exported from evalsys and imported again
    by the same team) keeps it; a long one is cut and given a short hash of the whole, so two
    long ids never become one.
    """
    prefix = owner_prefix(owner)
    name = _NOT_IN_ID.sub("_", form_id.lower()).strip("_") or "form"
    full = name if name == prefix or name.startswith(prefix + "_") else f"{prefix}_{name}"
    if len(full) <= MAX_ID_LENGTH:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:6]
    return f"{full[: MAX_ID_LENGTH - 7].rstrip('_')}_{digest}"


def owned(instrument: surveys.Instrument, owner: str, origin: str) -> surveys.Instrument:
    """The instrument under its owned id, the form's own id kept in the notes.

    ``origin`` names the format ("XLSForm", "REDCap"), not the file: the same form uploaded
    under another file name is the same instrument.
    """
    data = instrument.to_dict()
    data["id"] = owned_id(owner, instrument.id)
    data["notes"] = f"Imported from {origin} for {owner}; the form's id is {instrument.id!r}."
    if not data.get("title"):
        data["title"] = {lang: instrument.id for lang in data.get("languages") or {"nl": ""}}
    return surveys.parse_instrument(data, source=f"{origin} {instrument.id}")


def register_stored(dbsession) -> None:
    """Make every stored instrument loadable in this process (new rows only)."""
    rows = dbsession.query(InstrumentDefinition.id).all()
    missing = [row_id for (row_id,) in rows if row_id not in _registered]
    if not missing:
        return
    with _lock:
        for row in dbsession.query(InstrumentDefinition).filter(
            InstrumentDefinition.id.in_(missing)
        ):
            surveys.register_instrument(row.definition)
            _registered.add(row.id)


def available(dbsession) -> list[surveys.Instrument]:
    """Every instrument an evaluator can choose: the library and the stored ones."""
    register_stored(dbsession)
    return [
        i
        for i in surveys.Registry.all(surveys.registry.default_registry)
        if i.kind != "demographics"
    ]


def demographics_blocks(dbsession) -> list[surveys.Instrument]:
    """Every block of questions about the participant: the library's and imported ones."""
    register_stored(dbsession)
    found = surveys.Registry.all(surveys.registry.default_registry)
    return sorted((i for i in found if i.kind == "demographics"), key=lambda i: (i.id, i.version))


def find(dbsession, instrument_id: str, version: str | None = None) -> surveys.Instrument:
    """A library or stored instrument; raises ``surveys.UnknownInstrumentError``."""
    register_stored(dbsession)
    return surveys.load_instrument(instrument_id, version)


def store(dbsession, instrument: surveys.Instrument, actor: User | None = None) -> bool:
    """Store an instrument; False when this exact definition is stored already.

    Another definition under the same id and version is refused: a changed instrument needs a
    new version, so that stored responses keep meaning what they meant.
    """
    register_stored(dbsession)
    try:
        existing = surveys.load_instrument(instrument.id, instrument.version)
    except surveys.UnknownInstrumentError:
        existing = None
    if existing is not None:
        if existing.fingerprint == instrument.fingerprint:
            return False
        raise InstrumentImportError(
            _(
                "An instrument ${id} version ${version} exists already with other questions. Give "
                "the changed form a new version (the version column of the settings sheet).",
                mapping={"id": instrument.id, "version": instrument.version},
            ),
            code="version_taken",
        )
    row = InstrumentDefinition(
        instrument_key=instrument.id,
        version=instrument.version,
        fingerprint=instrument.fingerprint,
        definition=instrument.to_dict(),
        created_by_id=getattr(actor, "id", None),
    )
    dbsession.add(row)
    dbsession.flush()
    surveys.register_instrument(instrument)
    _registered.add(row.id)
    if actor is not None:
        audit.record(
            dbsession,
            "instrument_added",
            actor=actor,
            target_type="instrument",
            target_id=f"{instrument.id}@{instrument.version}",
        )
    return True
