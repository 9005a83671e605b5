"""Where uploads and row-by-row error reports live while a coordinator works with them."""

from __future__ import annotations

import csv
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from evalsys.imports.problems import RowError
from evalsys.settings import work_dir
from evalsys.spreadsheet_cells import neutralise

REPORT_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SHOWN_ERRORS = 200
KEEP_REPORTS_SECONDS = 7 * 24 * 3600


def upload_path(settings: dict, suffix: str) -> Path:
    folder = work_dir(settings) / "uploads"
    folder.mkdir(exist_ok=True, mode=0o700)
    return folder / f"{secrets.token_urlsafe(24)}{suffix}"


def report_path(settings: dict, site_id: int, report_id: str) -> Path | None:
    """The report file of one site, or None when the id is malformed or unknown.

    Reports sit in a folder per site, so an id alone never opens another site's report.
    """
    if not REPORT_ID.match(report_id or ""):
        return None
    path = work_dir(settings) / "reports" / str(int(site_id)) / f"{report_id}.csv"
    return path if path.is_file() else None


class ErrorReport:
    """Writes every row error to a CSV file and keeps the first ones for the page.

    Cells that a spreadsheet would read as a formula are neutralised as in the exports.
    """

    def __init__(
        self,
        settings: dict,
        site_id: int,
        describe: Callable[[RowError], str],
        headings: tuple[str, str, str, str],
        path: Path | None = None,
    ):
        """``path``: where the list goes (a job's result); else the site's folder of reports."""
        self.report_id = secrets.token_urlsafe(24)
        if path is None:
            folder = work_dir(settings) / "reports" / str(int(site_id))
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _remove_old_reports(folder)
            path = folder / f"{self.report_id}.csv"
        self.path = path
        self.describe = describe
        self.headings = headings
        self.shown: list[tuple[RowError, str]] = []
        self.count = 0
        self._file = None
        self._writer = None

    def add(self, error: RowError) -> None:
        if self._writer is None:
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file, delimiter=";")
            self._writer.writerow(self.headings)
        text = self.describe(error)
        # The value is the uploader's own cell, the column name too: either may be a formula.
        self._writer.writerow([neutralise(c) for c in (error.row, error.column, error.value, text)])
        self.count += 1
        if len(self.shown) < SHOWN_ERRORS:
            self.shown.append((error, text))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _remove_old_reports(folder: Path) -> None:
    """Error lists hold participant codes: keep them a week, not for ever."""
    cutoff = time.time() - KEEP_REPORTS_SECONDS
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:  # removed by another worker at the same moment
            pass
