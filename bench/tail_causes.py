"""What a paced run's tail is made of: measured beside the open-loop load (bench/open_loop.py).

- **Inside the worker or outside it:** each request's time in the gunicorn worker and every
  garbage collection of 1 ms or more (bench/gunicorn_probe.py, which the servers run with).
- **PostgreSQL's waits:** pg_stat_activity's wait events of the active client backends, sampled
  every 10 ms (``IO:WALSync`` is a commit waiting for the WAL's fdatasync, ``LWLock:WALWrite``
  one waiting for another's), and pg_stat_wal's syncs per request.
- **The cores:** /proc/stat's ``procs_running`` at each sample: runnable processes of the whole
  machine (2 cores here, shared with other work).
"""

from __future__ import annotations

import collections
import glob
import math
import os
import threading
import time
from pathlib import Path

import psycopg

PROBE_CONFIG = str(Path(__file__).resolve().parent / "gunicorn_probe.py")


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _procs_running() -> int:
    with open("/proc/stat") as stat:
        for line in stat:
            if line.startswith("procs_running"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Samples PostgreSQL's wait events and the machine's runnable processes while running."""

    def __init__(self, url: str, probe_dir: Path):
        self.url, self.probe_dir = url, probe_dir
        self.samples: list[tuple[list[str], int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        for path in glob.glob(str(self.probe_dir / "worker-*.txt")):
            Path(path).write_text("")  # only this run's requests and collections
        self.started = time.time()
        self.wal_before = self._wal()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.wal_after = self._wal()

    def _wal(self) -> tuple[int, int]:
        with psycopg.connect(_dsn(self.url), autocommit=True) as connection:
            return connection.execute("SELECT wal_sync, wal_write FROM pg_stat_wal").fetchone()

    def _run(self) -> None:
        with psycopg.connect(_dsn(self.url), autocommit=True) as connection:
            while not self._stop.is_set():
                rows = connection.execute(
                    "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '')"
                    " FROM pg_stat_activity WHERE state = 'active'"
                    " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchall()
                self.samples.append(([r[0] for r in rows], _procs_running()))
                time.sleep(0.01)

    def summary(self, requests: int) -> dict:
        """What the run's tail was made of (see the module's docstring)."""
        waits = collections.Counter(event for events, _ in self.samples for event in events)
        busy = sum(waits.values()) or 1
        running = sorted(n for _, n in self.samples) or [0]
        server, collections_ms = self._probe()
        syncs = self.wal_after[0] - self.wal_before[0]
        return {
            "server_p50_ms": _pct(server, 50),
            "server_p99_ms": _pct(server, 99),
            "server_p99.9_ms": _pct(server, 99.9),
            "gc_pauses_over_1ms": len(collections_ms),
            "gc_pause_max_ms": round(max(collections_ms, default=0.0), 1),
            "postgres_waits": {e: round(n / busy, 2) for e, n in waits.most_common(4)},
            "wal_syncs_per_request": round(syncs / max(requests, 1), 2),
            "procs_running_p50": running[len(running) // 2],
            "procs_running_p99": running[min(len(running) - 1, int(0.99 * len(running)))],
            "cores": os.cpu_count(),
        }

    def _probe(self) -> tuple[list[float], list[float]]:
        server, pauses = [], []
        for path in glob.glob(str(self.probe_dir / "worker-*.txt")):
            for line in Path(path).read_text().splitlines():
                fields = line.split()
                if fields[0] == "req":
                    server.append(float(fields[1]))
                elif fields[0] == "gc" and float(fields[3]) >= self.started:
                    pauses.append(float(fields[2]))
        return sorted(server), pauses


def _pct(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1], 2)
