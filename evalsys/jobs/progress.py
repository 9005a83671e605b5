"""What a job page says of a job's progress: done of total, elapsed time, an estimate."""

from __future__ import annotations

from dataclasses import dataclass

from evalsys.db.meta import utcnow
from evalsys.jobs import live
from evalsys.jobs.models import Job


@dataclass(frozen=True)
class Progress:
    state: str
    done: int
    total: int | None
    elapsed: float | None  # seconds since the job started (to its end, once it ended)
    remaining: float | None  # an estimate, from the rate so far
    cancelling: bool

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "elapsed_seconds": None if self.elapsed is None else round(self.elapsed),
            "remaining_seconds": None if self.remaining is None else round(self.remaining),
            "finished": self.state in ("done", "failed", "cancelled"),
        }


def progress_of(job: Job) -> Progress:
    done, total = job.done, job.total
    if job.state == "running" and (here := live.progress_of(job.id)) is not None:
        done, total = here  # a job of this process on SQLite reports here (evalsys.jobs.live)
    elapsed = remaining = None
    if job.started_at is not None:
        end = job.finished_at or utcnow()
        elapsed = max((end - job.started_at).total_seconds(), 0.0)
        if job.state == "running" and total and done:
            remaining = elapsed * (total - done) / done
    cancelling = not job.finished and (job.cancel_requested or live.cancel_requested(job.id))
    return Progress(job.state, done, total, elapsed, remaining, cancelling)
