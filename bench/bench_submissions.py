"""Benchmark: validated, scored and stored submissions per second under 64 concurrent clients.

gunicorn (gthread workers) serves evalsys against a fresh PostgreSQL database that already holds
50,000 responses (as one in use does: see add_history) and has settled; wrk sends
POST /api/v1/responses from 64 connections for a bounded time, 10% of them deliberate retries of
an already-sent submission_id. Afterwards every acknowledged submission must be in the database
exactly once (0 lost, 0 duplicated). In the same run the script measures the ceilings of the
machine: a bare Pyramid JSON endpoint under the same gunicorn (before and after the run, since a
shared machine's speed drifts by minutes), and PostgreSQL's own rate of
single-row insert-and-commit transactions (pgbench), so each figure reads as a ratio. It also
measures the floor under any submission path: the bare endpoint plus evalsys's one storing
statement and nothing else (bench/floor_app.py), under the same load. It
reads from /proc how many milliseconds of CPU each request cost in gunicorn and in PostgreSQL.

Its headline is evalsys's rate as a share of the floor and of the bare endpoint, measured in the
same run. Then the same server takes submissions *arriving* at a fixed rate (bench/open_loop.py:
open-loop arrivals, latency counted from when each request was due, correcting for coordinated
omission as wrk2 does) at half and a quarter of the closed-loop rate, and prints for each the
latency histogram (p50, p90, p99, p99.9, max) and what its tail was made of
(bench/tail_causes.py: time inside the workers, garbage collections, PostgreSQL's wait events,
the machine's runnable processes). Last, two app servers against the one PostgreSQL at once,
for the capacity plan (docs/deploy.md).

Workers and threads: EVALSYS_BENCH_WORKERS (3) and EVALSYS_BENCH_THREADS (8).

Run: .venv/bin/python bench/bench_submissions.py [seconds]   (loopback only; stops by itself)
Writes bench/results/submissions.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import open_loop, tail_causes  # noqa: E402
from bench.common import (  # noqa: E402
    ROOT,
    bench_ini,
    cpu_seconds_by_program,
    fresh_postgres_database,
    gunicorn,
    pgbench_single_row_commits,
    postgres_reachable,
    wrk,
)
from bench.submissions_report import report  # noqa: E402

SECONDS = 15
CLIENTS = 64
WORKERS = int(os.environ.get("EVALSYS_BENCH_WORKERS", 3))
THREADS = int(os.environ.get("EVALSYS_BENCH_THREADS", 8))


def prepare(database_url: str, folder: Path, cache_seconds: int = 1) -> tuple[Path, str, str]:
    """Migrate, add the demo (no answers) and a submit token; return ini, token, link.

    ``cache_seconds`` is ``evalsys.api.cache_seconds``, production.ini's 1 unless given."""
    from evalsys import demo
    from evalsys.accounts.models import Membership, User
    from evalsys.accounts.tokens import create_token
    from evalsys.cli.bootstrap import database_session
    from evalsys.collection.models import SurveyLink
    from evalsys.db import schema
    from evalsys.settings import apply_environment

    ini = bench_ini(
        folder,
        database_url,
        **{
            "evalsys.rate_limit.api.per_address": 10_000_000,
            "sqlalchemy.pool_size": THREADS,
            "evalsys.freeze_gc_at_start": "true",  # as production.ini
            "evalsys.api.cache_seconds": cache_seconds,
        },
    )
    settings = apply_environment(
        {"sqlalchemy.url": database_url, "evalsys.session_secret_file": str(folder / "secret")}
    )
    from evalsys.db import get_engine

    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    with database_session(engine) as dbsession:
        intervention, _ = demo.seed(dbsession, participants=0)
        user = User(username="bench-client", role="evaluator", password_hash=None)
        dbsession.add(user)
        dbsession.flush()
        dbsession.add(Membership(user_id=user.id, intervention_id=intervention.id))
        dbsession.flush()
        dbsession.refresh(user)
        _, token = create_token(
            dbsession, user, name="bench", permission="submit", intervention=intervention
        )
        link = (
            dbsession.query(SurveyLink)
            .filter_by(intervention_id=intervention.id, group_name="intervention")
            .first()
            .token
        )
    engine.dispose()
    return ini, token, link


