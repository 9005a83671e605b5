"""Import a form (an XLSForm workbook, a REDCap data dictionary) as stored instruments.

The web page, the API and the command line call :func:`import_form`: it reads the file with
``surveys``, gives every block an id of its owner (:func:`evalsys.setup.instruments.owned_id`),
stores the instruments and the demographics block, and hands the consent text to the
intervention it is imported for. All of it, or nothing: a refusal stores nothing. Writing
one out is evalsys.setup.instrument_export.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import PurePath

import surveys
from evalsys.accounts.models import User
from evalsys.i18n import _
from evalsys.programme.models import Intervention
from evalsys.setup.fields import record_change
from evalsys.setup.instruments import InstrumentImportError, owned, store

log = logging.getLogger(__name__)

FORMATS = ("xlsform", "redcap")
ORIGIN = {"xlsform": "XLSForm", "redcap": "REDCap"}
_EXTENSIONS = {".xlsx": "xlsform", ".xls": "xlsform", ".csv": "redcap"}
# the first bytes of an .xlsx (a zip archive) and of an .xls (an OLE2 compound file)
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass(frozen=True)
class ImportResult:
    """What an import stored, and what became of the form's consent text.

    ``consent`` is one of ``none`` (the form has none), ``set`` (it is now the intervention's),
    ``same`` (the intervention had this text), ``kept`` (the intervention keeps its own, other
    text) or ``not_stored`` (no intervention: the command line with ``--team``).
    """

    instruments: tuple[surveys.Instrument, ...]
    demographics: surveys.Instrument | None
    added: tuple[str, ...]  # "id@version" of the rows this import stored
    form_ids: dict[str, str] = field(default_factory=dict)  # stored id -> the form's own id
    consent_text: dict[str, str] = field(default_factory=dict)
    consent: str = "none"

    @property
    def blocks(self) -> tuple[surveys.Instrument, ...]:
        return ((self.demographics,) if self.demographics else ()) + self.instruments


def format_of(filename: str, data: bytes, chosen: str | None = None) -> str:
    """``xlsform`` or ``redcap``: as chosen, else by the file's extension, else its first bytes."""
    if chosen:
        if chosen not in FORMATS:
            raise InstrumentImportError(
                _("Choose the format: XLSForm or REDCap data dictionary."), code="format"
            )
        return chosen
    by_name = _EXTENSIONS.get(PurePath(filename or "").suffix.lower())
    if by_name:
        return by_name
    return "xlsform" if data[:4] in _WORKBOOK_MAGIC else "redcap"


def read_form(data: bytes, filename: str, fmt: str, language: str = "nl") -> surveys.Questionnaire:
    """The questionnaire in the file; every problem in ``language``."""
    name = PurePath(filename or "form").name
    try:
        if fmt == "xlsform":
            return surveys.import_xlsform(io.BytesIO(data), name=name)
        reader = getattr(surveys, "import_redcap", None)
        if reader is None:
            raise InstrumentImportError(
                _("REDCap data dictionaries cannot be read by this version of evalsys."),
                code="format",
            )
        return reader(io.BytesIO(data), name=name, language=language)
    except surveys.InstrumentError as error:
        raise InstrumentImportError(_refusal(fmt), problem_lines(error, language)) from None
    except (InstrumentImportError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - a reader's library fails in many ways on a foreign file
        log.info("%s import of %r failed", fmt, name, exc_info=True)
        raise InstrumentImportError(_unreadable(fmt)) from None


def problem_lines(error: surveys.InstrumentError, language: str) -> list[str]:
    """One line per problem, in ``language`` where the reader words its problems itself."""
    if type(error).lines is not surveys.InstrumentError.lines:  # XLSForm, REDCap: by row
        return list(error.lines(language))
    # A definition's problems: the file is the one just uploaded, so no source before them.
    return [f"{path}: {problem}" if path else problem for path, problem in error.texts(language)]


def import_form(
    dbsession,
    data: bytes,
    filename: str,
    *,
    owner: str,
    fmt: str | None = None,
    intervention: Intervention | None = None,
    actor: User | None = None,
    language: str = "nl",
) -> ImportResult:
    """Read a form and store its blocks under ids of ``owner``; all of them or none.

    Parameters
    ----------
    dbsession : the request's or command's session (nothing is committed here)
    data, filename : the file's bytes and name (the name picks the format when ``fmt`` is None)
    owner : the intervention's slug (web, API) or a team's name (command line)
    fmt : ``xlsform`` or ``redcap``; None: by the file name or its first bytes
    intervention : the intervention imported for; its consent text is set from the form's
        when it has none
    actor : who imports (audited)
    language : the language of the problem lines

    Raises
    ------
    InstrumentImportError
        With ``problems`` (one line each) when the file cannot be used, and code
        ``nothing_new`` when every block of the form is stored already.
    """
    fmt = format_of(filename, data, fmt)
    questionnaire = read_form(data, filename, fmt, language)
    origin = ORIGIN[fmt]
    try:
        blocks = [owned(block, owner, origin) for block in questionnaire.blocks]
    except surveys.InstrumentError as error:
        raise InstrumentImportError(_refusal(fmt), problem_lines(error, language)) from None
    if not blocks:
        raise InstrumentImportError(_("This form has no questions to import."), code="nothing_new")
    form_ids = {new.id: old.id for new, old in zip(blocks, questionnaire.blocks, strict=True)}
    savepoint = dbsession.begin_nested()
    try:
        added = tuple(f"{b.id}@{b.version}" for b in blocks if store(dbsession, b, actor))
    except InstrumentImportError:
        savepoint.rollback()
        raise
    consent = _consent(dbsession, questionnaire.consent, intervention, actor)
    if not added and consent not in ("set",):
        savepoint.rollback()
        raise InstrumentImportError(
            _(
                "Nothing to import: ${ids} are stored already with these very questions. "
                "Choose them in the questionnaire, or give a changed form a new version.",
                mapping={"ids": ", ".join(f"{b.id} {b.version}" for b in blocks)},
            ),
            code="nothing_new",
        )
    savepoint.commit()
    demographics = blocks[0] if questionnaire.demographics is not None else None
    return ImportResult(
        instruments=tuple(b for b in blocks if b is not demographics),
        demographics=demographics,
        added=added,
        form_ids=form_ids,
        consent_text=dict(questionnaire.consent or {}),
        consent=consent,
    )


def _consent(dbsession, text: dict, intervention: Intervention | None, actor) -> str:
    """Give an intervention without a consent text the form's; never replace one it has."""
    text = {lang: value for lang, value in (text or {}).items() if value and value.strip()}
    if not text:
        return "none"
    if intervention is None:
        return "not_stored"
    current = dict(intervention.consent_text or {})
    if current == text:
        return "same"
    if current:
        return "kept"
    intervention.consent_text = text
    record_change(dbsession, actor, "intervention_changed", intervention, consent="from_form")
    return "set"


def _refusal(fmt: str):
    if fmt == "redcap":
        return _("The REDCap data dictionary cannot be used. Fix these lines and upload it again.")
    return _("The XLSForm cannot be used. Fix these rows and upload it again.")


def _unreadable(fmt: str):
    if fmt == "redcap":
        return _(
            "This file is not a REDCap data dictionary (.csv). Download the data dictionary "
            "from REDCap (Project Setup, Data Dictionary) and upload it again."
        )
    return _(
        "This file is not an XLSForm workbook (.xlsx or .xls). Save the form as .xlsx and "
        "upload it again."
    )
