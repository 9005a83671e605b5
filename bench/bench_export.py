"""Benchmark the participant-level exports on 1,000,000 responses (a script, not a test).

Usage::

    .venv/bin/python bench/bench_export.py                     # 1M responses, SQLite (+ PG)
    .venv/bin/python bench/bench_export.py --responses 100000  # smaller
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1/postgres .venv/bin/python ...

Data: one intervention with the BRS and the demographics block, 20 NPLV sites, waves T0 and
T1, responses / 2 participants who each answered both waves. Rows are bulk-inserted into a
fresh database (SQLite file in a temporary folder; PostgreSQL when reachable: a database of its
own, created and dropped). Scores and quality flags come from the same ``surveys``
questionnaire as ``submit()`` uses, through its vectorised ``score_frame`` / ``quality_frame``,
which give the same results as the per-response functions.

Each export runs in its own subprocess, so its peak memory (max RSS) is its own; the RSS
right before the export starts is recorded too, so the growth is visible. The CSV exports
stream (chunks of 2,000 responses), so their memory should not grow with the number of
responses. On PostgreSQL each export is measured beside its floor, in the same run: ``COPY
(SELECT ...) TO STDOUT`` of the same rows (bench/copy_floor.py); ``ratio_to_floor`` is the
floor's time over the export's (1.0: as fast as COPY). Writes bench/results/export.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from evalsys.collection.models import Participant, Response, Score  # noqa: E402
from evalsys.db import get_engine, schema  # noqa: E402
from evalsys.db.meta import utcnow  # noqa: E402
from evalsys.db.transactions import get_session_factory  # noqa: E402
from evalsys.demo import NPLV_AREAS  # noqa: E402
from evalsys.programme import questionnaires  # noqa: E402
from evalsys.programme.models import Intervention, Site, Wave  # noqa: E402

SLUG = "bench-export"
BATCH = 20_000


def settings_for(url: str) -> dict:
    return {"sqlalchemy.url": url, "evalsys.session_secret": "x" * 48}


def create_data(url: str, responses: int, seed: int = 2026) -> float:
    """Migrate an empty database and bulk-insert ``responses`` responses; returns seconds."""
    started = time.perf_counter()
    settings = settings_for(url)
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    session = get_session_factory(engine)()
    intervention = Intervention(slug=SLUG, name="Bench export", design="pre_post")
    for slug, name, municipality, area in NPLV_AREAS:
        intervention.sites.append(Site(slug=slug, name=name, municipality=municipality, area=area))
    intervention.waves.append(Wave(label="T0", name="Voormeting", position=0))
    intervention.waves.append(Wave(label="T1", name="Nameting", position=1))
    session.add(intervention)
    session.flush()
    row = questionnaires.save_version(
        session, intervention, questionnaires.build(intervention, [("brs", None)])
    )
    questionnaire = questionnaires.load(row)
    site_ids = [s.id for s in intervention.sites]
    wave_ids = [w.id for w in intervention.waves]
    session.commit()
    ids = dict(intervention=intervention.id, questionnaire=row.id)
    instruments = {b.id: b.version for b in questionnaire.blocks}
    session.close()

    rng = np.random.default_rng(seed)
    people = responses // 2
    with engine.begin() as connection:
        codes = [f"B{n:07d}" for n in range(people)]
        sites = rng.integers(0, len(site_ids), people)
        for start in range(0, people, BATCH):
            connection.execute(
                sa.insert(Participant.__table__),
                [
                    dict(
                        intervention_id=ids["intervention"],
                        site_id=site_ids[int(sites[i])],
                        code=codes[i],
                        group_name="intervention",
                        created_at=utcnow(),
                    )
                    for i in range(start, min(start + BATCH, people))
                ],
            )
        participant_ids = [
            pid for (pid,) in connection.execute(sa.select(Participant.id).order_by(Participant.id))
        ]
        next_response = 1
        for start in range(0, responses, BATCH):
            count = min(BATCH, responses - start)
            number = np.arange(start, start + count)
            frame = _answers(rng, count, questionnaire)
            scores = questionnaire.score_frame(frame)
            flags = questionnaire.quality_frame(frame)
            now = utcnow()
            answer_rows = frame.to_dict("records")
            flag_names = [c.replace(".", ":") for c in flags.columns]
            flag_matrix = flags.to_numpy(dtype=bool)
            values = scores["brs.brs"].to_numpy(dtype=float)
            answered = scores["brs.brs__items_answered"].to_numpy()
            bands = scores["brs.brs__band"].tolist()
            durations = rng.integers(60, 600, count)
            records, score_rows = [], []
            for j, n in enumerate(number.tolist()):
                records.append(
                    dict(
                        id=next_response + j,
                        submission_id=str(uuid.UUID(int=n + 1)),
                        intervention_id=ids["intervention"],
                        participant_id=participant_ids[n // 2],
                        wave_id=wave_ids[n % 2],
                        questionnaire_id=ids["questionnaire"],
                        answers={k: int(v) for k, v in answer_rows[j].items() if v == v},
                        instruments=instruments,
                        language="nl",
                        mode="web",
                        duration_seconds=int(durations[j]),
                        quality_flags=[
                            f for f, on in zip(flag_names, flag_matrix[j], strict=True) if on
                        ],
                        submitted_at=now,
                    )
                )
                score_rows.append(
                    dict(
                        response_id=next_response + j,
                        instrument_key="brs",
                        scale="brs",
                        value=None if values[j] != values[j] else float(values[j]),
                        items_answered=int(answered[j]),
                        band=bands[j] or None,
                    )
                )
            connection.execute(sa.insert(Response.__table__), records)
            connection.execute(sa.insert(Score.__table__), score_rows)
            next_response += count
            print(f"\r  inserted {start + count:,} / {responses:,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.execute(
                sa.text("SELECT setval('responses_id_seq', (SELECT max(id) FROM responses))")
            )
    engine.dispose()
    return time.perf_counter() - started


def _answers(rng, count: int, questionnaire):
    import pandas as pd

    columns = {f"brs_{i}": rng.integers(1, 6, count).astype(float) for i in range(1, 7)}
    columns["age_band"] = rng.integers(1, 10, count).astype(float)
    columns["gender"] = rng.choice([1, 2, 3, 9], count).astype(float)
    columns["born_in_nl"] = rng.integers(0, 2, count).astype(float)
    frame = pd.DataFrame(columns)
    # 2 % of the answers missing
    holes = rng.random(frame.shape) < 0.02
    return frame.mask(holes)


def run_export(url: str, fmt: str, out: str) -> dict:
    """In this (child) process: export and report time and memory."""
    from evalsys.results import export_files

    settings = settings_for(url)
    engine = get_engine(settings)
    session = get_session_factory(engine)()
    intervention = session.query(Intervention).filter_by(slug=SLUG).one()
    before = memory_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    export_files.write_file(session, intervention, fmt, out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    session.close()
    engine.dispose()
    after = memory_mb()
    return {
        "format": fmt,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "rss_before_export_mb": before["VmRSS"],
        "peak_rss_before_export_mb": before["VmHWM"],
        "peak_rss_mb": after["VmHWM"],
        "bytes": os.path.getsize(out),
    }


def memory_mb() -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of this process.

    Not ``getrusage().ru_maxrss``: that survives exec, so a child would report the parent's
    peak from before the fork.
    """
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = round(int(value.split()[0]) / 1024, 1)
    return found


