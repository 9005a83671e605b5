"""Write a stored or library instrument, or a whole questionnaire, as a file to take elsewhere.

The set-up page, the API and the command line call :func:`export_file` (one instrument as an
XLSForm workbook, a REDCap data dictionary or YAML) and :func:`export_questionnaire` (an
intervention's questionnaire as one XLSForm), so all three write the same bytes.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import yaml

import surveys
from evalsys.i18n import _
from evalsys.setup.instruments import InstrumentImportError

EXPORT_FORMATS = ("xlsform", "redcap", "yaml")
MEDIA_TYPES = {
    "xlsform": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "redcap": "text/csv",
    "yaml": "application/yaml",
}
EXTENSIONS = {"xlsform": "xlsx", "redcap": "csv", "yaml": "yaml"}
FORMAT_NAMES = {"xlsform": "XLSForm", "redcap": "REDCap", "yaml": "YAML"}


def file_name(instrument_id: str, version: str, fmt: str) -> str:
    """``<id>-<version>.<extension>``: the name a download of ``fmt`` is saved under."""
    return f"{instrument_id}-{version}.{EXTENSIONS[fmt]}"


def export_file(instrument: surveys.Instrument, fmt: str) -> bytes:
    """One instrument as a file: an XLSForm workbook, a REDCap data dictionary or YAML.

    Parameters
    ----------
    instrument : a library or stored instrument (``evalsys.setup.instruments.find``)
    fmt : one of EXPORT_FORMATS

    Returns
    -------
    bytes
        The file; ``surveys.import_xlsform``, ``surveys.import_redcap`` and
        ``surveys.parse_instrument`` read it back to the same instrument.

    Raises
    ------
    InstrumentImportError
        When the format cannot hold it (a condition on items of other instruments, an item id
        REDCap cannot take), code ``not_alone`` or ``not_writable``.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown instrument format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
    if fmt == "yaml":
        text = yaml.safe_dump(instrument.to_dict(), allow_unicode=True, sort_keys=False)
        return text.encode("utf-8")
    demographics = instrument if instrument.kind == "demographics" else None
    try:
        questionnaire = surveys.Questionnaire(
            id=instrument.id,
            version=instrument.version,
            title=dict(instrument.title),
            instruments=() if demographics else (instrument,),
            demographics=demographics,
        )
    except surveys.InstrumentError as error:
        raise InstrumentImportError(
            _(
                "This instrument cannot be written on its own: ${problem}",
                mapping={"problem": str(error)},
            ),
            code="not_alone",
        ) from None
    return _written(questionnaire, fmt)


def export_questionnaire(questionnaire: surveys.Questionnaire, fmt: str = "xlsform") -> bytes:
    """A whole questionnaire (every block, the consent text) as one XLSForm or REDCap file.

    Raises
    ------
    InstrumentImportError
        When the format cannot hold it (code ``not_writable``).
    """
    if fmt not in ("xlsform", "redcap"):
        raise ValueError(f"a questionnaire is written as xlsform or redcap, not {fmt!r}")
    return _written(questionnaire, fmt)


def _written(questionnaire: surveys.Questionnaire, fmt: str) -> bytes:
    try:
        if fmt == "xlsform":
            buffer = io.BytesIO()
            surveys.export_xlsform(questionnaire, buffer)
            return buffer.getvalue()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "dictionary.csv"
            surveys.export_redcap(questionnaire, path)
            return path.read_bytes()
    except ValueError as error:  # surveys' writers: a RedcapError, a group written twice
        raise InstrumentImportError(
            _(
                "This cannot be written as ${format}: ${problem}",
                mapping={"format": FORMAT_NAMES[fmt], "problem": str(error)},
            ),
            code="not_writable",
        ) from None
