"""Shared pieces of the benchmarks: results files, a fresh database, a server, wrk, pgbench."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get(
    "EVALSYS_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def machine() -> dict:
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": os.getloadavg(),
    }


def write_results(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        **payload,
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def print_table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(_fmt(row.get(c)).ljust(widths[c]) for c in columns))


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"
    return "" if value is None else str(value)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds_by_program() -> dict[str, float]:
    """CPU seconds (user + system) used so far by all processes of each program name, from
    /proc: read before and after a load to see where the machine's CPU went."""
    tick = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return totals


def postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "evalsys_bench"):
    """Create a database for one benchmark run and drop it afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_ini(folder: Path, database_url: str, **settings) -> Path:
    """An .ini for a benchmark server: testing.ini plus the given settings."""
    text = (ROOT / "testing.ini").read_text()
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/var/testing.sqlite", f"sqlalchemy.url = {database_url}"
    )
    text = text.replace(
        "evalsys.session_secret_file = %(here)s/var/session.secret",
        f"evalsys.session_secret_file = {folder}/secret",
    )
    for key, value in settings.items():
        line = re.compile(rf"^{re.escape(key)} = .*$", re.MULTILINE)
        setting = f"{key} = {value}"
        if line.search(text):
            text = line.sub(lambda _match, setting=setting: setting, text, count=1)
        else:
            text = text.replace("retry.attempts = 3\n", f"retry.attempts = 3\n{key} = {value}\n", 1)
    path = folder / "bench.ini"
    path.write_text(text)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(target: list[str], *, workers: int = 3, threads: int = 8, env=None):
    """Run gunicorn on a free loopback port; yields (base URL, process). Stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *target,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            # As docs/deploy.md serves evalsys: no access record built for nothing (without a
            # logging configuration, as for the bare app, gunicorn builds none anyway).
            "--logger-class",
            "evalsys.serving.Logger",
        ],
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/healthz" if "--paste" in target else url + "/")
        yield url, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_for(url: str, seconds: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def wrk(
    url: str,
    *,
    script: Path | None = None,
    connections: int = 64,
    seconds: int = 15,
    threads: int = 2,
    env=None,
) -> dict:
    """Run wrk (bounded in time, loopback only) and parse its summary."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(
        command + [url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    ).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> dict:
    result: dict = {"raw": out}
    for line in out.splitlines():
        parts = line.split()
        if line.strip().startswith("Requests/sec:"):
            result["requests_per_second"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "75%", "90%", "99%"):
            result[f"p{parts[0][:-1]}_ms"] = _ms(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif line.strip().startswith("Non-2xx"):
            result["non_2xx"] = int(parts[-1])
    return result


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def pgbench_single_row_commits(database_url: str, *, clients: int = 64, seconds: int = 10) -> float:
    """PostgreSQL's own rate of single-row INSERT + COMMIT transactions (the database ceiling)."""
    url = sa.make_url(database_url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, v jsonb)")
        )
    engine.dispose()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_insert (v) VALUES ('{\"a\": 1}');\n")
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            script.name,
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            url.database,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("tps"):
            return float(line.split()[2])
    raise RuntimeError(f"unexpected pgbench output: {out}")
