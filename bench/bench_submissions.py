"""Benchmark: validated, scored and stored submissions per second under 64 concurrent clients.

gunicorn (gthread workers) serves evalsys against a fresh PostgreSQL database; wrk sends
POST /api/v1/responses from 64 connections for a bounded time, 10% of them deliberate retries of
an already-sent submission_id. Afterwards every acknowledged submission must be in the database
exactly once (0 lost, 0 duplicated). In the same run the script measures the ceilings of the
machine: a bare Pyramid JSON endpoint under the same gunicorn, and PostgreSQL's own rate of
single-row insert-and-commit transactions (pgbench), so each figure reads as a ratio.

Run: .venv/bin/python bench/bench_submissions.py [seconds]   (loopback only; stops by itself)
Writes bench/results/submissions.json.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    bench_ini,
    fresh_postgres_database,
    gunicorn,
    pgbench_single_row_commits,
    postgres_reachable,
    print_table,
    write_results,
    wrk,
)

SECONDS = 15
CLIENTS = 64
WORKERS = 3
THREADS = 8


def prepare(database_url: str, folder: Path) -> tuple[Path, str, str]:
    """Migrate, add the demo (no answers) and a submit token; return ini, token, link."""
    from evalsys.cli.bootstrap import database_session
    from evalsys.models import Membership, SurveyLink, User
    from evalsys.services import demo, schema
    from evalsys.services.tokens import create_token
    from evalsys.settings import apply_environment

    ini = bench_ini(
        folder,
        database_url,
        **{
            "evalsys.rate_limit.api.per_address": 10_000_000,
            "sqlalchemy.pool_size": THREADS,
        },
    )
    settings = apply_environment(
        {"sqlalchemy.url": database_url, "evalsys.session_secret_file": str(folder / "secret")}
    )
    from evalsys.models import get_engine

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


def check_acknowledged(database_url: str, ack_dir: Path) -> dict:
    acked = set()
    for path in ack_dir.glob("acked-*.txt"):
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


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else SECONDS
    if not postgres_reachable():
        sys.exit("PostgreSQL at 127.0.0.1:5432 is not reachable; this benchmark needs it")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database() as url:
        folder = Path(tmp)
        ini, token, link = prepare(url, folder)

        with gunicorn(
            ["bench.bare_app:app"], workers=WORKERS, threads=THREADS, env={"PYTHONPATH": str(ROOT)}
        ) as (base, _):
            bare = wrk(base + "/", connections=CLIENTS, seconds=seconds)
        rows.append(
            {
                "what": "bare Pyramid JSON endpoint (ceiling of the stack)",
                "per_second": bare["requests_per_second"],
                "p50_ms": bare.get("p50_ms"),
                "p99_ms": bare.get("p99_ms"),
            }
        )

        tps = pgbench_single_row_commits(url, clients=CLIENTS, seconds=seconds)
        rows.append(
            {
                "what": "PostgreSQL single-row insert+commit (pgbench, ceiling of the DB)",
                "per_second": tps,
            }
        )

        ack_dir = folder / "acks"
        ack_dir.mkdir()
        with gunicorn(["--paste", str(ini)], workers=WORKERS, threads=THREADS) as (base, _):
            load = wrk(
                base,
                script=ROOT / "bench" / "submit.lua",
                connections=CLIENTS,
                seconds=seconds,
                env={
                    "EVALSYS_TOKEN": token,
                    "EVALSYS_LINK": link,
                    "EVALSYS_RETRY_SHARE": "0.1",
                    "EVALSYS_ACK_DIR": str(ack_dir),
                },
            )
        integrity = check_acknowledged(url, ack_dir)
        rows.append(
            {
                "what": "evalsys POST /api/v1/responses (validate, score, store)",
                "per_second": load["requests_per_second"],
                "p50_ms": load.get("p50_ms"),
                "p99_ms": load.get("p99_ms"),
                **integrity,
                "non_2xx": load.get("non_2xx", 0),
            }
        )
    evalsys_row = rows[-1]
    ratios = {
        "of_bare_stack": evalsys_row["per_second"] / rows[0]["per_second"],
        "of_postgres_commits": evalsys_row["per_second"] / rows[1]["per_second"],
    }
    print_table(
        rows,
        [
            "what",
            "per_second",
            "p50_ms",
            "p99_ms",
            "acknowledged",
            "stored",
            "lost",
            "duplicated",
            "non_2xx",
        ],
    )
    print(
        f"\nevalsys reaches {ratios['of_bare_stack']:.0%} of the bare stack and "
        f"{ratios['of_postgres_commits']:.0%} of PostgreSQL's single-row commit rate."
    )
    print(
        f"{CLIENTS} clients, {seconds} s, gunicorn {WORKERS} workers x {THREADS} threads, "
        "10% retries of already-sent submission ids."
    )
    path = write_results(
        "submissions",
        {
            "seconds": seconds,
            "clients": CLIENTS,
            "workers": WORKERS,
            "threads": THREADS,
            "rows": [{k: v for k, v in r.items() if k != "raw"} for r in rows],
            "ratios": ratios,
            "wrk_output": load["raw"],
        },
    )
    print(f"written to {path.relative_to(ROOT)}")
    if evalsys_row["lost"] or evalsys_row["duplicated"]:
        sys.exit("LOST OR DUPLICATED SUBMISSIONS")


if __name__ == "__main__":
    main()
