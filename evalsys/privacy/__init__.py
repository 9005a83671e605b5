"""Retention and erasure of participant-level data (AVG/GDPR); docs/privacy.md explains both.

``retention.py`` sets an intervention's retention period, works out when it ends and deletes what
has outlived it; ``erasure.py`` erases one participant on request; ``traces.py`` holds what both
delete and scrub (rows, the audit log's copies of codes, error reports on disk); ``views.py`` is
the evaluator's erasure page.
"""

from evalsys.privacy.erasure import ErasureError, erase_participant, find_participant
from evalsys.privacy.retention import (
    checked_retention_days,
    due_interventions,
    retention_ends_on,
    run_retention,
)

__all__ = [
    "ErasureError",
    "checked_retention_days",
    "due_interventions",
    "erase_participant",
    "find_participant",
    "retention_ends_on",
    "run_retention",
]
