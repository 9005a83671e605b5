"""Pseudonymised, statistics-ready exports of an intervention's responses: CSV, XLSX, SPSS .sav.

One row per current response (long) or per participant (wide). Columns: the participant code
(never a name), site, group, wave, date of submission (no time of day), mode, language, quality
flags, every item answer and every scale score. Free-text answers are left out unless asked
for: people write names and other identifying details in them.

CSV comes in two styles (CSV_STYLES): ``excel_nl``, what a Dutch Excel opens in columns (``;``
between cells, a decimal comma, as the import template), and ``international`` (``,`` and a
decimal point, as R's read_csv and most tools expect); the default follows the language.

Text cells that a spreadsheet would read as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe in CSV (OWASP, "CSV Injection"); in XLSX they are string
cells, their value unchanged. Numbers stay numbers, dates are dates in XLSX and .sav. The rules
are in :mod:`evalsys.spreadsheet_cells`, shared with the import's error report. The XLSX and
.sav files are written by evalsys.results.export_sheets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from evalsys.collection.models import Participant, Response, Score
from evalsys.i18n import _
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.spreadsheet_cells import neutralise

FORMATS = ("csv_long", "csv_wide", "xlsx", "sav")
MEDIA_TYPES = {
    "csv_long": "text/csv; charset=utf-8",
    "csv_wide": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}
EXTENSIONS = {"csv_long": "csv", "csv_wide": "csv", "xlsx": "xlsx", "sav": "sav"}
CHUNK = 2000  # responses read per round trip; bounds memory whatever the total


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV file separates its cells and writes the decimals of a number."""

    delimiter: str
    decimal: str


CSV_STYLES = {
    "excel_nl": CsvStyle(";", ","),  # a Dutch Excel's list separator and decimal sign
    "international": CsvStyle(",", "."),
}


def default_csv_style(language: str) -> str:
    """The CSV style a user of ``language`` most likely opens: Dutch Excel for ``nl``."""
    return "excel_nl" if language == "nl" else "international"


@dataclass(frozen=True)
class Column:
    """One exported variable: its name, label, type and (for choice items) value labels, and
    what SPSS is told about it: measurement level, user-missing codes, display format."""

    name: str
    label: str
    kind: str  # "string", "number" or "date"
    value_labels: dict[int, str] = field(default_factory=dict)
    per_wave: bool = True  # in the wide layout: one column per wave (False: once per person)
    measure: str = "nominal"  # "nominal", "ordinal" or "scale"
    missing: tuple[int, ...] = ()  # answer codes that mean "no answer" (SPSS user-missing)
    spss_format: str | None = None  # e.g. "F1.0": whole numbers; None: SPSS's default (F8.2)


