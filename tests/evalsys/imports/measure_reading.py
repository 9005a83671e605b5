"""Read spreadsheets as an import does, in a process of their own: peak memory and time, as JSON.

Run by tests/evalsys/imports/test_hostile_files.py as
``python measure_reading.py LIMITS_JSON PATH...``; prints one JSON object per file. Before each
file the process's peak resident size is reset (``/proc/self/clear_refs``), so each file's
``extra_kb`` is its own: the peak while reading it less the resident size just before.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def read(path: Path, limits) -> dict:
    from evalsys.imports.problems import FileProblem
    from evalsys.imports.spreadsheets import SpreadsheetError, kind_of, open_table

    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
    idle = status_kb("VmRSS")
    start = time.perf_counter()
    outcome: dict = {"file": path.name}
    try:
        table = open_table(path, kind_of(path.name, path), limits)
        outcome["rows"] = sum(1 for _ in table.rows())
    except (SpreadsheetError, FileProblem) as error:
        outcome["msgid"] = str(error.problem)
        outcome["mapping"] = dict(error.problem.mapping or {})
        outcome["message"] = error.problem.interpolate()
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    outcome["extra_kb"] = status_kb("VmHWM") - idle
    return outcome


def main(argv: list[str]) -> None:
    import openpyxl  # noqa: F401 (loaded before the first file, as in a running worker)

    from evalsys.imports.limits import ImportLimits

    limits = ImportLimits(**json.loads(argv[0]))
    for name in argv[1:]:
        print(json.dumps(read(Path(name), limits)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
