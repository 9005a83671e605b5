"""Benchmark: import a 100,000-row CSV (demographics + BRS + GSE) through the import service.

Run with ``.venv/bin/python bench/bench_import.py [n_rows]``. Each database runs in its own
process, so the peak memory (``ru_maxrss``) belongs to that import alone: a fresh SQLite file,
and PostgreSQL at 127.0.0.1 when it answers (a database of its own, dropped afterwards).
Prints a table and writes ``bench/results/import.json``. Not part of the test run.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("EVALSYS_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1/postgres")
INSTRUMENTS = [("brs", None), ("gse", None)]


def write_csv(path: Path, n_rows: int, seed: int = 1) -> None:
    """Random valid answers: T0 for every participant, demographics partly empty."""
    rng = np.random.default_rng(seed)
    brs = rng.integers(1, 6, size=(n_rows, 6))
    gse = rng.integers(1, 5, size=(n_rows, 10))
    age = rng.integers(1, 10, size=n_rows)
    header = [
        "participant_code",
        "wave",
        "group",
        "language",
        "submission_id",
        "age_band",
        "gender",
        "gender_other",
        "born_in_nl",
    ]
    header += [f"brs_{i}" for i in range(1, 7)] + [f"gse_{i}" for i in range(1, 11)]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(header)
        for n in range(n_rows):
            writer.writerow(
                [
                    f"B{n:06d}",
                    "T0",
                    "intervention" if n % 3 else "comparison",
                    "nl",
                    "",
                    int(age[n]) if n % 4 else "",
                    1 + n % 2,
                    "",
                    n % 2,
                ]
                + brs[n].tolist()
                + gse[n].tolist()
            )


def run_one(url: str, csv_path: str) -> dict:
    """In a fresh process: migrate, create the intervention, import twice (the second stores 0)."""
    import transaction  # noqa: F401  (the app's models import zope.sqlalchemy)
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from evalsys.collection.models import Response, Score
    from evalsys.db import get_engine, schema
    from evalsys.imports.importer import Importer
    from evalsys.imports.spreadsheets import open_table
    from evalsys.programme import questionnaires
    from evalsys.programme.models import Intervention, Site, Wave

    settings = {"sqlalchemy.url": url}
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        intervention = Intervention(slug="bench", name="Bench", design="pre_post_comparison")
        intervention.sites.append(Site(slug="site-a", name="Site A"))
        intervention.waves.append(Wave(label="T0", name="Voormeting", position=0))
        intervention.waves.append(Wave(label="T1", name="Nameting", position=1))
        session.add(intervention)
        session.flush()
        questionnaires.save_version(
            session, intervention, questionnaires.build(intervention, INSTRUMENTS)
        )
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = []
    for _attempt in range(2):
        with Session(engine) as session, session.begin():
            iv = session.get(Intervention, intervention.id)
            errors = []
            start = time.perf_counter()
            table = open_table(Path(csv_path), "csv")
            result = Importer(session, iv, iv.sites[0]).run(table, errors.append)
        timings.append((time.perf_counter() - start, result))
        assert not errors, errors[:5]
    with Session(engine) as session:
        responses = session.scalar(select(func.count()).select_from(Response))
        scores = session.scalar(select(func.count()).select_from(Score))
    engine.dispose()
    first, again = timings
    return {
        "rows": first[1].rows,
        "stored": first[1].stored,
        "seconds": round(first[0], 2),
        "rows_per_second": round(first[1].rows / first[0]),
        "reupload_seconds": round(again[0], 2),
        "reupload_already_stored": again[1].already_stored,
        "responses_in_db": responses,
        "scores_in_db": scores,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_import_mb": round(baseline / 1024, 1),
    }


def postgres_database() -> tuple[str, callable] | None:
    """A new PostgreSQL database and a function that drops it; None when none is reachable."""
    import sqlalchemy as sa

    try:
        admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        name = f"evalsys_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 (any failure means: no PostgreSQL here)
        print(f"PostgreSQL not reachable ({type(error).__name__}); skipping it")
        return None

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return sa.make_url(PG_SERVER).set(database=name).render_as_string(False), drop


def in_subprocess(url: str, csv_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--one", url, str(csv_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(n_rows: int = 100_000) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "responses.csv"
        start = time.perf_counter()
        write_csv(csv_path, n_rows)
        print(
            f"wrote {n_rows} rows ({csv_path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        results["sqlite"] = in_subprocess(f"sqlite:///{folder}/bench.sqlite", csv_path)
        pg = postgres_database()
        if pg is not None:
            url, drop = pg
            try:
                results["postgresql"] = in_subprocess(url, csv_path)
            finally:
                drop()
    print(
        f"{'database':<12}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'again s':>9}{'peak RSS MB':>13}"
    )
    for name, r in results.items():
        print(
            f"{name:<12}{r['rows']:>9}{r['seconds']:>9.1f}{r['rows_per_second']:>9}"
            f"{r['reupload_seconds']:>9.1f}{r['peak_rss_mb']:>13.0f}"
        )
    out = {
        "rows": n_rows,
        "questionnaire": "demographics (4 items) + BRS (6) + GSE (10)",
        "results": results,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    path = Path(__file__).parent / "results" / "import.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2], sys.argv[3])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
