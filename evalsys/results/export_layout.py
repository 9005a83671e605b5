"""The columns of an export: fixed columns, item answers, multiple-choice dummies and scores,
named by the rule of evalsys.results.export_names, labelled in the export's language, with
what SPSS and Stata are told about each (value labels, missing codes, levels, formats)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from evalsys.i18n import _
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention
from evalsys.results.export_names import Names, renamed_label


@dataclass(frozen=True)
class Column:
    """One exported variable: its name, label, type and (for choice items) value labels, and
    what SPSS is told about it: measurement level, user-missing codes, display format.

    ``missing`` holds the answer codes that mean "no answer" (an instrument's declared
    missing codes, or the 9/99/999 convention where an instrument declares none); their
    labels are among ``value_labels``. ``conditional``: the item is asked only when a
    condition holds, so a response may have it as not applicable.
    """

    name: str
    label: str
    kind: str  # "string", "number" or "date"
    value_labels: dict[int, str] = field(default_factory=dict)
    per_wave: bool = True  # in the wide layout: one column per wave (False: once per person)
    measure: str = "nominal"  # "nominal", "ordinal" or "scale"
    missing: tuple[int, ...] = ()  # answer codes that mean "no answer" (SPSS user-missing)
    spss_format: str | None = None  # e.g. "F1.0": whole numbers; None: SPSS's default (F8.2)
    conditional: bool = False
    choice: bool = False  # value labels are the answer options (a factor in R)
    bounds: tuple[float, float] | None = None  # a number or year item's lowest and highest
    not_applicable_label: str = ""  # the label of the "not asked" code, in the language


# Labels are translated into the export's language by layout(). ``participant_code``: the
# import template's name for the same column, so an export re-imports (docs/results.md).
META_COLUMNS = (
    Column("participant_code", _("Participant code (pseudonym)"), "string", per_wave=False),
    Column("site", _("Site"), "string", per_wave=False),
    Column("group", _("Group (intervention or comparison)"), "string", per_wave=False),
    Column("wave", _("Measurement round"), "string"),
    Column("submitted_on", _("Date of submission"), "date", measure="scale", spss_format="SDATE10"),
    Column("mode", _("How the answers came in (web, paper, import, api)"), "string"),
    Column("language", _("Language of the questionnaire"), "string"),
    Column(
        "duration_seconds",
        _("Time taken to answer (seconds)"),
        "number",
        measure="scale",
        spss_format="F8.0",
    ),
    Column("quality_flags", _("Data-quality flags (instrument:flag; separated by ;)"), "string"),
)
RESERVED = frozenset(c.name for c in META_COLUMNS)
NOT_ASKED = _("not applicable (not asked)")
YES_NO_LABELS = {0: _("no"), 1: _("yes")}  # a multiple-choice option: not chosen, chosen
# Where an instrument declares no missing codes: a "prefer not to say" or "don't know" option
# coded 9, 99 or 999 after a gap in the codes (gender: 1, 2, 3, 9), a common convention for
# survey data in SPSS.
MISSING_CODES = (9, 99, 999)


@dataclass(frozen=True)
class Layout:
    """The columns of an export and how to fill them from one response."""

    columns: tuple[Column, ...]
    items: dict[str, object]  # column name -> surveys Item (choice and number items)
    multiple: dict[str, tuple[str, int]]  # column name -> (item id, option value) dummies
    scores: dict[str, tuple[str, str]]  # column name -> (instrument id, scale id)
    texts: dict[str, str]  # column name -> free-text item id (when included)
    # questionnaire row id -> its surveys Questionnaire, for those with conditions (a
    # response's not-applicable items are worked out from its answers)
    conditional: dict[int, object] = field(default_factory=dict)


def score_column(instrument_id: str, scale_id: str) -> str:
    """``score_<instrument>`` or ``score_<instrument>_<scale>``: valid SPSS and R names."""
    suffix = "" if scale_id == instrument_id else f"_{scale_id}"
    return f"score_{instrument_id}{suffix}".replace(".", "_").replace("-", "_")


def dummy_column(item_id: str, value: int) -> str:
    """``<item>__<value>``: a multiple-choice option's 0/1 column (two underscores)."""
    return f"{item_id}__{value}".replace("-", "m")


