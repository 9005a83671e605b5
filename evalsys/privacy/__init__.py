"""Retention and erasure of participant-level data (AVG/GDPR); docs/privacy.md explains both.

``retention.py`` works out when an intervention's retention period ends and deletes what has
outlived it; ``erasure.py`` erases one participant on request; ``traces.py`` holds what both
delete and scrub (rows, the audit log's copies of codes, error reports on disk); ``views.py`` is
the evaluator's erasure page.
"""

from evalsys.privacy.erasure import ErasureError, erase_participant, find_participant
from evalsys.privacy.retention import due_interventions, retention_ends_on, run_retention

__all__ = [
    "ErasureError",
    "due_interventions",
    "erase_participant",
    "find_participant",
    "retention_ends_on",
    "run_retention",
]
