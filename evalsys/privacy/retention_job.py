"""The retention run as a scheduled job: every night, what has outlived its period goes.

``evalsys retention`` runs the same (and ``--dry-run`` shows what would go); the job's summary
keeps the counts, the audit log a tombstone per intervention (evalsys.privacy.retention).
"""

from __future__ import annotations

from evalsys.jobs.tasks import task
from evalsys.privacy.retention import run_retention


@task("retention", writes=True, cron="15 3 * * *", every=24 * 3600)
def retention(run, dbsession, job) -> dict:
    items = run_retention(dbsession, run.runtime.settings, operator="evalsys jobs")
    return {
        "interventions": [item.slug for item in items],
        "participants": sum(item.total.participants for item in items),
        "responses": sum(item.total.responses for item in items),
    }
