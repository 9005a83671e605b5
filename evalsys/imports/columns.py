"""An import file's columns, and reading its rows a chunk at a time into converted answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import surveys
from evalsys.collection.cells import coerce_cell
from evalsys.i18n import _
from evalsys.imports.problems import FileProblem, RowError, field_problem, shown
from evalsys.imports.spreadsheets import Table

META_COLUMNS = ("participant_code", "wave", "group", "language", "submission_id")
# Columns of an evalsys export (evalsys.results.export_layout) that an import sets itself or
# works out again (scores, named score_...): read past, so an export re-imports.
EXPORT_ONLY_COLUMNS = frozenset({"submitted_on", "mode", "duration_seconds", "quality_flags"})
# The group as a spreadsheet may write it: the stored value or the words the interface shows,
# in either language (Dutch users type what their pages say).
GROUP_WORDS = {
    "intervention": "intervention",
    "intervention group": "intervention",
    "interventie": "intervention",
    "interventiegroep": "intervention",
    "comparison": "comparison",
    "comparison group": "comparison",
    "vergelijking": "comparison",
    "vergelijkingsgroep": "comparison",
}
OPTIONAL_COLUMNS = ("site",)
REQUIRED_COLUMNS = ("participant_code", "wave")
CHUNK_ROWS = 5000
_NUMERIC_TYPES = ("likert", "single_choice", "yes_no", "number", "year")


@dataclass
class RowMeta:
    """A row's checked meta columns: who answered which wave, and its submission id."""

    number: int
    code: str
    wave: Any
    wave_id: int
    group: str
    language: str
    submission_id: str


# Reads the meta columns of a chunk's rows: (row numbers, cells of a column by name, the
# chunk's problems to add to) -> one RowMeta per row, None where the row has a problem.
MetaReader = Callable[[list[int], Callable[[str], list[Any]], list[RowError]], list[RowMeta | None]]


@dataclass
class Chunk:
    """Up to ``chunk_rows`` rows of the file, read."""

    numbers: list[int]
    metas: list[RowMeta | None]
    answers: dict[str, list[Any]]  # item id -> converted cells (None where missing or broken)
    problems: list[RowError] = field(default_factory=list)
    unconvertible: set[tuple[int, str]] = field(default_factory=set)

    def frame(self, items: dict[str, surveys.Item], rows: list[int] | None = None) -> pd.DataFrame:
        """Converted answers as a DataFrame indexed by row number; numbers as float columns."""
        if rows is None:
            keep = None
        else:
            position = {number: k for k, number in enumerate(self.numbers)}
            keep = [position[n] for n in rows]
        data = {}
        for item_id, values in self.answers.items():
            if keep is not None:
                values = [values[k] for k in keep]
            numeric = items[item_id].type in _NUMERIC_TYPES and {type(v) for v in values} <= {
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
        index = pd.Index(self.numbers if rows is None else rows)
        return pd.DataFrame(data, index=index)


def check_header(header: list[str], items: dict[str, surveys.Item]) -> None:
    """Raise :class:`FileProblem` when a required column is missing or a column is unknown."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    missing += [
        item_id for item_id, item in items.items() if item.required and item_id not in header
    ]
    if missing:
        raise FileProblem(
            _(
                "Required columns are missing: ${columns}. Download the template to see "
                "all columns.",
                mapping={"columns": ", ".join(missing)},
            )
        )
    known = set(META_COLUMNS) | set(OPTIONAL_COLUMNS) | set(items) | export_only(header, items)
    unknown = [c for c in header if c not in known]
    if unknown:
        raise FileProblem(
            _(
                "These columns are unknown: ${columns}. Use the column names of the "
                "template and remove other columns.",
                mapping={"columns": ", ".join(unknown)},
            )
        )


def read_chunks(
    table: Table, items: dict[str, surveys.Item], chunk_rows: int, read_meta: MetaReader
) -> Iterator[Chunk]:
    """The table's rows, ``chunk_rows`` at a time, with answers converted and metas read."""
    positions = {name: i for i, name in enumerate(table.header)}
    batch: list[tuple[int, list[Any]]] = []
    for numbered in table.rows():
        batch.append(numbered)
        if len(batch) >= chunk_rows:
            yield _parse(batch, positions, items, read_meta)
            batch = []
    if batch:
        yield _parse(batch, positions, items, read_meta)


def _parse(
    batch: list[tuple[int, list[Any]]],
    positions: dict[str, int],
    items: dict[str, surveys.Item],
    read_meta: MetaReader,
) -> Chunk:
    numbers = [number for number, _cells in batch]

    def column(name: str) -> list[Any]:
        i = positions.get(name)
        if i is None:
            return [None] * len(batch)
        return [cells[i] if i < len(cells) else None for _n, cells in batch]

    chunk = Chunk(numbers, [], {})
    chunk.metas = read_meta(numbers, column, chunk.problems)
    for item_id, item in items.items():
        if item_id in positions:
            chunk.answers[item_id] = _convert(item, numbers, column(item_id), chunk)
    return chunk


def _convert(item, numbers: list[int], cells: list[Any], chunk: Chunk) -> list[Any]:
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
            chunk.problems.append(RowError(number, item.id, shown(cell), field_problem(problem)))
            chunk.unconvertible.add((number, item.id))
            value = None
        out.append(value)
    return out


def export_only(header: list[str], items) -> set[str]:
    """The columns of an evalsys export in ``header`` that an import of these ``items`` reads
    past: the ones it sets itself, and the score columns (scores are worked out again)."""
    return {
        name
        for name in header
        if name not in items and (name in EXPORT_ONLY_COLUMNS or name.startswith("score_"))
    }
