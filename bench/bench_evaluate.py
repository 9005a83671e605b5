"""Benchmark analysis.evaluate() on a synthetic national dataset (a script, not a test).

Usage::

    .venv/bin/python bench/bench_evaluate.py                 # 10k, 100k, 1M participants
    .venv/bin/python bench/bench_evaluate.py --sizes 10000   # just one size

Each size runs in its own subprocess so that its peak memory (max RSS) is its own. The
data: 20 NPLV sites, 3 scales (one where lower is better), 3 waves (T0, T1, T2), 60 %
intervention and 40 % comparison at every site, 15 % dropout before T1 and 15 % more
before T2, and 3 % of the remaining scores missing. Prints a table and writes
bench/results/evaluate.json. Targets (2 cores): < 5 s at 100k, < 60 s at 1M, < 4 GB.
Wall-clock time depends on what else runs on the machine; the CPU time of the process and
the load average are recorded too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import ScaleInfo, disclose, evaluate  # noqa: E402

SITES = [
    "Leeuwarden-Oost", "Groningen Noord", "Arnhem Oost", "Heerlen Noord", "Breda Noord",
    "Eindhoven Woensel-Zuid", "Tilburg Noordwest", "Schiedam Nieuwland-Oost", "Rotterdam-Zuid",
    "Den Haag Zuidwest", "Amsterdam Zuidoost", "Amsterdam Nieuw-West", "Zaandam Oost",
    "Lelystad Oost", "Utrecht Overvecht", "Nieuwegein Centrale-As", "Vlaardingen West",
    "Delft West", "Dordrecht West", "Roosendaal-stad",
]  # fmt: skip

SCALES = {
    "brs": ScaleInfo("Brief Resilience Scale", True, 0.7, 0.8, cutoff=3.0),
    "gse": ScaleInfo("General Self-Efficacy Scale", True, 5.0, 0.85),
    "loneliness": ScaleInfo("De Jong Gierveld loneliness (6 items)", False, 1.6, 0.7, cutoff=2.0),
}
# (baseline mean, SD, change per wave in the intervention group in SD units)
PARAMETERS = {"brs": (3.2, 0.7, 0.25), "gse": (28.0, 5.0, 0.2), "loneliness": (2.5, 1.6, -0.15)}
WAVES = ["T0", "T1", "T2"]


def synthetic_scores(n_participants: int, seed: int = 2026) -> pd.DataFrame:
    """A long score table like the one evalsys loads from the database."""
    rng = np.random.default_rng(seed)
    participant = np.arange(n_participants, dtype=np.int64)
    site = rng.integers(0, len(SITES), n_participants)
    comparison = rng.random(n_participants) < 0.4
    # dropout: 15 % before T1, another 15 % of the rest before T2
    last_wave = np.full(n_participants, 2)
    last_wave[rng.random(n_participants) < 0.15] = 0
    last_wave[(last_wave == 2) & (rng.random(n_participants) < 0.15)] = 1
    site_shift = rng.normal(0, 0.2, len(SITES))
    frames = []
    for scale, (mean, sd, change) in PARAMETERS.items():
        person = rng.normal(0, 0.8, n_participants)
        for w in range(len(WAVES)):
            present = (last_wave >= w) & (rng.random(n_participants) > 0.03)
            effect = np.where(comparison, 0.3 * change, change) * w
            score = mean + sd * (
                person + site_shift[site] + effect + rng.normal(0, 0.6, n_participants)
            )
            frames.append(
                pd.DataFrame(
                    {
                        "participant": participant[present],
                        "site": site[present],
                        "group": np.where(comparison[present], 1, 0),
                        "wave": w,
                        "scale": scale,
                        "score": score[present],
                    }
                )
            )
    scores = pd.concat(frames, ignore_index=True)
    scores["site"] = pd.Categorical.from_codes(scores["site"], SITES)
    scores["group"] = pd.Categorical.from_codes(scores["group"], ["intervention", "comparison"])
    scores["wave"] = pd.Categorical.from_codes(scores["wave"], WAVES)
    scores["scale"] = scores["scale"].astype("category")
    return scores


def run_one(n_participants: int) -> dict:
    scores = synthetic_scores(n_participants)
    start, cpu = time.perf_counter(), time.process_time()
    result = evaluate(scores, "pre_post_comparison", SCALES, waves=WAVES)
    evaluate_seconds = time.perf_counter() - start
    evaluate_cpu_seconds = time.process_time() - cpu
    start = time.perf_counter()
    public = disclose(result, min_cell=10)
    disclose_seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "participants": n_participants,
        "rows": len(scores),
        "evaluate_seconds": evaluate_seconds,
        "evaluate_cpu_seconds": evaluate_cpu_seconds,
        "disclose_seconds": disclose_seconds,
        "peak_memory_mb": peak_kib / 1024,
        "mixed_model_fitted": not result.mixed_model.empty,
        "claim": result.claim.level,
        "suppressed_rows": len(public.suppressed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_one(args.worker)))
        return
    rows = []
    load_before = os.getloadavg()
    for size in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    header = (
        f"{'participants':>12} {'rows':>10} {'evaluate s':>11} {'(cpu s)':>8} "
        f"{'disclose s':>11} {'peak MB':>9}"
    )
    print(header)
    for row in rows:
        print(
            f"{row['participants']:>12,} {row['rows']:>10,} {row['evaluate_seconds']:>11.2f} "
            f"{row['evaluate_cpu_seconds']:>8.2f} {row['disclose_seconds']:>11.2f} "
            f"{row['peak_memory_mb']:>9.0f}"
        )
    out = ROOT / "bench" / "results" / "evaluate.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": {
                    "python": platform.python_version(),
                    "cpus": _cpus(),
                    "load_average_before": load_before,
                },
                "results": rows,
            },
            indent=2,
        )
    )
    print(f"written to {out.relative_to(ROOT)}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