def send(
    base: str,
    seconds: int,
    token: str,
    link: str,
    ack_dir: Path,
    connections: int = CLIENTS,
    **extra,
) -> dict:
    """wrk with submit.lua: new submissions and 10% retries; acknowledgements go to ack_dir."""
    return wrk(
        base,
        script=ROOT / "bench" / "submit.lua",
        connections=connections,
        seconds=seconds,
        env={
            "EVALSYS_TOKEN": token,
            "EVALSYS_LINK": link,
            "EVALSYS_RETRY_SHARE": "0.1",
            "EVALSYS_ACK_DIR": str(ack_dir),
            **extra,
        },
    )


HISTORY = 50_000  # responses already stored: about a year of the programme's collection

_HISTORY_SQL = sa.text(
    """
WITH link AS (
  SELECT intervention_id, site_id, wave_id, group_name FROM survey_links WHERE token = :link),
questionnaire AS (
  SELECT max(id) AS id FROM questionnaires
  WHERE intervention_id = (SELECT intervention_id FROM link)),
participant AS (
  INSERT INTO participants (intervention_id, site_id, code, group_name, created_at)
  SELECT link.intervention_id, link.site_id, 'H' || lpad(i::text, 7, '0'), link.group_name, now()
  FROM link, generate_series(1, :responses) AS i
  RETURNING id, intervention_id),
response AS (
  INSERT INTO responses (submission_id, intervention_id, participant_id, wave_id,
    questionnaire_id, answers, instruments, language, mode, quality_flags, submitted_at)
  SELECT gen_random_uuid()::text, participant.intervention_id, participant.id, link.wave_id,
    questionnaire.id, :answers, '{}', 'nl', 'paper', '[]', now()
  FROM participant, link, questionnaire
  RETURNING id)
INSERT INTO scores (response_id, instrument_key, scale, value, items_answered)
SELECT response.id, scale.instrument, 'total', 3.0, 6
FROM response, (VALUES ('brs'), ('gse')) AS scale(instrument)
"""
)


def add_history(database_url: str, link: str, responses: int = HISTORY) -> None:
    """Store ``responses`` paper responses (each with a participant and two scores) at the
    link's site and wave, as a database in use holds them.

    On an empty database PostgreSQL plans its lookups for empty tables: the foreign-key checks
    and the participant lookup scan ``participants`` from end to end, a plan each connection
    keeps until autovacuum next analyzes the table. Each submission then costs more than the
    one before, which measures a state a deployment passes through in its first minute only.
    """
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        answers = json.dumps({f"brs_{i}": 3 for i in range(1, 7)})
        connection.execute(_HISTORY_SQL, {"link": link, "responses": responses, "answers": answers})
    engine.dispose()


def settle(database_url: str) -> None:
    """Let the new database settle as a long-running one has: statistics made and a checkpoint
    taken. Otherwise autovacuum and the first writes after CREATE DATABASE's checkpoint (whole
    pages into the WAL) spend the first half minute's CPU, which the bare stack's run measured
    before the evalsys run felt as a slower machine."""
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
        connection.execute(sa.text("CHECKPOINT"))
    engine.dispose()


