"""Questionnaire instruments for evalsys: definitions, answer validation, scoring, quality flags.

Pure Python (pandas, numpy, PyYAML, openpyxl); no web, no database. This docstring is the
stable API that the web app and notebooks rely on.

Instruments
-----------
``load_instrument(id, version=None) -> Instrument``
    A bundled (``surveys/library/*.yaml``) or registered instrument; the highest version when
    ``version`` is None. Raises ``UnknownInstrumentError`` (a ``LookupError``).
``register_instrument(instrument_or_path_or_dict) -> Instrument``
    Make a user-defined instrument loadable. A *different* definition under an id + version that
    already exists raises ``InstrumentError``; the same definition again is a no-op.
``parse_instrument(yaml_text_or_dict, source="<name>") -> Instrument``
    Check and build; raises ``InstrumentError`` whose message has one line per problem:
    ``source: items[3].options: problem`` (``.problems`` holds ``(path, problem)`` pairs);
    ``.lines(lang)`` gives the same lines in ``en`` or ``nl`` (the ``schema`` catalogue).
``parse_instrument_file(path)``, ``bundled_instruments() -> list[Instrument]``.

``Instrument`` (frozen): ``id``, ``version``, ``fingerprint`` (sha256 of the canonical JSON),
``kind`` ('questionnaire' | 'matrix' | 'demographics'), ``title`` and ``instructions``
({lang: text}), ``items`` (``Item``: ``id``, ``type``, ``text``, ``options`` [(value, {lang:
label})], ``required``, ``reverse``, ``min``, ``max``, ``max_length``, ``scores``), ``scales``
(``Scale``: ``id``, ``items``, ``method`` 'sum' | 'mean', ``min_items``, ``range`` (lo, hi),
``bands`` [(id, lo, hi, {lang: label})], ``higher_is_better``, ``reference_sd``,
``reliability``, ``reference_source``), ``languages`` ({lang: 'original' | 'validated' |
'working'}), ``translation_sources``, ``licence``, ``citation``. ``instrument.to_dict()`` is the
canonical JSON-serialisable form; ``Instrument.from_dict(d)`` rebuilds it (same fingerprint).

Conditions and missing-data codes (see docs/instruments.md): an item's ``relevant``,
``group``, ``missing`` (``Option`` tuple), ``integer``, ``constraint``, ``constraint_message``;
an option's ``name``; an instrument's ``relevant``, ``groups`` (``Group(id, title, relevant,
parent)``) and ``missing_codes``. ``parse_condition(text) -> Condition`` (``.names``,
``.holds(answers)``, ``.to_xlsform()``, ``.to_redcap()``), ``parse_redcap_logic(text)``;
both raise ``ConditionError``. ``instrument.not_applicable(answers)`` and
``instrument.statuses(answers)`` (each item ``answered``, ``missing``, ``missing_code`` or
``not_applicable``); the same on a ``Questionnaire`` over all its blocks.

Item types: ``likert``, ``single_choice``, ``yes_no`` (answer: an option value, int),
``multiple_choice`` (a list of option values), ``number`` (int/float within min..max; either
bound may be absent, unless a scale scores it), ``year`` (whole number, default 1900..2100),
``text`` (str up to ``max_length``).

Answers, validation, scoring
----------------------------
Answers are a mapping item id -> value; missing = key absent, None, NaN, "" or []. Typing is
strict (see :mod:`surveys.validation`): ``"3"`` for a likert item is ``wrong_type``; a whole
float ``3.0`` is accepted. Convert spreadsheet text with ``coerce_answers(instrument, cells)``,
which reports unconvertible cells instead of dropping them.

``instrument.validate(answers) -> list[FieldError]``
    ``FieldError(field, code, message, message_nl, value)``; ``code`` is one of
    'unknown_item', 'required', 'out_of_range', 'wrong_type', 'too_long', 'invalid_option',
    'invalid_characters' (a control character such as NUL in a text), 'not_applicable' (an
    answer to an item whose condition does not hold), 'constraint' (its constraint does not
    hold); ``validate(answers, blanks_allowed=True)`` lets required items stay empty;
    ``error.text("nl")`` picks the language.
``instrument.score(answers) -> {scale_id: ScaleScore(value, items_answered, band)}``
    ``value`` is None when fewer than ``min_items`` are answered; sums are prorated.
    Invalid answers count as missing: validate first.
``instrument.quality_flags(answers, duration_seconds=None) -> list[str]``
    'straight_lining', 'reverse_inconsistent', 'too_fast', 'too_many_missing'.

Many responses at once (same results as the per-response functions):
``validate_frame(instrument, df, ignore=()) -> DataFrame`` (row, field, code, value, message,
message_nl), ``score_frame(instrument, df) -> DataFrame`` (``<scale>``,
``<scale>__items_answered``, ``<scale>__band``) and ``quality_frame(instrument, df,
duration_seconds=None)`` (one boolean column per flag).

Questionnaires
--------------
``Questionnaire(id, version, title, instruments, demographics, consent)``: item ids unique
across it; ``validate``, ``score`` (``{instrument_id: {scale_id: ScaleScore}}``),
``quality_flags``, ``assess(answers, duration_seconds=None) -> Assessment(errors, scores,
flags)`` (the three in one pass, as a submission needs them; scores and flags empty when there
are errors), ``validate_frame``, ``score_frame`` (columns ``<instrument>.<scale>``),
``to_dict(embed=False)`` / ``Questionnaire.from_dict(d)`` (fingerprints are checked).
``import_xlsform(path) -> Questionnaire`` and ``export_xlsform(questionnaire, path)`` read and
write KoboToolbox / ODK XLSForms; ``import_redcap(path)`` and ``export_redcap(questionnaire, path)``
REDCap data dictionaries (``RedcapError.lines(lang)``: the problems in ``en`` or ``nl``).

Modules, from the bottom up (each imports only modules named before it)
-----------------------------------------------------------------------
``errors``, ``condition_tree``, ``conditions_redcap`` and ``conditions`` (conditions read,
evaluated, written), ``canonical`` and ``model`` (the data: frozen dataclasses, item types,
kinds); ``applicability``, ``validation``, ``scoring``, ``quality``, ``frame_rows`` and
``frame`` (functions of an instrument definition); ``schema_reader``, ``schema_conditions``,
``schema_scales`` and ``schema`` (reading a definition file); ``instrument`` (``Instrument``,
the definition with the methods above, and ``parse_instrument``); ``registry``, ``questionnaire``;
``xlsform_problems``, ``xlsform_sheets``, ``xlsform_expressions``, ``xlsform_choices``,
``xlsform_items``, ``xlsform_reader``, ``xlsform``, ``xlsform_rows``, ``xform`` and
``xlsform_export`` (XLSForm read, and written as rows, a workbook or an XForm);
``redcap_dictionary``, ``redcap_fields``, ``redcap`` and ``redcap_export`` (REDCap data
dictionaries read and written).

Example
-------
>>> import surveys
>>> brs = surveys.load_instrument("brs")
>>> answers = {"brs_1": 4, "brs_2": 2, "brs_3": 4, "brs_4": 2, "brs_5": 4, "brs_6": 2}
>>> brs.validate(answers)
[]
>>> brs.score(answers)["brs"]
ScaleScore(value=4.0, items_answered=6, band='normal')
"""