# Labels are translated into the export's language by layout().
META_COLUMNS = (
    Column("participant", _("Participant code (pseudonym)"), "string", per_wave=False),
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
YES_NO_LABELS = {0: _("no"), 1: _("yes")}  # a multiple-choice option: not chosen, chosen
# A "prefer not to say" or "don't know" option is coded 9, 99 or 999 after a gap in the
# codes (gender: 1, 2, 3, 9), a common convention for survey data in SPSS.
MISSING_CODES = (9, 99, 999)


@dataclass(frozen=True)
class Layout:
    """The columns of an export and how to fill them from one response."""

    columns: tuple[Column, ...]
    items: dict[str, object]  # column name -> surveys Item (choice and number items)
    multiple: dict[str, tuple[str, int]]  # column name -> (item id, option value) dummies
    scores: dict[str, tuple[str, str]]  # column name -> (instrument id, scale id)
    texts: tuple[str, ...]  # free-text item ids included


def score_column(instrument_id: str, scale_id: str) -> str:
    """``score_<instrument>`` or ``score_<instrument>_<scale>``: valid SPSS and R names."""
    suffix = "" if scale_id == instrument_id else f"_{scale_id}"
    return f"score_{instrument_id}{suffix}".replace(".", "_").replace("-", "_")


def layout(intervention: Intervention, *, language: str = "nl", free_text: bool = False) -> Layout:
    """The export's columns, from every questionnaire version (items in questionnaire order),
    labelled in ``language``."""
    words = translator(language)
    columns: dict[str, Column] = {c.name: replace(c, label=words(c.label)) for c in META_COLUMNS}
    yes_no = {value: words(text) for value, text in YES_NO_LABELS.items()}
    items, multiple, scores, texts = {}, {}, {}, []
    for row in intervention.questionnaires:
        questionnaire = questionnaires.load(row)
        for block in questionnaire.blocks:
            scored = {item_id for scale in block.scales for item_id in scale.items}
            for item in block.items:
                text = _pick(item.text, language)
                if item.type == "text":
                    if free_text:
                        texts.append(item.id)
                        columns[item.id] = Column(item.id, text, "string")
                elif item.type == "multiple_choice":
                    for option in item.options:
                        name = f"{item.id}_{option.value}"
                        label = f"{text}: {_pick(option.labels, language)}"
                        multiple[name] = (item.id, option.value)
                        columns[name] = Column(name, label, "number", yes_no, spss_format="F1.0")
                else:
                    items[item.id] = item
                    columns[item.id] = _item_column(item, text, language, item.id in scored)
            for scale in block.scales:
                name = score_column(block.id, scale.id)
                title = _pick(scale.title, language) or scale.id
                label = f"{_pick(block.title, language)}: {title} ({scale.method})"
                scores[name] = (block.id, scale.id)
                columns[name] = Column(name, label, "number", measure="scale")
    return Layout(tuple(columns.values()), items, multiple, scores, tuple(dict.fromkeys(texts)))


def _item_column(item, text: str, language: str, scored: bool) -> Column:
    """A choice, number or year item: ordinal when its options are ordered (a Likert item or
    one a scale adds up), nominal otherwise; whole-number answers without decimals."""
    if item.type == "year":
        return Column(item.id, text, "number", measure="scale", spss_format="F4.0")
    if item.type == "number":  # answers may have decimals
        return Column(item.id, text, "number", measure="scale")
    labels = {o.value: _pick(o.labels, language) for o in item.options}
    values = sorted(labels)
    width = max(len(str(v)) for v in values)  # options are never empty (surveys.schema)
    missing = (
        () if scored else tuple(v for v in values if v in MISSING_CODES and v - 1 not in values)
    )
    return Column(
        item.id,
        text,
        "number",
        labels,
        measure="ordinal" if item.type == "likert" or scored else "nominal",
        missing=missing,
        spss_format=f"F{width}.0",
    )


def _pick(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("nl") or texts.get("en") or ""


def translator(language: str) -> Callable[[str], str]:
    """The export's own words (its fixed columns' labels, the codebook's) in ``language``."""
    from evalsys.jobs.run import in_words  # the jobs' localizer, made once per language

    return lambda message: in_words(language, message)


def records(
    dbsession,
    intervention: Intervention,
    plan: Layout,
    *,
    by_participant: bool = False,
    chunk: int = CHUNK,
) -> Iterator[dict]:
    """One dict per current response, read in chunks (a server-side cursor on PostgreSQL)."""
    query = (
        select(
            Response.id,
            Participant.code,
            Site.slug,
            Participant.group_name,
            Wave.label,
            Response.submitted_at,
            Response.mode,
            Response.language,
            Response.duration_seconds,
            Response.quality_flags,
            Response.answers,
        )
        .join(Participant, Participant.id == Response.participant_id)
        .join(Site, Site.id == Participant.site_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(
            Response.intervention_id == intervention.id,
            Response.superseded_at.is_(None),
            Response.test.is_(False),
        )
        .order_by(*((Participant.code, Wave.position) if by_participant else ()), Response.id)
        .execution_options(stream_results=True, yield_per=chunk)
    )
    result = dbsession.execute(query)
    for rows in result.partitions(chunk):
        scores = _scores(dbsession, [row.id for row in rows])
        for row in rows:
            yield _record(row, scores.get(row.id, {}), plan)


def _scores(dbsession, response_ids: list[int]) -> dict[int, dict[tuple[str, str], float]]:
    found: dict[int, dict[tuple[str, str], float]] = {}
    query = select(Score.response_id, Score.instrument_key, Score.scale, Score.value).where(
        Score.response_id.in_(response_ids)
    )
    for response_id, instrument, scale, value in dbsession.execute(query):
        found.setdefault(response_id, {})[(instrument, scale)] = value
    return found


def _record(row, scores: dict, plan: Layout) -> dict:
    answers = row.answers or {}
    record = {
        "participant": row.code,
        "site": row.slug,
        "group": row.group_name,
        "wave": row.label,
        "submitted_on": row.submitted_at.date(),
        "mode": row.mode,
        "language": row.language,
        "duration_seconds": row.duration_seconds,
        "quality_flags": ";".join(row.quality_flags or ()),
    }
    for name in plan.items:
        record[name] = _number(answers.get(name))
    for name, (item_id, value) in plan.multiple.items():
        chosen = answers.get(item_id)
        record[name] = None if not isinstance(chosen, list) else int(value in chosen)
    for item_id in plan.texts:
        text = answers.get(item_id)
        record[item_id] = None if text in (None, "") else str(text)
    for name, key in plan.scores.items():
        record[name] = scores.get(key)
    return record


def _number(value) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    return None


def wide(records_by_participant: Iterable[dict], plan: Layout, waves: list[str]) -> Iterator[dict]:
    """Regroup long records (ordered by participant) to one dict per participant."""
    current: dict | None = None
    for record in records_by_participant:
        if current is None or current["participant"] != record["participant"]:
            if current is not None:
                yield current
            current = {c.name: record[c.name] for c in plan.columns if not c.per_wave}
        wave = record["wave"]
        for column in plan.columns:
            if column.per_wave and column.name != "wave":
                current[f"{column.name}_{wave}"] = record[column.name]
    if current is not None:
        yield current


def wide_columns(plan: Layout, waves: list[str]) -> tuple[Column, ...]:
    fixed = [c for c in plan.columns if not c.per_wave]
    varying = [
        replace(c, name=f"{c.name}_{w}", label=f"{c.label} [{w}]")
        for w in waves
        for c in plan.columns
        if c.per_wave and c.name != "wave"
    ]
    return tuple(fixed + varying)


def csv_chunks(
    rows: Iterable[dict],
    columns: tuple[Column, ...],
    *,
    style: str = "international",
    every: int = 500,
):
    """CSV as UTF-8 byte chunks, with a BOM so Excel reads accents; formulas neutralised;
    ``style`` one of CSV_STYLES."""
    chosen = CSV_STYLES[style]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=chosen.delimiter, lineterminator="\r\n")
    names = [c.name for c in columns]
    writer.writerow(names)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(row.get(name), chosen.decimal) for name in names])
        if count % every == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _csv_cell(value, decimal: str = "."):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(value).replace(".", decimal)  # as Python prints it: 3.0, 2.3333333333333335
    return neutralise(value)


def count_responses(dbsession, intervention: Intervention) -> int:
    """How many current responses an export of the intervention holds (for a progress bar)."""
    from sqlalchemy import func

    query = select(func.count(Response.id)).where(
        Response.intervention_id == intervention.id,
        Response.superseded_at.is_(None),
        Response.test.is_(False),
    )
    return int(dbsession.execute(query).scalar_one())


def rows_for(
    dbsession, intervention: Intervention, fmt: str, plan: Layout
) -> tuple[Iterator[dict], tuple[Column, ...]]:
    """The rows and columns of an export format: long for all but ``csv_wide``."""
    if fmt == "csv_wide":
        waves = [w.label for w in intervention.waves]
        rows = records(dbsession, intervention, plan, by_participant=True)
        return wide(rows, plan, waves), wide_columns(plan, waves)
    return records(dbsession, intervention, plan), plan.columns


def counted(rows: Iterable[dict], progress: Callable[[int], None] | None) -> Iterator[dict]:
    for count, row in enumerate(rows, 1):
        if progress is not None and count % CHUNK == 0:
            progress(count)
        yield row