def stored_count(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM responses")).scalar_one()
    engine.dispose()
    return count


def check_acknowledged(database_url: str, ack_dirs: list[Path]) -> dict:
    """Every acknowledged submission stored once, over both runs."""
    acked = set()
    for path in (p for folder in ack_dirs for p in folder.glob("acked-*.txt")):
        acked |= {line.split()[0] for line in path.read_text().splitlines() if line.strip()}
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT submission_id FROM responses")).scalars().all()
    engine.dispose()
    stored_set = set(stored)
    return {
        "acknowledged": len(acked),
        "stored": len(stored),
        "lost": len(acked - stored_set),
        "duplicated": len(stored) - len(stored_set),
    }


def bare_stack(seconds: int, when: str) -> dict:
    """The bare Pyramid JSON endpoint under the same gunicorn: the ceiling of the stack."""
    with gunicorn(
        ["bench.bare_app:app"], workers=WORKERS, threads=THREADS, env={"PYTHONPATH": str(ROOT)}
    ) as (base, _):
        bare, cpu_ms = with_cpu(
            lambda: wrk(base + "/", connections=CLIENTS, seconds=seconds), seconds
        )
    return {
        "what": f"bare Pyramid JSON endpoint (ceiling of the stack), {when}",
        "per_second": bare["requests_per_second"],
        "p50_ms": bare.get("p50_ms"),
        "p99_ms": bare.get("p99_ms"),
        "cpu_ms_per_request": cpu_ms,
    }


def floor_stack(url: str, seconds: int, token: str, link: str, ack_dir: Path) -> dict:
    """The bare endpoint plus the one storing statement (bench/floor_app.py), same load: the
    floor under any submission path on this schema and stack."""
    ack_dir.mkdir()
    env = {"PYTHONPATH": str(ROOT), "EVALSYS_DATABASE_URL": url, "EVALSYS_LINK": link}
    with gunicorn(["bench.floor_app:app"], workers=WORKERS, threads=THREADS, env=env) as (base, _):
        load, cpu_ms = with_cpu(
            lambda: send(base, seconds, token, link, ack_dir, EVALSYS_CODE_PREFIX="F"), seconds
        )
    return {
        "what": "floor: bare endpoint + the one storing statement (no checks, no scoring)",
        "per_second": load["requests_per_second"],
        "p50_ms": load.get("p50_ms"),
        "p99_ms": load.get("p99_ms"),
        "non_2xx": load.get("non_2xx", 0),
        "cpu_ms_per_request": cpu_ms,
    }


def with_cpu(load, seconds: int) -> tuple[dict, dict]:
    """Run ``load`` (a wrk run of ``seconds``); its result, and the CPU ms per request it cost
    in gunicorn, PostgreSQL and wrk (from /proc, and wrk's from our children's usage)."""
    before = cpu_seconds_by_program()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = load()
    cpu = {name: used - before.get(name, 0.0) for name, used in cpu_seconds_by_program().items()}
    # wrk has ended by now, so /proc no longer shows it: it is a reaped child of ours.
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu["wrk"] = (wrk_after.ru_utime - wrk_before.ru_utime) + (
        wrk_after.ru_stime - wrk_before.ru_stime
    )
    requests = max(result["requests_per_second"] * seconds, 1)
    names = ("gunicorn", "postgres", "wrk")
    return result, {name: round(1000 * cpu.get(name, 0.0) / requests, 3) for name in names}


def two_servers(ini: Path, seconds: int, token: str, link: str, folder: Path) -> dict:
    """Two gunicorn servers (each of WORKERS x THREADS) against the one PostgreSQL, each under
    half the clients at once: the capacity plan's scaling out, measured on one machine."""
    dirs = [folder / "two-a", folder / "two-b"]
    results: list[dict] = [{}, {}]
    with contextlib.ExitStack() as stack:
        bases = [
            stack.enter_context(gunicorn(["--paste", str(ini)], workers=WORKERS, threads=THREADS))[
                0
            ]
            for _ in dirs
        ]

        def both() -> dict:
            def one(i: int) -> None:
                dirs[i].mkdir()
                results[i] = send(
                    bases[i],
                    seconds,
                    token,
                    link,
                    dirs[i],
                    CLIENTS // 2,
                    EVALSYS_CODE_PREFIX=f"S{i}",
                )

            threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return {"requests_per_second": sum(r["requests_per_second"] for r in results)}

        load, cpu_ms = with_cpu(both, seconds)
    return {
        "what": f"two app servers ({WORKERS}x{THREADS} each) on one PostgreSQL, 2 x {CLIENTS // 2}",
        "per_second": load["requests_per_second"],
        "p99_ms": max(r.get("p99_ms") or 0 for r in results),
        "non_2xx": sum(r.get("non_2xx", 0) for r in results),
        "cpu_ms_per_request": cpu_ms,
        "ack_dirs": dirs,
    }


def paced_runs(base: str, url: str, rate: float, seconds: int, token, link, folder) -> list[dict]:
    """Open-loop runs (bench/open_loop.py) at half and a quarter of ``rate``, each with what
    its tail was made of (bench/tail_causes.py)."""
    rows = []
    for share in (0.5, 0.25):
        ack_dir = folder / f"paced-{share}"
        ack_dir.mkdir()
        with tail_causes.Sampler(url, folder / "probe") as sampler:
            summary = open_loop.paced(
                base,
                token,
                link,
                max(rate * share, 1.0),
                seconds,
                ack_dir,
                prefix=f"O{round(share * 100)}-",
            )
        rows.append(
            {
                "what": f"open loop at {share:.0%} of that rate ({rate * share:,.0f}/s)",
                **summary,
                "tail": sampler.summary(summary["requests"]),
                "ack_dir": ack_dir,
            }
        )
    return rows


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else SECONDS
    if not postgres_reachable():
        sys.exit("PostgreSQL at 127.0.0.1:5432 is not reachable; this benchmark needs it")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database() as url:
        folder = Path(tmp)
        ini, token, link = prepare(url, folder)
        add_history(url, link)
        settle(url)

        bare_before = bare_stack(seconds, "before")
        tps = pgbench_single_row_commits(url, clients=CLIENTS, seconds=seconds)
        floor = floor_stack(url, seconds, token, link, folder / "floor")
        ack_dir = folder / "acks"
        ack_dir.mkdir()
        (folder / "probe").mkdir()
        before_run = stored_count(url)
        probe = ["-c", tail_causes.PROBE_CONFIG]
        os.environ["EVALSYS_PROBE_DIR"] = str(folder / "probe")
        with gunicorn(["--paste", str(ini), *probe], workers=WORKERS, threads=THREADS) as (base, _):
            load, cpu_ms = with_cpu(lambda: send(base, seconds, token, link, ack_dir), seconds)
            paced = paced_runs(base, url, load["requests_per_second"], seconds, token, link, folder)
        os.environ.pop("EVALSYS_PROBE_DIR")
        bare_after = bare_stack(seconds, "after")
        two = two_servers(ini, seconds, token, link, folder)
        integrity = check_acknowledged(
            url, [ack_dir, *two.pop("ack_dirs"), *(row.pop("ack_dir") for row in paced)]
        )
        integrity["stored"] -= before_run  # the history was there before the run
    evalsys_row = {
        "what": "evalsys POST /api/v1/responses (validate, score, store)",
        "per_second": load["requests_per_second"],
        "p50_ms": load.get("p50_ms"),
        "p99_ms": load.get("p99_ms"),
        **integrity,
        "non_2xx": load.get("non_2xx", 0),
        "cpu_ms_per_request": cpu_ms,
    }
    rows = [
        bare_before,
        {"what": "PostgreSQL single-row insert+commit (pgbench)", "per_second": tps},
        floor,
        evalsys_row,
        bare_after,
        two,
    ]
    report(rows, paced, load, seconds=seconds, clients=CLIENTS, workers=WORKERS, threads=THREADS)
    if evalsys_row["lost"] or evalsys_row["duplicated"]:
        sys.exit("LOST OR DUPLICATED SUBMISSIONS")


if __name__ == "__main__":
    main()