def layout(intervention: Intervention, *, language: str = "nl", free_text: bool = False) -> Layout:
    """The export's columns, from every questionnaire version (items in questionnaire order),
    labelled in ``language``, named by the rule of evalsys.results.export_names."""
    words = translator(language)
    loaded = [(row.id, questionnaires.load(row)) for row in intervention.questionnaires]
    item_ids = {item.id for _id, q in loaded for block in q.blocks for item in block.items}
    names = Names(RESERVED | item_ids)
    item_names: dict[str, str] = {}  # item id -> its column (its id, or item_<id>)

    def item_name(item_id: str) -> str:
        if item_id not in item_names:
            item_names[item_id] = names.take(f"item_{item_id}") if item_id in RESERVED else item_id
        return item_names[item_id]

    derived: dict[tuple, str] = {}  # (item id, value) or (instrument, scale) -> its column

    def derived_name(key: tuple, wanted: str) -> str:
        if key not in derived:
            derived[key] = names.take(wanted)
        return derived[key]

    columns: dict[str, Column] = {c.name: replace(c, label=words(c.label)) for c in META_COLUMNS}
    not_asked = words(NOT_ASKED)
    yes_no = {value: words(text) for value, text in YES_NO_LABELS.items()}
    items, multiple, scores, texts, conditional = {}, {}, {}, {}, {}
    for row_id, questionnaire in loaded:
        if _has_conditions(questionnaire):
            conditional[row_id] = questionnaire
        for block in questionnaire.blocks:
            scored = {item_id for scale in block.scales for item_id in scale.items}
            declares = any(_missing_options(item, block) for item in block.items)
            for item in block.items:
                text = _pick(item.text, language)
                asked_if = _conditional(item, block)
                if item.type == "text":
                    if free_text:
                        name = item_name(item.id)
                        texts[name] = item.id
                        label = renamed_label(item.id, name, text)
                        columns[name] = Column(name, label, "string")
                elif item.type == "multiple_choice":
                    for option in item.options:
                        wanted = dummy_column(item.id, option.value)
                        name = derived_name((item.id, option.value), wanted)
                        label = f"{text}: {_pick(option.labels, language)}"
                        multiple[name] = (item.id, option.value)
                        columns[name] = Column(
                            name,
                            label,
                            "number",
                            yes_no,
                            spss_format="F1.0",
                            conditional=asked_if,
                            not_applicable_label=not_asked if asked_if else "",
                        )
                else:
                    name = item_name(item.id)
                    items[name] = item
                    column = _item_column(item, block, text, language, item.id in scored, declares)
                    label = renamed_label(item.id, name, text)
                    columns[name] = replace(
                        column,
                        name=name,
                        label=label,
                        conditional=asked_if,
                        not_applicable_label=not_asked if asked_if else "",
                    )
            for scale in block.scales:
                name = derived_name((block.id, scale.id), score_column(block.id, scale.id))
                title = _pick(scale.title, language) or scale.id
                label = f"{_pick(block.title, language)}: {title} ({scale.method})"
                scores[name] = (block.id, scale.id)
                columns[name] = Column(name, label, "number", measure="scale")
    return Layout(tuple(columns.values()), items, multiple, scores, texts, conditional)


def _has_conditions(questionnaire) -> bool:
    return any(
        getattr(block, "relevant", None)
        or any(getattr(g, "relevant", None) for g in getattr(block, "groups", ()))
        or any(getattr(item, "relevant", None) for item in block.items)
        for block in questionnaire.blocks
    )


def _conditional(item, block) -> bool:
    """Whether the item, its block or one of the block's groups is asked only if..."""
    groups = getattr(block, "groups", ())
    return bool(
        getattr(item, "relevant", None)
        or getattr(block, "relevant", None)
        or (getattr(item, "group", None) and any(getattr(g, "relevant", None) for g in groups))
    )


def _missing_options(item, block) -> tuple:
    """The item's declared missing codes (surveys Options), else its instrument's."""
    if item.type not in ("likert", "single_choice", "yes_no", "number", "year"):
        return ()
    found = getattr(block, "missing_for", None)  # the item's own, else its instrument's
    if found is not None:
        return tuple(found(item))
    return tuple(getattr(item, "missing", ()) or ())


def _item_column(item, block, text: str, language: str, scored: bool, declares: bool) -> Column:
    """A choice, number or year item: ordinal when its options are ordered (a Likert item or
    one a scale adds up), nominal otherwise; whole-number answers without decimals; declared
    missing codes as user-missing with their labels."""
    declared = {int(o.value): _pick(o.labels, language) for o in _missing_options(item, block)}
    missing = tuple(declared)
    if item.type in ("year", "number"):
        whole = item.type == "year" or bool(getattr(item, "integer", False))
        digits = len(str(int(max(abs(item.min or 0), abs(item.max or 0), *declared, 0))))
        return Column(
            item.id,
            text,
            "number",
            declared,
            measure="scale",
            missing=missing,
            spss_format=("F4.0" if item.type == "year" else f"F{digits + 1}.0") if whole else None,
            bounds=(item.min, item.max) if item.min is not None and item.max is not None else None,
        )
    labels = {o.value: _pick(o.labels, language) for o in item.options}
    values = sorted(labels)
    if not declared and not declares and not scored:
        missing = tuple(v for v in values if v in MISSING_CODES and v - 1 not in values)
    labels |= declared
    width = max(len(str(v)) for v in labels)  # options are never empty (surveys.schema)
    return Column(
        item.id,
        text,
        "number",
        labels,
        measure="ordinal" if item.type == "likert" or scored else "nominal",
        missing=missing,
        spss_format=f"F{width}.0",
        choice=True,
    )


def _pick(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("nl") or texts.get("en") or ""


def translator(language: str) -> Callable[[str], str]:
    """The export's own words (its fixed columns' labels, the codebook's) in ``language``."""
    from evalsys.jobs.run import in_words  # the jobs' localizer, made once per language

    return lambda message: in_words(language, message)
