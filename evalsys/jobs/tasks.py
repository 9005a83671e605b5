"""The task functions a job can run, by kind: ``@task("export")`` registers one.

A task is ``function(run, dbsession, job)``: it does its work in ``dbsession`` (one transaction,
committed with the job's end, so an import is stored whole or not at all), reports progress
through ``run`` (:class:`evalsys.jobs.run.JobRun`) and returns the summary (a dict of counts).
Raise :class:`evalsys.jobs.run.JobFailed` with a message for the user when the work cannot be
done; anything else is reported as an unexpected error and logged.
"""

from __future__ import annotations

from collections.abc import Callable

TASKS: dict[str, Callable] = {}
# Kinds that write to the database (on SQLite they take the write lock for their whole run).
WRITES: set[str] = set()
# Kinds that run on a schedule, started by nobody: kind -> (cron for procrastinate's workers,
# seconds between runs for the thread of a single SQLite server).
SCHEDULED: dict[str, tuple[str, int]] = {}


def task(kind: str, *, writes: bool = False, cron: str | None = None, every: int | None = None):
    def register(function: Callable) -> Callable:
        TASKS[kind] = function
        if writes:
            WRITES.add(kind)
        if cron is not None:
            SCHEDULED[kind] = (cron, every or 24 * 3600)
        return function

    return register
