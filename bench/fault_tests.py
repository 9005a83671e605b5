"""Fault tests at full length: kill a worker, and restart PostgreSQL, each under load.

Run: .venv/bin/python bench/fault_tests.py   (needs wrk and PostgreSQL's server binaries)
Writes bench/results/faults.json.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, print_table, write_results  # noqa: E402
from bench.faults import kill_a_worker, restart_the_database  # noqa: E402


def main() -> None:
    results = [
        kill_a_worker(seconds=20, connections=64),
        restart_the_database(seconds=24, connections=64),
    ]
    rows = [
        {**dataclasses.asdict(r), "ok": r.ok, "health_while_down": sorted(set(r.health_while_down))}
        for r in results
    ]
    print_table(
        rows,
        [
            "scenario",
            "seconds",
            "requests_per_second",
            "acknowledged",
            "stored",
            "lost",
            "duplicated",
            "health_while_down",
            "health_after",
            "ok",
        ],
    )
    path = write_results("faults", {"rows": rows})
    print(f"written to {path.relative_to(ROOT)}")
    if not all(r.ok for r in results):
        sys.exit("a fault scenario lost or duplicated submissions")


if __name__ == "__main__":
    main()
