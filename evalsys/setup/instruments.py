"""Instruments evaluators add themselves (an XLSForm, or a YAML definition) beside the library.

They are stored in the database (instrument_definitions) so every app process knows them: each
process registers the stored ones with ``surveys`` before it lists or uses instruments.
"""

from __future__ import annotations

import io
import threading

import surveys
from evalsys import audit
from evalsys.accounts.models import User
from evalsys.i18n import _
from evalsys.programme.models import InstrumentDefinition

_registered: set[int] = set()
_lock = threading.Lock()


class InstrumentImportError(ValueError):
    """The file cannot become an instrument; ``problems`` lists what to fix, row by row."""

    def __init__(self, message, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


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
            )
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


def import_xlsform(
    dbsession, data: bytes, filename: str, actor: User | None = None
) -> list[surveys.Instrument]:
    """Read an XLSForm (KoboToolbox, ODK) and store its instruments; all of them or none."""
    try:
        questionnaire = surveys.import_xlsform(io.BytesIO(data), name=filename)
    except surveys.XLSFormError as error:
        raise InstrumentImportError(
            _("The XLSForm cannot be used. Fix these rows and upload it again."),
            [f"{path}: {problem}" if path else problem for path, problem in error.problems],
        ) from None
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        raise InstrumentImportError(
            _(
                "This file is not an XLSForm workbook (.xlsx). Save the form as .xlsx and upload "
                "it again."
            )
        ) from None
    savepoint = dbsession.begin_nested()
    try:
        for instrument in questionnaire.instruments:
            store(dbsession, instrument, actor)
    except InstrumentImportError:
        savepoint.rollback()
        raise
    savepoint.commit()
    return list(questionnaire.instruments)
