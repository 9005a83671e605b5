"""Choosing an intervention's questionnaire from the instrument library."""

from __future__ import annotations

import surveys
from evalsys.accounts.models import User
from evalsys.collection.models import Response
from evalsys.i18n import _
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Questionnaire
from evalsys.setup import instruments as stored_instruments
from evalsys.setup.fields import SetupError, record_change


def library(dbsession=None) -> list[surveys.Instrument]:
    """The instruments an evaluator can choose from: the bundled library and stored imports."""
    if dbsession is None:
        found = surveys.bundled_instruments()
    else:
        found = stored_instruments.available(dbsession)
    return sorted(found, key=lambda i: (i.kind, i.id, i.version))


def set_questionnaire(
    dbsession,
    intervention: Intervention,
    instruments: list[tuple[str, str | None]],
    *,
    demographics: bool | str = True,
    actor: User | None = None,
) -> tuple[Questionnaire, bool]:
    """Choose and order the instruments; returns (current version, whether it is new).

    ``demographics``: True for the library's block of questions about the participant, False
    for none, or the ``id`` (``id@version``) of another such block, e.g. an imported one.

    Versions are never changed in place (responses keep the version they were given with), so
    a change always makes a new version through :func:`questionnaires.save_version`; the same
    instruments in the same order keep the current one.
    """
    stored_instruments.register_stored(dbsession)
    if not instruments:
        raise SetupError("instruments", "required", _("Choose at least one instrument."))
    refs = []
    for index, (instrument_id, version) in enumerate(instruments):
        try:
            instrument = surveys.load_instrument(instrument_id, version)
        except surveys.UnknownInstrumentError:
            field = f"instruments[{index}].{'version' if version else 'id'}"
            message = _("This instrument is not in the library.")
            raise SetupError(field, "unknown_instrument", message) from None
        if instrument.kind == "demographics":
            raise SetupError(
                f"instruments[{index}].id",
                "not_allowed",
                _(
                    "Add the questions about the participant with their own choice, "
                    "not as an instrument."
                ),
            )
        if any(ref[0] == instrument.id for ref in refs):
            message = _("This instrument is chosen twice.")
            raise SetupError(f"instruments[{index}].id", "duplicate", message)
        refs.append((instrument.id, instrument.version))
    demographics_ref = _demographics(demographics)
    current = intervention.questionnaire
    if current is not None and _same_choice(current, refs, demographics, demographics_ref):
        return current, False
    try:
        built = questionnaires.build(intervention, refs, demographics=demographics_ref)
    except surveys.InstrumentError as error:
        # e.g. two instruments that share an item id cannot be in one questionnaire
        message = _(
            "These instruments cannot be in one questionnaire: ${problem}",
            mapping={"problem": str(error)},
        )
        raise SetupError("instruments", "incompatible", message) from None
    row = questionnaires.save_version(dbsession, intervention, built)
    record_change(
        dbsession,
        actor,
        "questionnaire_changed",
        intervention,
        version=row.version,
        instruments=[f"{i}@{v}" for i, v in refs],
    )
    return row, True


def has_responses(dbsession, questionnaire: Questionnaire) -> bool:
    """Whether any response was given with this questionnaire version."""
    return bool(
        dbsession.query(Response.id).filter_by(questionnaire_id=questionnaire.id).limit(1).count()
    )


def _demographics(choice: bool | str) -> str | None:
    """The demographics block chosen, as ``id@version`` (None: no such block)."""
    if choice is False or choice is None or choice == "":
        return None
    instrument_id, _at, version = ("demographics" if choice is True else choice).partition("@")
    try:
        block = surveys.load_instrument(instrument_id, version or None)
    except surveys.UnknownInstrumentError:
        message = _("This block of questions about the participant is not in the library.")
        raise SetupError("demographics", "unknown_instrument", message) from None
    if block.kind != "demographics":
        message = _("This is an instrument, not a block of questions about the participant.")
        raise SetupError("demographics", "not_allowed", message)
    return f"{block.id}@{block.version}"


def _same_choice(current: Questionnaire, refs: list, choice, demographics: str | None) -> bool:
    loaded = questionnaires.load(current)
    block = loaded.demographics
    if [(b.id, b.version) for b in loaded.instruments] != refs:
        return False
    if block is None or demographics is None:
        return block is None and demographics is None
    if choice is True:  # "the standard block": the one the version has, whatever its version
        return block.id == "demographics"
    return f"{block.id}@{block.version}" == demographics
