"""Benchmark: import a 100,000-row CSV (demographics + BRS + GSE), as a job and as a service.

Run with ``.venv/bin/python bench/bench_import.py [n_rows]``. Each measurement runs in its own
process, so the peak memory (``ru_maxrss``) belongs to that import alone: a fresh SQLite file,
and PostgreSQL at 127.0.0.1 when it answers (a database of its own, dropped afterwards).

- ``job``: end to end as a coordinator does it: the upload through the web app (a real
  router, logged in), the job (on PostgreSQL run by procrastinate's worker in this process; on
  SQLite by the server's thread), until the job is done;
- ``service``: the Importer alone, twice (the second upload stores nothing);
- ``floor`` (PostgreSQL): COPY of the same stored rows into the same tables, measured in the
  same run (bench/copy_floor.py); the ratio is the job's rows/s over the floor's.

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


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    raise KeyError(field)


def run_job(url: str, csv_path: str) -> dict:
    """In a fresh process: the upload through the web app, then the job to its end."""
    import tempfile as tmp

    import transaction
    import webtest

    from evalsys import main as make_app
    from evalsys.accounts.models import Membership, User
    from evalsys.accounts.passwords import hash_password
    from evalsys.db import READ_ONLY, get_engine, schema
    from evalsys.db.transactions import get_tm_session
    from evalsys.jobs.models import Job
    from evalsys.programme import questionnaires
    from evalsys.programme.models import Intervention, Site, Wave

    folder = tmp.mkdtemp()
    postgres = url.startswith("postgresql")
    settings = {
        "sqlalchemy.url": url,
        "evalsys.session_secret_file": f"{folder}/secret",
        "evalsys.work_dir": f"{folder}/work",
        "evalsys.jobs": "procrastinate" if postgres else "thread",
        "evalsys.imports.background_above_kb": "0",
        "retry.attempts": "3",
    }
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    engine.dispose()
    app = make_app({}, **settings)
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    session = get_tm_session(app.registry["dbsession_factory"], tm)
    intervention = Intervention(slug="bench", name="Bench", design="pre_post_comparison")
    intervention.sites.append(Site(slug="site-a", name="Site A"))
    intervention.waves.append(Wave(label="T0", name="Voormeting", position=0))
    intervention.waves.append(Wave(label="T1", name="Nameting", position=1))
    session.add(intervention)
    session.flush()
    questionnaires.save_version(
        session, intervention, questionnaires.build(intervention, INSTRUMENTS)
    )
    user = User(username="coco", role="coordinator", password_hash=hash_password("bench-password"))
    session.add(user)
    session.flush()
    session.add(
        Membership(
            user_id=user.id, intervention_id=intervention.id, site_id=intervention.sites[0].id
        )
    )
    tm.commit()
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    page = browser.get("/login")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    browser.post("/login", {"username": "coco", "password": "bench-password", "csrf_token": token})
    page = browser.get("/i/bench/sites/site-a/import")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    body = Path(csv_path).read_bytes()
    # The peak so far (logging in hashes a password with argon2's 64 MB) is not the job's:
    # start the high-water mark again from here (Linux: /proc/PID/clear_refs, value 5).
    Path("/proc/self/clear_refs").write_text("5")
    baseline = _status_mb("VmRSS")
    start = time.perf_counter()
    started = browser.post(
        "/i/bench/sites/site-a/import",
        {"csrf_token": token},
        upload_files=[("file", "responses.csv", body)],
        status=303,
    )
    uploaded = time.perf_counter() - start
    job_id = int(started.location.rsplit("/", 1)[1])
    runtime = app.registry["evalsys.jobs.runtime"]
    if postgres:
        from evalsys.jobs.worker import run_worker

        run_worker(runtime, wait=False)
    while True:
        check = app.registry["dbsession_factory"]()
        check.connection(execution_options={READ_ONLY: True})  # SQLite: beside the job's lock
        job = check.get(Job, job_id)
        check.close()
        if job.finished:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    assert job.state == "done", job.error
    result = {
        "rows": job.summary["rows"],
        "stored": job.summary["stored"],
        "upload_seconds": round(uploaded, 2),
        "seconds": round(seconds, 2),
        "rows_per_second": round(job.summary["rows"] / seconds),
        "peak_rss_mb": _status_mb("VmHWM"),
        "rss_before_upload_mb": baseline,
    }
    if postgres:
        sys.path.insert(0, str(Path(__file__).parent))
        from copy_floor import import_floor

        floor = import_floor(app.registry["db_engine"])
        floor["rows_per_second"] = round(job.summary["rows"] / floor["seconds"])
        result["floor"] = floor
        result["ratio_to_floor"] = round(result["rows_per_second"] / floor["rows_per_second"], 3)
    app.registry["db_engine"].dispose()
    return result


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


def in_subprocess(url: str, csv_path: Path, how: str = "--one") -> dict:
    done = subprocess.run(
        [sys.executable, __file__, how, url, str(csv_path)],
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
        results["sqlite"]["job"] = in_subprocess(
            f"sqlite:///{folder}/job.sqlite", csv_path, "--job"
        )
        for key in ("postgresql", "job"):
            pg = postgres_database()
            if pg is None:
                break
            url, drop = pg
            try:
                if key == "postgresql":
                    results["postgresql"] = in_subprocess(url, csv_path)
                else:
                    results["postgresql"]["job"] = in_subprocess(url, csv_path, "--job")
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
        job = r.get("job")
        if job:
            line = (
                f"{name + ' job':<12}{job['rows']:>9}{job['seconds']:>9.1f}"
                f"{job['rows_per_second']:>9}{'':>9}{job['peak_rss_mb']:>13.0f}"
                f"   (idle {job['rss_before_upload_mb']:.0f} MB)"
            )
            if "floor" in job:
                floor = job["floor"]
                line += (
                    f"   floor COPY {floor['seconds']:.1f} s = {floor['rows_per_second']} rows/s;"
                    f" job at {job['ratio_to_floor']:.1%} of it"
                )
            print(line)
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
    elif len(sys.argv) == 4 and sys.argv[1] == "--job":
        print(json.dumps(run_job(sys.argv[2], sys.argv[3])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
