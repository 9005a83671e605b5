"""XLSForm (KoboToolbox, ODK, pyxform) import of questionnaires; the mapping below holds both ways.

Survey sheet ``type`` (any case; ``begin group`` or ``begin_group``):

===============================  ============================================================
XLSForm                          evalsys
===============================  ============================================================
``select_one L``                 single choice; ``likert`` with ``appearance: likert``;
                                 ``yes_no`` for a plain ``yes``/``no`` list (stored 1/0)
``select_multiple L``            multiple choice
``select_one L or_other``        an option ``other`` (the next value) and a text item
                                 ``<name>_other`` shown when ``other`` is chosen
``integer`` / ``decimal``        number (``integer: true`` for integer); the ``constraint``
                                 gives the range (see below); without one, or with
                                 one side only (``. >= 0``), the number has no or a
                                 one-sided range (a number a scale scores needs both)
``text``                         text; ``string-length(.) <= n`` sets the maximum length
                                 (default 1000); any other text constraint is refused
``begin group`` ... ``end group`` a group of the instrument (nested groups keep their
                                 parent); ``relevant`` on it is the group's condition
group named ``demographics``     (top level) the demographics block
``note`` named ``consent``       the consent text; notes before the first question (outside
                                 groups) are the instructions; other notes are not kept
``calculate``, ``hidden``        skipped when no condition names them; refused when one does
``start``, ``end``, ``today``,   device metadata: skipped (evalsys records times itself and
``deviceid``, ``username`` ...   stores no phone numbers or e-mail addresses)
``begin repeat``                 refused: evalsys stores one answer per question
``geopoint``, media, ``date``    refused with the reason; every other type refused by name
===============================  ============================================================

Columns: ``relevant`` becomes the item's (or group's) condition, its choice names turned into
the stored values (``${q} = 'yes'`` -> ``${q} = 1``); a name must be a question earlier in the
form. ``constraint`` on a number is read as comparisons of ``.`` with numbers joined by
``and``/``or`` (``. >= 0 and . <= 10 or . >= 20 and . <= 30 or . = 99``): the outer bounds
give ``min``/``max``, a single value outside them is a missing-data code, what else the
constraint says is kept as the item's ``constraint`` with ``constraint_message``. ``required``
is yes/no (an expression is refused). Refused, naming the cell: ``default``,
``choice_filter``, ``calculation`` outside a calculate, ``trigger``, ``repeat_count``,
``read_only`` questions, ``${name}`` inside a label, hint or message, media columns.
Not kept (presentation only): ``appearance`` other than likert, ``parameters``,
``guidance_hint``, ``required_message`` (evalsys words its own).

Choices: numbered as :mod:`surveys.xlsform_choices` says (whole-number names as they are,
text names 1..n in order, a name kept as the option's ``name``).

Blocks: the whole form is one instrument named after ``form_id`` (plus the demographics
block), its top-level groups are groups within it. A form marks instruments of its own with
``evalsys_type: instrument`` on top-level ``begin group`` rows (as the export writes them):
then each marked group is an instrument and a question outside them is refused. The
``evalsys_missing`` column names a choices list of missing-data codes (on a question: its
own; on an instrument's group: every item's), and the ``evalsys`` sheet (written on export)
keeps what XLSForm has no column for (scales, licence, citation, reverse keying), so that an
exported instrument imports as it was.

Sheets and columns are read in any case, ``.xlsx`` and ``.xls``. Language columns are
``label::Dutch (nl)``, ``label::nl``, ``label:English``; a plain ``label`` is in the settings'
``default_language`` (else the ``language`` argument). The default language is marked
``original``, the others ``working``. ``settings`` ``form_id``, ``form_title`` and ``version``
are used. Every problem is reported at once, each once, by sheet, row and column, in English
or Dutch (:meth:`XLSFormError.lines`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any

from surveys.errors import InstrumentError
from surveys.instrument import Instrument, parse_instrument
from surveys.questionnaire import Questionnaire
from surveys.xlsform_choices import read_choice_lists
from surveys.xlsform_problems import Problem, Problems, XLSFormError
from surveys.xlsform_reader import SurveyReader
from surveys.xlsform_sheets import cell_text, language_of, read_sheet, read_sheets, texts

#: The extension sheet of evalsys exports (columns block, key, value as JSON).
EXTRA_SHEET = "evalsys"
_ITEM_COLUMN = {
    "text": "label",
    "hint": "hint",
    "options": "type",
    "min": "constraint",
    "max": "constraint",
    "max_length": "constraint",
    "relevant": "relevant",
    "constraint": "constraint",
    "missing": "evalsys_missing",
    "required": "required",
}


def import_xlsform(
    source: str | Path | IO[bytes],
    name: str | None = None,
    version: str | None = None,
    language: str = "nl",
) -> Questionnaire:
    """Read an XLSForm workbook (.xlsx or .xls) into a :class:`Questionnaire`.

    Parameters
    ----------
    source : path or binary file
    name : str, optional
        Name for error messages (defaults to the file name).
    version : str, optional
        Version for the instruments; defaults to the settings sheet ``version`` or ``"1"``.
    language : str
        The language of plain ``label`` columns when the settings give no
        ``default_language``.

    Returns
    -------
    Questionnaire
        New (unregistered) instruments: the form's, and its demographics block.

    Raises
    ------
    XLSFormError
        Naming sheet, row and column of every problem (``lines(lang)`` for en or nl).
    """
    label = name or (str(source) if isinstance(source, str | Path) else "<xlsform>")
    sheets = read_sheets(source, label)
    problems = Problems()
    questionnaire = _import(sheets, label, version, language, problems)
    if problems or questionnaire is None:
        raise XLSFormError(label, problems)
    return questionnaire


def _import(sheets, label, version, language, problems: Problems) -> Questionnaire | None:
    if "survey" not in sheets:
        problems.add("", None, "", "no_survey_sheet", sheets=", ".join(sheets) or "-")
        return None
    settings_sheet = read_sheet("settings", sheets.get("settings", []), language, problems)
    settings = settings_sheet.rows[0][1] if settings_sheet.rows else {}
    written = cell_text(settings.get("default_language"))
    default = language_of(written, language) if written else language
    if default is None:
        problems.add("settings", 2, "default_language", "unknown_language_name", name=written)
        default = language
    survey = read_sheet("survey", sheets["survey"], default, problems)
    choices = (
        read_sheet("choices", sheets["choices"], default, problems) if "choices" in sheets else None
    )
    if "type" not in survey.headers or "name" not in survey.headers:
        problems.add("survey", 1, "", "survey_columns")
        return None
    languages = _languages(survey, default)
    lists = read_choice_lists(choices, problems)
    form_id = _identifier(
        cell_text(settings.get("form_id") or settings.get("id_string"))
        or Path(label).stem
        or "form"
    )
    reader = SurveyReader(survey, lists, languages, form_id, problems)
    reader.read()
    blocks = [
        b for b in reader.blocks if b["items"] or b["kind"] != "questionnaire" or reader.marked
    ]
    if not any(b["items"] for b in blocks):
        if not problems:
            problems.add("survey", None, "", "no_question")
        return None
    extras = _extras(sheets.get(EXTRA_SHEET), default, problems)
    form_version = str(version or cell_text(settings.get("version")) or "1")
    original = default if default in languages else languages[0]
    title = cell_text(settings.get("form_title")) or form_id
    instruments = []
    for block in blocks:
        data = _definition(block, form_version, languages, original, title, label)
        extra = extras.get(block["id"], {})
        for item_id, more in extra.pop("items", {}).items():
            match = [i for i in data["items"] if i["id"] == item_id]
            if not match:
                problems.add(EXTRA_SHEET, None, "", "extra_unknown_item", name=item_id)
                continue
            match[0].update(more)
        data.update(extra)
        instrument = _instrument(data, block, survey, label, problems)
        if instrument is not None:
            instruments.append(instrument)
    if problems:
        return None
    form = extras.get("", {})
    try:
        return Questionnaire(
            id=form.get("id", form_id),
            version=form.get("version", form_version),
            title=form.get("title", {lang: title for lang in languages}),
            instruments=tuple(i for i in instruments if i.kind != "demographics"),
            demographics=next((i for i in instruments if i.kind == "demographics"), None),
            consent=reader.consent,
        )
    except InstrumentError as error:
        # The schema's problem stays keyed, so it is worded in the language of the lines.
        for path, problem in error.worded:
            problems.add("survey", None, "", "definition", path=path, problem=problem)
        return None


def _languages(survey, default: str) -> list[str]:
    """The languages the survey's labels are written in, the default one first."""
    found = {lang for _n, record in survey.rows for lang in texts(record, "label")}
    found = found or {default}
    return sorted(found, key=lambda lang: (lang != default, lang))