from surveys.conditions import (
    Condition,
    ConditionError,
    parse_condition,
    parse_redcap_logic,
)
from surveys.errors import (
    FIELD_ERROR_CODES,
    FieldError,
    InstrumentError,
    UnknownInstrumentError,
)
from surveys.frame import quality_frame, score_frame, validate_frame
from surveys.instrument import Instrument, parse_instrument, parse_instrument_file
from surveys.model import Band, Group, Item, Option, Scale, ScaleScore
from surveys.quality import QUALITY_FLAGS, QualityRules
from surveys.questionnaire import Questionnaire
from surveys.redcap import RedcapError, import_redcap
from surveys.redcap_export import export_redcap
from surveys.registry import (
    Registry,
    bundled_instruments,
    load_instrument,
    register_instrument,
)
from surveys.validation import coerce_answers, coerce_value
from surveys.xlsform import XLSFormError, import_xlsform
from surveys.xlsform_export import export_xlsform

__all__ = [
    "FIELD_ERROR_CODES",
    "QUALITY_FLAGS",
    "Band",
    "Condition",
    "ConditionError",
    "FieldError",
    "Group",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "QualityRules",
    "Questionnaire",
    "RedcapError",
    "Registry",
    "Scale",
    "ScaleScore",
    "UnknownInstrumentError",
    "XLSFormError",
    "bundled_instruments",
    "coerce_answers",
    "coerce_value",
    "export_redcap",
    "export_xlsform",
    "import_redcap",
    "import_xlsform",
    "load_instrument",
    "parse_condition",
    "parse_instrument",
    "parse_instrument_file",
    "parse_redcap_logic",
    "quality_frame",
    "register_instrument",
    "score_frame",
    "validate_frame",
]
