"""Spreadsheet import: every row is checked first; then all rows are stored, or none.

The file is read twice, a chunk of rows at a time, so 100,000 rows never sit in memory at once
(:mod:`~evalsys.imports.columns`): the first pass checks every row (answers with ``surveys``,
codes, waves, duplicates, what the database already holds; :mod:`~evalsys.imports.checking`),
the second stores them, mostly with a bulk insert (:mod:`~evalsys.imports.storing`).

Importing is idempotent: a row whose ``submission_id`` is already stored is counted as already
there. A file without ``submission_id`` gets one per row derived from intervention, site, wave
and participant code (UUID version 5), so uploading the same file again stores nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from evalsys import audit
from evalsys.accounts.models import User
from evalsys.collection.cells import items_of
from evalsys.db.meta import utcnow
from evalsys.i18n import _
from evalsys.imports.checking import RowChecker
from evalsys.imports.columns import CHUNK_ROWS, Chunk, check_header, read_chunks
from evalsys.imports.problems import FileProblem, RowError
from evalsys.imports.spreadsheets import Table
from evalsys.imports.storing import RowStore
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site


@dataclass
class ImportResult:
    rows: int = 0
    stored: int = 0
    already_stored: int = 0
    errors: int = 0


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
        self.chunk_rows = chunk_rows
        questionnaire = questionnaires.load(row)
        self.items = items_of(questionnaire)
        self.checker = RowChecker(dbsession, intervention, site, questionnaire, self.items)
        self.store = RowStore(
            dbsession,
            intervention,
            site,
            row,
            questionnaire,
            self.items,
            self.checker.already,
            submitted_by,
        )

    def run(
        self,
        table: Table,
        on_error: Callable[[RowError], None],
        progress: Callable[[str, int], None] | None = None,
    ) -> ImportResult:
        """Validate every row (errors go to ``on_error``); store all rows only if none failed.

        ``progress("checked", rows)`` and ``progress("stored", rows)`` follow each chunk (a job
        shows them, and may stop the import there: nothing is stored until its end).
        """
        progress = progress or (lambda step, rows: None)
        check_header(table.header, self.items)
        result = ImportResult()
        for chunk in self._chunks(table):
            result.rows += len(chunk.numbers)
            for error in self.checker.check(chunk):
                on_error(error)
                result.errors += 1
            progress("checked", result.rows)
        if result.rows == 0:
            raise FileProblem(_("The file has column names but no rows with answers."))
        result.already_stored = len(self.checker.already)
        if result.errors:
            return result
        submitted_at = utcnow()
        stored_rows = 0
        for chunk in self._chunks(table):
            result.stored += self.store.store(chunk, submitted_at)
            stored_rows += len(chunk.numbers)
            progress("stored", stored_rows)
        return result

    def _chunks(self, table: Table) -> Iterator[Chunk]:
        return read_chunks(table, self.items, self.chunk_rows, self.checker.read_meta)


def record_import(dbsession, result: ImportResult, site: Site, *, actor=None, request=None, **how):
    """The audit event of a stored import (page, job or command; ``how`` says which)."""
    audit.record(
        dbsession,
        "responses_imported",
        actor=actor,
        request=request,
        target_type="site",
        target_id=site.id,
        intervention_id=site.intervention_id,
        site_id=site.id,
        rows=result.rows,
        stored=result.stored,
        already_stored=result.already_stored,
        **how,
    )
