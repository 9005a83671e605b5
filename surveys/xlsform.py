"""XLSForm (KoboToolbox, ODK) import of questionnaires; the mapping below holds both ways.

Mapping (survey sheet ``type`` column):

===============================  ============================================================
XLSForm                          evalsys item
===============================  ============================================================
``select_one L``                 single choice; ``likert`` with ``appearance: likert``;
                                 ``yes_no`` when the choices are exactly ``yes`` / ``no``
``select_multiple L``            multiple choice
``integer`` / ``decimal``        number; ``constraint`` must give ``. >= a and . <= b``
``text``                         short text; ``string-length(.) <= n`` sets the maximum
                                 length (default 1000)
``begin_group`` / ``end_group``  one group is one instrument (group name = instrument id);
                                 a group named ``demographics`` is the demographics block
``note`` named ``consent``       the consent text
===============================  ============================================================

Choice names must be whole numbers (evalsys stores option values as numbers), except a plain
``yes``/``no`` list, stored as 1/0. The optional ``evalsys_type`` column (written on export)
overrides the type: ``likert``, ``yes_no``, ``year``. Metadata rows (``start``, ``end``,
``today``, ``deviceid`` ...) and other notes are skipped. Every other row that cannot be
mapped is reported, all at once, in one :class:`XLSFormError`.

Language columns look like ``label::Dutch (nl)``; a plain ``label`` column is in the form's
``default_language`` (``nl`` if not set). The default language is marked ``original``, the
others ``working``: edit the instrument to claim a validated translation. Scales are not part
of XLSForm: add them to the imported instruments in YAML (see docs/instruments.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook

from surveys.errors import InstrumentError
from surveys.instrument import Instrument, parse_instrument
from surveys.questionnaire import Questionnaire
from surveys.xlsform_items import item_from_row
from surveys.xlsform_sheets import language_columns, language_of, read_choices, sheet_rows, texts

_SKIPPED_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "calculate",
    "note",
}


class XLSFormError(InstrumentError):
    """One or more XLSForm rows could not be mapped; ``problems`` names sheet and row."""


def import_xlsform(
    source: str | Path | IO[bytes], name: str | None = None, version: str | None = None
) -> Questionnaire:
    """Read an XLSForm workbook into a :class:`Questionnaire` of new (unregistered) instruments.

    Parameters
    ----------
    source : path or binary file
    name : str, optional
        Name for error messages (defaults to the file name).
    version : str, optional
        Version for the instruments; defaults to the settings sheet ``version`` or ``"1"``.

    Raises
    ------
    XLSFormError
        Listing every row that cannot be mapped, as ``survey row 7: ...``.
    """
    label = name or (str(source) if isinstance(source, str | Path) else "<xlsform>")
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        return _import_workbook(workbook, label, version)
    finally:
        workbook.close()


def _import_workbook(workbook, label: str, version: str | None) -> Questionnaire:
    if "survey" not in workbook.sheetnames:
        raise XLSFormError(label, [("", "no 'survey' sheet")])
    settings: dict[str, Any] = {}
    if "settings" in workbook.sheetnames:
        _header, rows = sheet_rows(workbook["settings"])
        settings = rows[0][1] if rows else {}
    default_lang = language_of(str(settings.get("default_language") or "Dutch (nl)"), "nl")
    default_lang = default_lang or "nl"
    form_id = str(settings.get("form_id") or Path(label).stem or "form")
    form_version = str(version or settings.get("version") or "1")

    problems: list[tuple[str, str]] = []
    groups, consent = _read_survey(workbook, form_id, default_lang, problems)
    if problems:
        raise XLSFormError(label, problems)
    instruments = []
    demographics = None
    for g, group in enumerate(groups):
        try:
            inst = _instrument(group, form_version, default_lang, label)
        except InstrumentError as exc:
            problems.extend((f"group {g + 1} ({group['id']}): {p}", m) for p, m in exc.problems)
            continue
        if inst.kind == "demographics":
            demographics = inst
        else:
            instruments.append(inst)
    if problems:
        raise XLSFormError(label, problems)
    titles = settings.get("form_title")
    return Questionnaire(
        id=form_id,
        version=form_version,
        title={default_lang: str(titles)} if titles else {},
        instruments=tuple(instruments),
        demographics=demographics,
        consent=consent,
    )


def _read_survey(
    workbook, form_id: str, default_lang: str, problems: list
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The survey sheet's groups (``{id, title, items}``, items as in an instrument file) and
    the consent text; questions outside a group form a group named after the form."""
    header, survey = sheet_rows(workbook["survey"])
    columns, unknown = language_columns(header, default_lang)
    problems.extend(
        (f"survey column {h!r}", "language not recognised; write it as 'label::Dutch (nl)'")
        for h in unknown
    )
    choices = read_choices(workbook, default_lang)
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    consent: dict[str, str] = {}
    for number, record in survey:
        kind = str(record.get("type") or "").strip()
        row_name = str(record.get("name") or "").strip()
        base = kind.split()[0] if kind else ""
        if base in ("begin_group", "begin group"):
            current = {"id": row_name, "title": texts(record, "label", columns), "items": []}
            groups.append(current)
            continue
        if base in ("end_group", "end group"):
            current = None
            continue
        if base == "note" and row_name == "consent":
            consent = texts(record, "label", columns)
            continue
        if base in _SKIPPED_TYPES:
            continue
        where = f"survey row {number}"
        item = item_from_row(record, kind, row_name, columns, choices, where, problems)
        if item is None:
            continue
        if current is None:
            current = {"id": form_id, "title": {}, "items": []}
            groups.append(current)
        current["items"].append(item)
    return groups, consent


def _instrument(group: dict[str, Any], version: str, default_lang: str, label: str) -> Instrument:
    """One group as an instrument: the default language is the original, the others working."""
    languages = sorted({lang for item in group["items"] for lang in item["text"]})
    data = {
        "id": group["id"],
        "version": version,
        "kind": "demographics" if group["id"] == "demographics" else "questionnaire",
        "title": group["title"] or {lang: group["id"] for lang in languages},
        "languages": {
            lang: "original" if lang == default_lang else "working" for lang in languages
        },
        "items": group["items"],
        "notes": f"Imported from XLSForm {Path(label).name}.",
    }
    return parse_instrument(data, source=f"{label} group {group['id']!r}")


__all__ = ["XLSFormError", "import_xlsform"]