def _identifier(text: str) -> str:
    """``form_id`` as an evalsys id: letters, digits and ``_`` (others become ``_``)."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return ident if re.match(r"[A-Za-z_]", ident) else f"form_{ident}"


def _definition(block, version, languages, original, title, label) -> dict[str, Any]:
    """A block as an instrument file's mapping."""

    def filled(mapping: dict[str, str], fallback: str) -> dict[str, str]:
        some = next(iter(mapping.values()), fallback)
        return {lang: mapping.get(lang) or some for lang in languages}

    data: dict[str, Any] = {
        "id": block["id"],
        "version": version,
        "kind": block["kind"],
        "title": filled(
            block.get("title") or {},
            title if block["kind"] == "questionnaire" and not block.get("title") else block["id"],
        ),
        "languages": {lang: "original" if lang == original else "working" for lang in languages},
        "items": [{k: v for k, v in item.items() if v != []} for item in block["items"]],
        "notes": f"Imported from XLSForm {Path(label).name}.",
    }
    for key in ("relevant", "missing_codes", "instructions"):
        if block.get(key):
            data[key] = block[key]
    if block.get("groups"):
        data["groups"] = [
            {k: v for k, v in group.items() if v or k == "id"} for group in block["groups"]
        ]
    return data


def _instrument(data, block, survey, label, problems: Problems) -> Instrument | None:
    """Parse one block; the schema's problems are placed on the rows they come from."""
    try:
        return parse_instrument(data, source=f"{label} {block['id']!r}")
    except InstrumentError as error:
        for path, problem in error.worded:
            problems.add(
                *_place(path, data, block, survey), "definition", path=path, problem=problem
            )
        return None


def _place(path: str, data, block, survey) -> tuple[str, int | None, str]:
    match = re.match(r"items\[(\d+)\](?:\.(\w+))?", path)
    if match and int(match.group(1)) < len(data["items"]):
        item_id = data["items"][int(match.group(1))]["id"]
        key = _ITEM_COLUMN.get(match.group(2) or "", "")
        column = survey.headers.get(key, key) if key else ""
        return "survey", block["rows"].get(item_id), column
    return "survey", None, ""


def _extras(raw, default: str, problems: Problems) -> dict[str, dict[str, Any]]:
    """The ``evalsys`` sheet: block id -> key -> value (``""`` is the questionnaire)."""
    if not raw:
        return {}
    sheet = read_sheet(EXTRA_SHEET, raw, default, problems)
    out: dict[str, dict[str, Any]] = {}
    for number, record in sheet.rows:
        key = cell_text(record.get("key"))
        try:
            value = json.loads(cell_text(record.get("value")))
        except ValueError:
            problems.add(EXTRA_SHEET, number, sheet.headers.get("value", "value"), "extra_not_json")
            continue
        out.setdefault(cell_text(record.get("block")), {})[key] = value
    return out


__all__ = ["Problem", "XLSFormError", "import_xlsform"]
