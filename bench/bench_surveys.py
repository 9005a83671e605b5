"""Benchmark: validate and score 100,000 responses of a 30-item questionnaire (target < 2 s).

Run with ``.venv/bin/python bench/bench_surveys.py [n_rows]``. Prints a table and writes
``bench/results/surveys.json``. Not part of the test run.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import surveys

N_ITEMS = 30
TARGET_SECONDS = 2.0


def build_instrument() -> surveys.Instrument:
    """30 likert items (1-5), three 10-item scales with reversed items, prorating and bands."""
    items = [
        {
            "id": f"q{i}",
            "type": "likert",
            "options": "agree5",
            "reverse": i % 3 == 0,
            "text": {"en": f"Statement {i}"},
        }
        for i in range(1, N_ITEMS + 1)
    ]
    scales = [
        {
            "id": f"scale_{k}",
            "items": [f"q{i}" for i in range(10 * k + 1, 10 * k + 11)],
            "method": "sum" if k != 1 else "mean",
            "min_items": 8,
            "range": [10, 50] if k != 1 else [1, 5],
            "bands": [
                {
                    "id": "low",
                    "min": 10 if k != 1 else 1,
                    "max": 24 if k != 1 else 2.49,
                    "label": {"en": "Low"},
                },
                {
                    "id": "high",
                    "min": 25 if k != 1 else 2.5,
                    "max": 50 if k != 1 else 5,
                    "label": {"en": "High"},
                },
            ],
        }
        for k in range(3)
    ]
    return surveys.parse_instrument(
        {
            "id": "bench30",
            "version": "1",
            "title": {"en": "Benchmark"},
            "languages": {"en": "original"},
            "option_sets": {"agree5": [{"value": v, "label": {"en": str(v)}} for v in range(1, 6)]},
            "items": items,
            "scales": scales,
        },
        source="bench",
    )


def build_frame(n_rows: int, seed: int = 1) -> pd.DataFrame:
    """Random answers: 3% missing and 0.5% out-of-option values, as a float frame from a CSV."""
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(n_rows, N_ITEMS)).astype("float64")
    values[rng.random(values.shape) < 0.03] = np.nan
    values[rng.random(values.shape) < 0.005] = 7
    return pd.DataFrame(values, columns=[f"q{i}" for i in range(1, N_ITEMS + 1)])


def timed(func, *args, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main(n_rows: int = 100_000) -> dict:
    instrument = build_instrument()
    df = build_frame(n_rows)
    t_validate, errors = timed(surveys.validate_frame, instrument, df)
    t_score, scores = timed(surveys.score_frame, instrument, df)
    t_quality, _flags = timed(surveys.quality_frame, instrument, df)
    sample = df.head(2_000).to_dict("records")
    start = time.perf_counter()
    for answers in sample:
        instrument.validate(answers)
        instrument.score(answers)
    per_response_rate = len(sample) / (time.perf_counter() - start)
    total = t_validate + t_score
    result = {
        "rows": n_rows,
        "items": N_ITEMS,
        "validate_seconds": round(t_validate, 4),
        "score_seconds": round(t_score, 4),
        "validate_plus_score_seconds": round(total, 4),
        "quality_flags_seconds": round(t_quality, 4),
        "errors_found": int(len(errors)),
        "per_response_loop_rows_per_second": round(per_response_rate),
        "target_seconds": TARGET_SECONDS,
        "meets_target": total < TARGET_SECONDS,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "machine": platform.machine(),
    }
    print(f"{'step':<32}{'seconds':>10}")
    print(f"{'validate_frame':<32}{t_validate:>10.3f}")
    print(f"{'score_frame':<32}{t_score:>10.3f}")
    print(f"{'validate + score':<32}{total:>10.3f}   (target < {TARGET_SECONDS:.1f} s)")
    print(f"{'quality_frame (extra)':<32}{t_quality:>10.3f}")
    print(f"{'per-response loop, rows/s':<32}{per_response_rate:>10.0f}")
    print(
        f"{n_rows} rows x {N_ITEMS} items, {len(errors)} field errors, "
        f"{int(scores['scale_0'].notna().sum())} scale_0 scores"
    )
    out = Path(__file__).parent / "results" / "surveys.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
