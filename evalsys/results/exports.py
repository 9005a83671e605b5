"""Pseudonymised, statistics-ready exports of an intervention's responses: CSV, XLSX, SPSS
.sav, Stata .dta, R and SPSS syntax (each a CSV with a script that reads it).

One row per current response (long) or per participant (wide). Columns: the participant code
(never a name), site, group, wave, date of submission (no time of day), mode, language, quality
flags, every item answer and every scale score, named by evalsys.results.export_names' rule
(evalsys.results.export_layout). Free-text answers are left out unless asked for: people write
names and other identifying details in them. An item a response was not asked (its condition
did not hold) is NOT_APPLICABLE in the rows: empty in CSV, a code of its own in .sav and .dta.

CSV comes in two styles (CSV_STYLES): ``excel_nl``, what a Dutch Excel opens in columns (``;``
between cells, a decimal comma, as the import template), and ``international`` (``,`` and a
decimal point, as R's read_csv and most tools expect); the default follows the language.

Text cells that a spreadsheet would read as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe in CSV (OWASP, "CSV Injection"); in XLSX they are string
cells, their value unchanged. Numbers stay numbers, dates are dates in XLSX and .sav. The rules
are in :mod:`evalsys.spreadsheet_cells`, shared with the import's error report. The XLSX and
.sav files are written by evalsys.results.export_sheets, .dta by export_stata, R by export_r,
the SPSS syntax by export_spss_syntax.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from sqlalchemy import select

from evalsys.collection.models import Participant, Response, Score
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.results.export_layout import (  # noqa: F401 - the exports' names, kept here
    META_COLUMNS,
    MISSING_CODES,
    RESERVED,
    Column,
    Layout,
    dummy_column,
    layout,
    score_column,
    translator,
)
from evalsys.results.export_names import Names
from evalsys.spreadsheet_cells import neutralise

FORMATS = (
    "csv_long",
    "csv_wide",
    "xlsx",
    "sav",
    "sav_wide",
    "dta",
    "dta_wide",
    "r",
    "r_wide",
    "sps",
    "sps_wide",
)
MEDIA_TYPES = {
    "csv_long": "text/csv; charset=utf-8",
    "csv_wide": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "sav_wide": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "dta_wide": "application/x-stata-dta",
    "r": "application/zip",
    "r_wide": "application/zip",
    "sps": "application/zip",
    "sps_wide": "application/zip",
}
EXTENSIONS = {
    "csv_long": "csv",
    "csv_wide": "csv",
    "xlsx": "xlsx",
    "sav": "sav",
    "sav_wide": "sav",
    "dta": "dta",
    "dta_wide": "dta",
    "r": "zip",
    "r_wide": "zip",
    "sps": "zip",
    "sps_wide": "zip",
}
WIDE_FORMATS = frozenset({"csv_wide", "sav_wide", "dta_wide", "r_wide", "sps_wide"})
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
            Response.questionnaire_id,
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


class NotApplicable:
    """The cell of an item that a response was not asked (its condition did not hold):
    empty in CSV and XLSX, a user-missing code in SPSS, ``.n`` in Stata."""

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE = NotApplicable()


def _record(row, scores: dict, plan: Layout) -> dict:
    answers = row.answers or {}
    record = {
        "participant_code": row.code,
        "site": row.slug,
        "group": row.group_name,
        "wave": row.label,
        "submitted_on": row.submitted_at.date(),
        "mode": row.mode,
        "language": row.language,
        "duration_seconds": row.duration_seconds,
        "quality_flags": ";".join(row.quality_flags or ()),
    }
    questionnaire = plan.conditional.get(row.questionnaire_id)
    hidden = _not_applicable(questionnaire, answers) if questionnaire is not None else ()
    for name, item in plan.items.items():
        record[name] = NOT_APPLICABLE if item.id in hidden else _number(answers.get(item.id))
    for name, (item_id, value) in plan.multiple.items():
        chosen = answers.get(item_id)
        if item_id in hidden:
            record[name] = NOT_APPLICABLE
        else:
            record[name] = None if not isinstance(chosen, list) else int(value in chosen)
    for name, item_id in plan.texts.items():
        text = answers.get(item_id)
        record[name] = None if text in (None, "") else str(text)
    for name, key in plan.scores.items():
        record[name] = scores.get(key)
    return record


def _not_applicable(questionnaire, answers: dict) -> frozenset[str]:
    """The item ids this response was not asked (surveys' Questionnaire.not_applicable)."""
    found = getattr(questionnaire, "not_applicable", None)
    return found(answers) if found is not None else frozenset()


def _number(value) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    return None


def wide_names(plan: Layout, waves: list[str]) -> dict[tuple[str, str], str]:
    """(column, wave) -> its wide name ``<column>_<wave>``, unique (export_names' rule)."""
    names = Names(c.name for c in plan.columns if not c.per_wave)
    return {
        (c.name, w): names.take(f"{c.name}_{w}")
        for w in waves
        for c in plan.columns
        if c.per_wave and c.name != "wave"
    }


def wide(records_by_participant: Iterable[dict], plan: Layout, waves: list[str]) -> Iterator[dict]:
    """Regroup long records (ordered by participant) to one dict per participant."""
    named = wide_names(plan, waves)
    current: dict | None = None
    for record in records_by_participant:
        if current is None or current["participant_code"] != record["participant_code"]:
            if current is not None:
                yield current
            current = {c.name: record[c.name] for c in plan.columns if not c.per_wave}
        wave = record["wave"]
        for column in plan.columns:
            if column.per_wave and column.name != "wave":
                current[named[(column.name, wave)]] = record[column.name]
    if current is not None:
        yield current


def wide_columns(plan: Layout, waves: list[str]) -> tuple[Column, ...]:
    named = wide_names(plan, waves)
    fixed = [c for c in plan.columns if not c.per_wave]
    varying = [
        replace(c, name=named[(c.name, w)], label=f"{c.label} [{w}]")
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
    if value is None or value is NOT_APPLICABLE:
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
    """The rows and columns of an export format: wide for WIDE_FORMATS, else long."""
    if fmt in WIDE_FORMATS:
        waves = [w.label for w in intervention.waves]
        rows = records(dbsession, intervention, plan, by_participant=True)
        return wide(rows, plan, waves), wide_columns(plan, waves)
    return records(dbsession, intervention, plan), plan.columns


def counted(rows: Iterable[dict], progress: Callable[[int], None] | None) -> Iterator[dict]:
    for count, row in enumerate(rows, 1):
        if progress is not None and count % CHUNK == 0:
            progress(count)
        yield row
