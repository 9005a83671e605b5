"""Benchmark the PDF report: 20 sites x 3 scales x 3 waves (a script, not a test).

Usage::

    .venv/bin/python bench/bench_report.py              # 5 runs of each report
    .venv/bin/python bench/bench_report.py --repeat 3

The data come from analysis.report.sample (synthetic, fixed seed): 20 sites of 60
participants (one site of 7, so suppression is exercised), intervention and comparison
group, 3 scales, 3 waves, about 12 % dropout per wave. evaluate() and disclose() run once
before the clock starts; the benchmark times build_report() (Dutch and English) and
build_programme_report() for three interventions. Target on 2 cores: under 3 s per report.
Prints a table and writes bench/results/report.json. Wall-clock time depends on what else
runs on the machine; the process CPU time and the load average are recorded too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from analysis.report import build_programme_report, build_report  # noqa: E402
from analysis.report.sample import sample_report_inputs  # noqa: E402

TARGET_SECONDS = 3.0


def _time(function, repeat: int) -> tuple[list[float], list[float], bytes]:
    walls, cpus, pdf = [], [], b""
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    meta, _, public = sample_report_inputs(sites=20, scales=3, waves=3, per_site=60)
    prepare = time.perf_counter() - start
    build_report(public, meta)  # warm up: fonts, imports
    cases = {
        "report_nl": lambda: build_report(public, meta, language="nl"),
        "report_en": lambda: build_report(public, meta, language="en"),
        "programme_3": lambda: build_programme_report([(meta, public)] * 3),
    }
    rows = []
    for name, function in cases.items():
        walls, cpus, pdf = _time(function, args.repeat)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        rows.append(
            {
                "case": name,
                "runs": args.repeat,
                "wall_median_s": round(statistics.median(walls), 3),
                "wall_min_s": round(min(walls), 3),
                "cpu_median_s": round(statistics.median(cpus), 3),
                "pages": pages,
                "bytes": len(pdf),
                "under_target": statistics.median(walls) < TARGET_SECONDS,
            }
        )
    print(f"evaluate + disclose (not timed below): {prepare:.2f} s")
    print(f"{'case':<14}{'median s':>10}{'min s':>8}{'cpu s':>8}{'pages':>7}{'KiB':>8}  target")
    for row in rows:
        print(
            f"{row['case']:<14}{row['wall_median_s']:>10.3f}{row['wall_min_s']:>8.3f}"
            f"{row['cpu_median_s']:>8.3f}{row['pages']:>7}{row['bytes'] / 1024:>8.0f}  "
            f"{'< 3 s' if row['under_target'] else 'OVER 3 s'}"
        )
    out = ROOT / "bench" / "results" / "report.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "what": "build_report for 20 sites x 3 scales x 3 waves (synthetic, seed 2026)",
                "target_seconds": TARGET_SECONDS,
                "prepare_seconds": round(prepare, 3),
                "results": rows,
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                },
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
