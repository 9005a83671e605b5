"""A legitimate import stays within the memory bound (issue 19, part 3.4: at most +100 MB over
idle for any file within the upload limit), on the test's database.

Each import runs in a fresh process (measure_import.py), so its peak is its own. A file at the
row limit (200,000 rows) would take a minute or more here, so two smaller files are imported
and the growth per row is extrapolated to the limit: the fixed part (a chunk's rows, frames
and statements) and what grows with the file (the keys of the rows seen) both stay inside.
Before the fix, 100,000 rows took +145 MB (a dict of every code and key, and on SQLite the
driver's cache of statements with thousands of literal values); bench/bench_import.py measures
100,000 rows on both databases.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from evalsys.imports.limits import ImportLimits

MEASURE = Path(__file__).with_name("measure_import.py")
BUDGET_KB = 100 * 1024
SMALL, LARGE = 10_000, 40_000


def imported(url: str, rows: int) -> dict:
    done = subprocess.run(
        [sys.executable, str(MEASURE), url, str(rows)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_import_at_the_row_limit_stays_within_100_mb(app_settings, dbengine, capsys):
    url = dbengine.url.render_as_string(hide_password=False)
    small, large = imported(url, SMALL), imported(url, LARGE)
    for outcome in (small, large):
        assert outcome["errors"] == 0 and outcome["stored"] == outcome["rows"], outcome
    per_row = max(0.0, (large["extra_kb"] - small["extra_kb"]) / (LARGE - SMALL))
    at_limit = large["extra_kb"] + per_row * (ImportLimits().max_rows - LARGE)
    with capsys.disabled():
        print(
            f"\n  import +{small['extra_kb'] / 1024:.1f} MB at {SMALL} rows, "
            f"+{large['extra_kb'] / 1024:.1f} MB at {LARGE}: "
            f"+{at_limit / 1024:.1f} MB at {ImportLimits().max_rows} rows"
        )
    assert large["extra_kb"] <= BUDGET_KB
    assert at_limit <= BUDGET_KB
