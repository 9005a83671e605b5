"""Spreadsheet import: every row is checked first; then all rows are stored, or none.

The file is read twice, a chunk of rows at a time, so 100,000 rows never sit in memory at once:
the first pass validates every row (answers with ``surveys``, codes, waves, duplicates, what the
database already holds), the second stores. Storing is a bulk insert for speed; it stores
exactly what :func:`evalsys.collection.submissions.submit` stores for the same answers (scores,
quality flags, instrument versions), which ``tests/evalsys/test_import.py`` checks. Rows with a
new self-generated participant code go through ``submit()`` itself, one by one, because only it
links a code with one misremembered element to an earlier participant.

Importing is idempotent: a row whose ``submission_id`` is already stored is counted as already
there. A file without ``submission_id`` gets one per row derived from intervention, site, wave
and participant code (UUID version 5), so uploading the same file again stores nothing new.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, insert, select

import surveys
from evalsys.accounts.models import User
from evalsys.collection.cells import cell_text, coerce_cell, items_of
from evalsys.collection.models import GROUPS, Participant, Response, Score
from evalsys.collection.participant_codes import CodeError, clean_code
from evalsys.collection.submissions import (
    Submission,
    SubmissionError,
    normalise_submission_id,
    submit,
)
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.imports.spreadsheets import Table
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site
from surveys.validation import is_missing

META_COLUMNS = ("participant_code", "wave", "group", "language", "submission_id")
OPTIONAL_COLUMNS = ("site",)
REQUIRED_COLUMNS = ("participant_code", "wave")
CHUNK_ROWS = 5000
# Fixed, so the same row always derives the same submission_id (RFC 4122, section 4.3).
SUBMISSION_NAMESPACE = uuid.UUID("6f1f7e0a-3b5c-5d2e-9a47-0c9e8b7d6a51")
_NAMESPACE_BYTES = SUBMISSION_NAMESPACE.bytes
_NUMERIC_TYPES = ("likert", "single_choice", "yes_no", "number", "year")


@dataclass(frozen=True)
class RowError:
    """One problem: row number as the spreadsheet shows it (header = row 1), column, value.

    ``problem`` is a TranslationString, or ``{"en": ..., "nl": ...}`` from ``surveys``.
    """

    row: int
    column: str
    value: str
    problem: Any

    def text(self, translate: Callable[[Any], str] | None = None, language: str = "en") -> str:
        if isinstance(self.problem, dict):
            return self.problem["nl" if language == "nl" else "en"]
        return translate(self.problem) if translate else self.problem.interpolate()


class FileProblem(ValueError):
    """The file as a whole cannot be imported; ``problem`` is a TranslationString."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class ImportResult:
    rows: int = 0
    stored: int = 0
    already_stored: int = 0
    errors: int = 0


@dataclass
class _Meta:
    number: int
    code: str
    wave: Any
    wave_id: int
    group: str
    language: str
    submission_id: str


@dataclass
class _Chunk:
    numbers: list[int]
    metas: list[_Meta | None]
    answers: dict[str, list[Any]]  # item id -> converted cells (None where missing or broken)
    problems: list[RowError] = field(default_factory=list)
    unconvertible: set[tuple[int, str]] = field(default_factory=set)


