"""Progress and cancel requests of the jobs that run in this process (the thread on SQLite).

On SQLite a job that stores rows holds the database's write lock for its whole run, so neither
its progress nor a cancel request can go through the database: they meet here, in memory. On
PostgreSQL the jobs table carries both (evalsys.jobs.run), which any worker and web process
sees; this module then only speeds up what the same process already knows.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_progress: dict[int, tuple[int, int | None]] = {}
_cancel: set[int] = set()


def update(job_id: int, done: int, total: int | None) -> None:
    with _lock:
        _progress[job_id] = (done, total)


def progress_of(job_id: int) -> tuple[int, int | None] | None:
    with _lock:
        return _progress.get(job_id)


def request_cancel(job_id: int) -> None:
    with _lock:
        _cancel.add(job_id)


def cancel_requested(job_id: int) -> bool:
    with _lock:
        return job_id in _cancel


def forget(job_id: int) -> None:
    with _lock:
        _progress.pop(job_id, None)
        _cancel.discard(job_id)
