"""Fault scenarios under load: a worker killed, the database stopped and started again.

Each scenario runs evalsys under gunicorn against a private PostgreSQL, sends submissions with
wrk (bounded in time, loopback only, 10% retries) and then checks that every acknowledged
submission is stored exactly once. bench/fault_tests.py runs them at full length; the test suite
runs a short variant (tests/evalsys/test_faults.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .common import gunicorn
from .private_postgres import private_postgres

WORKERS = 3
THREADS = 4


@dataclass
class FaultResult:
    scenario: str
    seconds: int
    requests_per_second: float = 0.0
    acknowledged: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    health_while_down: list[int] = field(default_factory=list)
    health_after: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.acknowledged > 0


def _prepare(url: str, folder: Path):
    from .bench_submissions import prepare

    return prepare(url, folder)


def _load(
    base: str, token: str, link: str, ack_dir: Path, seconds: int, connections: int, out: dict
) -> None:
    from .bench_submissions import send

    out.update(send(base, seconds, token, link, ack_dir, connections))


def _health(base: str) -> int:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _check(result: FaultResult, url: str, ack_dir: Path) -> FaultResult:
    from .bench_submissions import check_acknowledged

    for key, value in check_acknowledged(url, [ack_dir]).items():
        setattr(result, key, value)
    return result


def kill_a_worker(seconds: int = 12, connections: int = 32) -> FaultResult:
    """SIGKILL one gunicorn worker a third of the way into the load."""
    result = FaultResult("SIGKILL of an app worker during load", seconds)
    with tempfile.TemporaryDirectory() as tmp, private_postgres() as pg:
        folder = Path(tmp)
        ini, token, link = _prepare(pg.url, folder)
        ack_dir = folder / "acks"
        ack_dir.mkdir()
        with gunicorn(["--paste", str(ini)], workers=WORKERS, threads=THREADS) as (base, master):
            out: dict = {}
            load = threading.Thread(
                target=_load, args=(base, token, link, ack_dir, seconds, connections, out)
            )
            load.start()
            time.sleep(seconds / 3)
            workers = subprocess.run(
                ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
            ).stdout.split()
            if workers:
                os.kill(int(workers[0]), signal.SIGKILL)
                result.notes.append(f"killed worker {workers[0]}")
            load.join()
            result.requests_per_second = out.get("requests_per_second", 0.0)
            result.health_after = _health(base)
        return _check(result, pg.url, ack_dir)


def restart_the_database(
    seconds: int = 16, down_for: float = 4.0, connections: int = 32
) -> FaultResult:
    """Stop PostgreSQL during load, check /healthz says 503, start it, check recovery."""
    result = FaultResult("PostgreSQL stopped and started during load", seconds)
    with tempfile.TemporaryDirectory() as tmp, private_postgres() as pg:
        folder = Path(tmp)
        ini, token, link = _prepare(pg.url, folder)
        ack_dir = folder / "acks"
        ack_dir.mkdir()
        with gunicorn(["--paste", str(ini)], workers=WORKERS, threads=THREADS) as (base, _):
            out: dict = {}
            load = threading.Thread(
                target=_load, args=(base, token, link, ack_dir, seconds, connections, out)
            )
            load.start()
            time.sleep(seconds / 4)
            pg.stop("fast")
            stopped = time.monotonic()
            while time.monotonic() - stopped < down_for:
                result.health_while_down.append(_health(base))
                time.sleep(0.5)
            pg.start()
            load.join()
            result.requests_per_second = out.get("requests_per_second", 0.0)
            for _ in range(20):  # the pool reconnects by itself: no restart of the app
                result.health_after = _health(base)
                if result.health_after == 200:
                    break
                time.sleep(0.5)
        return _check(result, pg.url, ack_dir)