def derived_submission_id(intervention_id: int, site_id: int, wave_id: int, code: str) -> str:
    """``uuid.uuid5(SUBMISSION_NAMESPACE, name)``, written out because it runs for every row."""
    name = f"{intervention_id}:{site_id}:{wave_id}:{code}".encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5 (RFC 4122, section 4.1.3)
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant (section 4.1.1)
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Importer:
    """Import one file into one site of an intervention."""

    def __init__(
        self,
        dbsession,
        intervention: Intervention,
        site: Site,
        submitted_by: User | None = None,
        chunk_rows: int = CHUNK_ROWS,
    ):
        row = intervention.questionnaire
        if row is None:
            raise FileProblem(_("This intervention has no questionnaire yet. Ask the evaluator."))
        self.dbsession = dbsession
        self.intervention = intervention
        self.site = site
        self.submitted_by = submitted_by
        self.chunk_rows = chunk_rows
        self.questionnaire_row = row
        self.questionnaire = questionnaires.load(row)
        self.items = items_of(self.questionnaire)
        self.waves = {w.label.upper(): w for w in intervention.waves}
        self.wave_labels = ", ".join(w.label for w in intervention.waves)
        self.languages = sorted(
            {lang for block in self.questionnaire.blocks for lang in block.languages} or {"nl"}
        )
        self.participants: dict[str, tuple[int, int]] = {}  # code -> (id, site id)
        self._seen_keys: dict[tuple[str, int], int] = {}  # (code, wave id) -> first row
        self._seen_ids: dict[str, int] = {}  # submission id -> first row
        self._already: set[int] = set()  # rows whose submission id is stored
        self._self_codes = {
            w.id
            for w in intervention.waves
            if (w.settings or {}).get("participant_code") == "self_generated"
        }

    # -- the whole file ---------------------------------------------------------------------

    def check_header(self, header: list[str]) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        missing += [
            item_id
            for item_id, item in self.items.items()
            if item.required and item_id not in header
        ]
        if missing:
            raise FileProblem(
                _(
                    "Required columns are missing: ${columns}. Download the template to see "
                    "all columns.",
                    mapping={"columns": ", ".join(missing)},
                )
            )
        known = set(META_COLUMNS) | set(OPTIONAL_COLUMNS) | set(self.items)
        unknown = [c for c in header if c not in known]
        if unknown:
            raise FileProblem(
                _(
                    "These columns are unknown: ${columns}. Use the column names of the "
                    "template and remove other columns.",
                    mapping={"columns": ", ".join(unknown)},
                )
            )

    def run(self, table: Table, on_error: Callable[[RowError], None]) -> ImportResult:
        """Validate every row (errors go to ``on_error``); store all rows only if none failed."""
        self.check_header(table.header)
        result = ImportResult()
        for chunk in self._chunks(table):
            result.rows += len(chunk.numbers)
            for error in self._check(chunk):
                on_error(error)
                result.errors += 1
        if result.rows == 0:
            raise FileProblem(_("The file has column names but no rows with answers."))
        result.already_stored = len(self._already)
        if result.errors:
            return result
        submitted_at = utcnow()
        for chunk in self._chunks(table):
            result.stored += self._store(chunk, submitted_at)
        return result

    # -- reading ----------------------------------------------------------------------------

    def _chunks(self, table: Table) -> Iterator[_Chunk]:
        positions = {name: i for i, name in enumerate(table.header)}
        batch: list[tuple[int, list[Any]]] = []
        for numbered in table.rows():
            batch.append(numbered)
            if len(batch) >= self.chunk_rows:
                yield self._parse(batch, positions)
                batch = []
        if batch:
            yield self._parse(batch, positions)

    def _parse(self, batch: list[tuple[int, list[Any]]], positions: dict[str, int]) -> _Chunk:
        numbers = [number for number, _cells in batch]

        def column(name: str) -> list[Any]:
            i = positions.get(name)
            if i is None:
                return [None] * len(batch)
            return [cells[i] if i < len(cells) else None for _n, cells in batch]

        chunk = _Chunk(numbers, [], {})
        chunk.metas = self._parse_meta(numbers, column, chunk.problems)
        for item_id, item in self.items.items():
            if item_id in positions:
                chunk.answers[item_id] = self._convert(item, numbers, column(item_id), chunk)
        return chunk

    def _convert(self, item, numbers: list[int], cells: list[Any], chunk: _Chunk) -> list[Any]:
        # Spreadsheet columns repeat a handful of values: convert each distinct cell once.
        converted: dict[tuple[type, Any], tuple[Any, surveys.FieldError | None]] = {}
        out = []
        for number, cell in zip(numbers, cells, strict=True):
            key = (type(cell), cell)
            try:
                value, problem = converted[key]
            except KeyError:
                value, problem = converted[key] = coerce_cell(item, cell)
            except TypeError:  # an unhashable cell
                value, problem = coerce_cell(item, cell)
            if problem is not None:
                chunk.problems.append(
                    RowError(number, item.id, _shown(cell), _field_problem(problem))
                )
                chunk.unconvertible.add((number, item.id))
                value = None
            out.append(value)
        return out

    def _parse_meta(self, numbers, column, problems: list[RowError]) -> list[_Meta | None]:
        codes, waves, groups = column("participant_code"), column("wave"), column("group")
        languages, ids, sites = column("language"), column("submission_id"), column("site")
        out: list[_Meta | None] = []
        intervention_id, site_id = self.intervention.id, self.site.id
        site_names = (self.site.slug.lower(), self.site.name.lower())
        wave_ids = {w.label: w.id for w in self.waves.values()}
        for k, number in enumerate(numbers):
            before = len(problems)

            def problem(name: str, value: str, text) -> None:
                problems.append(RowError(number, name, value, text))  # noqa: B023

            code = cell_text(codes[k])
            if not code:
                problem("participant_code", "", _("Fill in the participant code."))
            else:
                try:
                    code = clean_code(code)
                except CodeError:
                    problem(
                        "participant_code",
                        code,
                        _("A participant code has 2 to 63 letters, digits or dashes, like AB12-7."),
                    )
            label = cell_text(waves[k])
            wave = self.waves.get(label.upper())
            if wave is None:
                problem(
                    "wave",
                    label,
                    _(
                        "Wave ${value} does not exist. Use one of: ${waves}.",
                        mapping={"value": label or "-", "waves": self.wave_labels},
                    ),
                )
            group = cell_text(groups[k]).lower() or "intervention"
            if group not in GROUPS:
                problem(
                    "group",
                    cell_text(groups[k]),
                    _("Group must be intervention or comparison."),
                )
            language = cell_text(languages[k]).lower() or "nl"
            if language not in self.languages:
                problem(
                    "language",
                    cell_text(languages[k]),
                    _(
                        "Language must be one of: ${languages}.",
                        mapping={"languages": ", ".join(self.languages)},
                    ),
                )
            site = cell_text(sites[k])
            if site and site.lower() not in site_names:
                problem(
                    "site",
                    site,
                    _(
                        "This row is for site ${value}, but you are uploading to ${site}. "
                        "Upload it on the page of that site.",
                        mapping={"value": site, "site": self.site.name},
                    ),
                )
            submission_id = cell_text(ids[k])
            if submission_id:
                try:
                    submission_id = normalise_submission_id(submission_id)
                except SubmissionError:
                    problem(
                        "submission_id",
                        submission_id,
                        _(
                            "submission_id must be a UUID such as "
                            "1b4e28ba-2fa1-11d2-883f-0016d3cca427, or leave it empty."
                        ),
                    )
            if len(problems) > before:
                out.append(None)
                continue
            if not submission_id:
                submission_id = derived_submission_id(
                    intervention_id, site_id, wave_ids[wave.label], code
                )
            out.append(
                _Meta(number, code, wave, wave_ids[wave.label], group, language, submission_id)
            )
        return out

    # -- pass 1: checking -------------------------------------------------------------------

    def _check(self, chunk: _Chunk) -> list[RowError]:
        problems = list(chunk.problems)
        problems += self._check_against_database(chunk)
        frame = self._frame(chunk)
        found = self.questionnaire.validate_frame(frame)
        for row, item_id, value, en, nl in zip(
            found["row"],
            found["field"],
            found["value"],
            found["message"],
            found["message_nl"],
            strict=True,
        ):
            if (row, item_id) in chunk.unconvertible:
                continue  # already reported as a cell that cannot be read
            problems.append(RowError(int(row), item_id, _shown(value), {"en": en, "nl": nl}))
        # A row already stored is not stored again, so its answers need no second check.
        problems = [p for p in problems if p.row not in self._already or p.column in META_COLUMNS]
        order = {name: n for n, name in enumerate((*META_COLUMNS, *OPTIONAL_COLUMNS, *self.items))}
        problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
        return problems

    def _check_against_database(self, chunk: _Chunk) -> list[RowError]:
        metas = [m for m in chunk.metas if m is not None]
        if not metas:
            return []
        db = self.dbsession
        stored = {
            sid: (wave_id, intervention_id)
            for sid, wave_id, intervention_id in db.execute(
                select(Response.submission_id, Response.wave_id, Response.intervention_id).where(
                    _one_of(Response.submission_id, {m.submission_id for m in metas})
                )
            )
        }
        unknown_codes = {m.code for m in metas} - set(self.participants)
        if unknown_codes:
            for pid, code, site_id in db.execute(
                select(Participant.id, Participant.code, Participant.site_id).where(
                    Participant.intervention_id == self.intervention.id,
                    _one_of(Participant.code, unknown_codes),
                )
            ):
                self.participants[code] = (pid, site_id)
        known_ids = {self.participants[m.code][0] for m in metas if m.code in self.participants}
        answered = set()
        if known_ids:
            answered = set(
                db.execute(
                    select(Response.participant_id, Response.wave_id).where(
                        _one_of(Response.participant_id, known_ids),
                        Response.superseded_at.is_(None),
                    )
                ).all()
            )
        problems = []
        intervention_id, site_id = self.intervention.id, self.site.id
        for m in metas:

            def problem(name: str, value: str, text) -> None:
                problems.append(RowError(m.number, name, value, text))  # noqa: B023

            key = (m.code, m.wave_id)
            first = self._seen_keys.get(key)
            if first is not None:
                problem(
                    "participant_code",
                    m.code,
                    _(
                        "Participant ${code} is in this file twice for wave ${wave} "
                        "(also in row ${row}). Keep one of the two rows.",
                        mapping={"code": m.code, "wave": m.wave.label, "row": first},
                    ),
                )
                continue
            self._seen_keys[key] = m.number
            first = self._seen_ids.get(m.submission_id)
            if first is not None:
                problem(
                    "submission_id",
                    m.submission_id,
                    _(
                        "Row ${row} has the same submission_id. Every row needs its own "
                        "submission_id, or leave the column empty.",
                        mapping={"row": first},
                    ),
                )
                continue
            self._seen_ids[m.submission_id] = m.number
            if m.submission_id in stored:
                if stored[m.submission_id] != (m.wave_id, intervention_id):
                    problem(
                        "submission_id",
                        m.submission_id,
                        _(
                            "This submission_id was already used for another questionnaire. "
                            "Use a new UUID or leave it empty."
                        ),
                    )
                else:
                    self._already.add(m.number)
                continue
            known = self.participants.get(m.code)
            if known is None:
                continue
            if known[1] != site_id:
                problem(
                    "participant_code",
                    m.code,
                    _(
                        "Participant ${code} belongs to another site. Check the code.",
                        mapping={"code": m.code},
                    ),
                )
            elif (known[0], m.wave_id) in answered:
                problem(
                    "participant_code",
                    m.code,
                    _(
                        "Participant ${code} already answered wave ${wave}. A correction is "
                        "made by the evaluator.",
                        mapping={"code": m.code, "wave": m.wave.label},
                    ),
                )
        return problems

    def _frame(self, chunk: _Chunk, rows: list[int] | None = None) -> pd.DataFrame:
        """Converted answers as a DataFrame indexed by row number; numbers as float columns."""
        if rows is None:
            keep = None
        else:
            position = {number: k for k, number in enumerate(chunk.numbers)}
            keep = [position[n] for n in rows]
        data = {}
        for item_id, values in chunk.answers.items():
            if keep is not None:
                values = [values[k] for k in keep]
            numeric = self.items[item_id].type in _NUMERIC_TYPES and {type(v) for v in values} <= {
                int,
                float,
                type(None),
            }
            if numeric:
                data[item_id] = np.array(
                    [np.nan if v is None else v for v in values], dtype="float64"
                )
            else:
                data[item_id] = np.array(values, dtype=object)
        index = pd.Index(chunk.numbers if rows is None else rows)
        return pd.DataFrame(data, index=index)

    # -- pass 2: storing --------------------------------------------------------------------

    def _store(self, chunk: _Chunk, submitted_at) -> int:
        positions = {number: k for k, number in enumerate(chunk.numbers)}
        metas = [m for m in chunk.metas if m is not None and m.number not in self._already]
        # A new self-generated code may belong to an earlier participant with one element
        # misremembered; submit() decides that, so those rows take the one-by-one path.
        one_by_one = [
            m for m in metas if m.code not in self.participants and m.wave_id in self._self_codes
        ]
        for m in one_by_one:
            self._submit_one(chunk, positions[m.number], m)
        metas = [
            m for m in metas if m.code in self.participants or m.wave_id not in self._self_codes
        ]
        if not metas:
            return len(one_by_one)
        self._create_participants(metas)
        frame = self._frame(chunk, [m.number for m in metas])
        scores = self.questionnaire.score_frame(frame)
        flags = self.questionnaire.quality_frame(frame)
        scales = [
            (
                block.id,
                scale.id,
                scores[f"{block.id}.{scale.id}"].to_numpy(),
                scores[f"{block.id}.{scale.id}__items_answered"].to_numpy(),
                scores[f"{block.id}.{scale.id}__band"].to_numpy(),
            )
            for block in self.questionnaire.blocks
            for scale in block.scales
        ]
        flag_columns = [
            (name.replace(".", ":", 1), flags[name].to_numpy()) for name in flags.columns
        ]
        instruments = {b.id: b.version for b in self.questionnaire.blocks}
        user_id = getattr(self.submitted_by, "id", None)
        intervention_id, questionnaire_id = self.intervention.id, self.questionnaire_row.id
        responses = []
        for k, m in enumerate(metas):
            at = positions[m.number]
            # Converted cells are None when missing (see coerce_cell), never "" or NaN.
            answers = {
                item_id: values[at]
                for item_id, values in chunk.answers.items()
                if values[at] is not None
            }
            responses.append(
                {
                    "submission_id": m.submission_id,
                    "intervention_id": intervention_id,
                    "participant_id": self.participants[m.code][0],
                    "wave_id": m.wave_id,
                    "questionnaire_id": questionnaire_id,
                    "answers": answers,
                    "instruments": instruments,
                    "language": m.language,
                    "mode": "import",
                    "duration_seconds": None,
                    "quality_flags": sorted({name for name, on in flag_columns if on[k]}),
                    "submitted_at": submitted_at,
                    "submitted_by_id": user_id,
                }
            )
        # Core inserts, batched into multi-row INSERT ... RETURNING by SQLAlchemy; rows come
        # back in any order, so they are matched by their unique submission id.
        table = Response.__table__
        returned = dict(
            self.dbsession.execute(
                insert(table).returning(table.c.submission_id, table.c.id), responses
            ).all()
        )
        ids = [returned[r["submission_id"]] for r in responses]
        score_rows = [
            {
                "response_id": response_id,
                "instrument_key": block_id,
                "scale": scale_id,
                "value": None if np.isnan(values[k]) else float(values[k]),
                "items_answered": int(answered[k]),
                "band": bands[k],
            }
            for k, response_id in enumerate(ids)
            for block_id, scale_id, values, answered, bands in scales
        ]
        if score_rows:
            self.dbsession.execute(insert(Score.__table__), score_rows)
        return len(responses) + len(one_by_one)

    def _submit_one(self, chunk: _Chunk, at: int, m: _Meta) -> None:
        answers = {
            item_id: values[at]
            for item_id, values in chunk.answers.items()
            if not is_missing(values[at])
        }
        submit(
            self.dbsession,
            Submission(
                submission_id=m.submission_id,
                intervention=self.intervention,
                site=self.site,
                wave=m.wave,
                participant_code=m.code,
                answers=answers,
                language=m.language,
                mode="import",
                group=m.group,
                submitted_by=self.submitted_by,
                code_elements=True,
            ),
        )

    def _create_participants(self, metas: list[_Meta]) -> None:
        new: dict[str, _Meta] = {}
        for m in metas:
            if m.code not in self.participants and m.code not in new:
                new[m.code] = m
        if not new:
            return
        rows = [
            {
                "intervention_id": self.intervention.id,
                "site_id": self.site.id,
                "code": code,
                "group_name": m.group,
                "created_at": utcnow(),
            }
            for code, m in new.items()
        ]
        table = Participant.__table__
        created = self.dbsession.execute(
            insert(table).returning(table.c.id, table.c.code), rows
        ).all()
        for pid, code in created:
            self.participants[code] = (pid, self.site.id)


def _one_of(column, values):
    """``column IN (...)`` with the values written into the SQL text.

    With bound parameters the driver prepares the statement after a few runs and PostgreSQL may
    keep a generic plan made while the table was still empty: a full scan that compares every row
    with every value, minutes per chunk at 100,000 rows. Literal values give each lookup its own
    plan. The values are checked codes, UUIDs and ids, and are quoted by SQLAlchemy.
    """
    return column.in_(bindparam(column.key, sorted(values), expanding=True, literal_execute=True))


def _shown(value: Any) -> str:
    """A cell as the report shows it: missing is empty, long text is cut."""
    if isinstance(value, list | tuple):
        text = ";".join(map(str, value))
    else:
        text = "" if is_missing(value) else cell_text(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _field_problem(error: surveys.FieldError) -> dict[str, str]:
    return {"en": error.message, "nl": error.message_nl}