def measure(url: str, fmt: str, folder: str) -> dict:
    out = os.path.join(folder, f"export-{fmt}")
    child = subprocess.run(
        [sys.executable, __file__, "--child", url, fmt, out],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    with open(out, "rb") as handle:
        result["rows"] = sum(1 for _ in handle) - 1 if fmt.startswith("csv") else None
    os.unlink(out)
    return result


def postgres_url() -> str | None:
    admin = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres")
    try:
        engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return admin
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        print(f"PostgreSQL not reachable ({type(error).__name__}); SQLite only", file=sys.stderr)
        return None


def bench(url: str, kind: str, responses: int, formats: list[str], folder: str) -> dict:
    print(f"{kind}: creating {responses:,} responses", file=sys.stderr)
    created = create_data(url, responses)
    entry = {"database": kind, "responses": responses, "create_s": round(created, 1), "exports": []}
    for fmt in formats:
        result = measure(url, fmt, folder)
        if kind == "postgresql":
            # The floor, in the same run: COPY (SELECT ...) TO STDOUT of the same rows.
            floor = copy_floor(url)
            result["floor_s"] = floor["seconds"]
            result["ratio_to_floor"] = round(floor["seconds"] / result["wall_s"], 3)
        entry["exports"].append(result)
        print(f"  {fmt}: {result}", file=sys.stderr)
    return entry


def copy_floor(url: str) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from copy_floor import export_floor

    engine = get_engine(settings_for(url))
    with engine.connect() as connection:
        intervention_id = connection.execute(
            sa.select(Intervention.id).where(Intervention.slug == SLUG)
        ).scalar_one()
    try:
        return export_floor(engine, intervention_id)
    finally:
        engine.dispose()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(run_export(*sys.argv[2:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv_long,csv_wide")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    formats = args.formats.split(",")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{folder}/bench-export.sqlite"
        results.append(bench(sqlite_url, "sqlite", args.responses, formats, folder))
        save(results)
        os.unlink(f"{folder}/bench-export.sqlite")
        admin = None if args.no_postgres else postgres_url()
        if admin:
            name = f"evalsys_bench_export_{uuid.uuid4().hex[:8]}"
            engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            try:
                url = sa.make_url(admin).set(database=name).render_as_string(False)
                results.append(bench(url, "postgresql", args.responses, formats, folder))
                save(results)
            finally:
                with engine.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()
    print((ROOT / "bench" / "results" / "export.json").read_text())


def save(results: list[dict]) -> None:
    """Write what has been measured so far (a later database adds to it)."""
    report = {
        "what": "participant-level export of one intervention (BRS + demographics: 23 columns)",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "results": results,
    }
    path = ROOT / "bench" / "results" / "export.json"
    path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
