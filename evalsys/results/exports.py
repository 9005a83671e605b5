"""Pseudonymised, statistics-ready exports of an intervention's responses: CSV, XLSX, SPSS .sav.

One row per current response (long) or per participant (wide). Columns: the participant code
(never a name), site, group, wave, date of submission (no time of day), mode, language, quality
flags, every item answer and every scale score. Free-text answers are left out unless asked
for: people write names and other identifying details in them.

Text cells that a spreadsheet would read as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe in CSV and XLSX (OWASP, "CSV Injection"); numbers stay numbers.
The rule is :func:`evalsys.spreadsheet_cells.neutralise`, shared with the import's error report.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from evalsys.collection.models import Participant, Response, Score
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
class Column:
    """One exported variable: its name, label, type and (for choice items) value labels."""

    name: str
    label: str
    kind: str  # "string" or "number"
    value_labels: dict[int, str] = field(default_factory=dict)
    per_wave: bool = True  # in the wide layout: one column per wave (False: once per person)


META_COLUMNS = (
    Column("participant", "Participant code (pseudonym)", "string", per_wave=False),
    Column("site", "Site", "string", per_wave=False),
    Column("group", "Group (intervention or comparison)", "string", per_wave=False),
    Column("wave", "Measurement wave", "string"),
    Column("submitted_on", "Date of submission (YYYY-MM-DD)", "string"),
    Column("mode", "How the answers came in (web, paper, import, api)", "string"),
    Column("language", "Language of the questionnaire", "string"),
    Column("duration_seconds", "Time taken to answer (seconds)", "number"),
    Column("quality_flags", "Data-quality flags (instrument:flag; separated by ;)", "string"),
)


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
    """The export's columns, from every questionnaire version (items in questionnaire order)."""
    columns: dict[str, Column] = {c.name: c for c in META_COLUMNS}
    items, multiple, scores, texts = {}, {}, {}, []
    for row in intervention.questionnaires:
        questionnaire = questionnaires.load(row)
        for block in questionnaire.blocks:
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
                        columns[name] = Column(name, label, "number", {0: "no", 1: "yes"})
                else:
                    labels = {o.value: _pick(o.labels, language) for o in item.options}
                    items[item.id] = item
                    columns[item.id] = Column(item.id, text, "number", labels)
            for scale in block.scales:
                name = score_column(block.id, scale.id)
                title = _pick(scale.title, language) or scale.id
                label = f"{_pick(block.title, language)}: {title} ({scale.method})"
                scores[name] = (block.id, scale.id)
                columns[name] = Column(name, label, "number")
    return Layout(tuple(columns.values()), items, multiple, scores, tuple(dict.fromkeys(texts)))


def _pick(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("nl") or texts.get("en") or ""


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
        .where(Response.intervention_id == intervention.id, Response.superseded_at.is_(None))
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
        "submitted_on": row.submitted_at.date().isoformat(),
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
        Column(f"{c.name}_{w}", f"{c.label} [{w}]", c.kind, c.value_labels)
        for w in waves
        for c in plan.columns
        if c.per_wave and c.name != "wave"
    ]
    return tuple(fixed + varying)


def csv_chunks(rows: Iterable[dict], columns: tuple[Column, ...], *, every: int = 500):
    """CSV as UTF-8 byte chunks, with a BOM so Excel reads accents; formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [c.name for c in columns]
    writer.writerow(names)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(row.get(name)) for name in names])
        if count % every == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return neutralise(value)


def codebook_rows(columns: tuple[Column, ...]) -> Iterator[tuple[str, str, str, str]]:
    """(variable, label, type, value labels) per column, value labels as ``1 = ...; 2 = ...``."""
    for column in columns:
        labels = "; ".join(f"{value} = {text}" for value, text in column.value_labels.items())
        yield column.name, column.label, column.kind, labels


def write_xlsx(
    rows: Iterable[dict],
    columns: tuple[Column, ...],
    path: str,
    *,
    progress: Callable[[int], None] | None = None,
    changes: Iterable[dict] | None = None,
) -> int:
    """A workbook with a "data" and a "codebook" sheet, written in openpyxl's streaming mode;
    with ``changes`` (evalsys.collection.change_log) a "changes" sheet as well."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    names = [c.name for c in columns]
    data.append(names)
    count = 0
    for count, row in enumerate(rows, 1):
        data.append([neutralise(row.get(name)) for name in names])
        if progress is not None and count % CHUNK == 0:
            progress(count)
    codebook = book.create_sheet("codebook")
    codebook.append(["variable", "label", "type", "value labels"])
    for entry in codebook_rows(columns):
        codebook.append([neutralise(cell) for cell in entry])
    if changes is not None:
        from evalsys.collection.change_log import CHANGE_LOG_COLUMNS

        log = book.create_sheet("changes")
        log.append(list(CHANGE_LOG_COLUMNS))
        for change in changes:
            log.append([neutralise(change[name]) for name in CHANGE_LOG_COLUMNS])
    book.save(path)
    return count


def write_sav(rows: Iterable[dict], columns: tuple[Column, ...], path: str) -> int:
    """An SPSS file with variable and value labels (pyreadstat).

    pyreadstat writes from a pandas DataFrame, so the whole export is held in memory once: about
    8 bytes per numeric cell, e.g. 1,000,000 responses x 40 variables is roughly 320 MB.
    """
    import pandas as pd
    import pyreadstat

    names = [c.name for c in columns]
    frame = pd.DataFrame.from_records(list(rows), columns=names)
    for column in columns:
        if column.kind == "number":
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").astype(float)
        else:
            frame[column.name] = frame[column.name].fillna("").astype(str)
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={c.name: c.label[:256] for c in columns},
        variable_value_labels={
            c.name: {float(v): t for v, t in c.value_labels.items()}
            for c in columns
            if c.value_labels
        },
    )
    return len(frame)


def count_responses(dbsession, intervention: Intervention) -> int:
    """How many current responses an export of the intervention holds (for a progress bar)."""
    from sqlalchemy import func

    query = select(func.count(Response.id)).where(
        Response.intervention_id == intervention.id, Response.superseded_at.is_(None)
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
