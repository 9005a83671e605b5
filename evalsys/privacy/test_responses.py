"""Test responses: how many an intervention holds, and deleting them all (audited).

Staff store a test response through a survey link's test mode
(evalsys.collection.views.test_mode), which goes through the submission service like every
answer, with ``Submission.test``. It is stored for a participant of its own, flagged ``test``,
whose code is the typed code after ``TEST:`` (models.TEST_CODE_PREFIX): no participant code
has a colon, so a test never takes, matches or blocks a real code. Analyses, reports, exports,
progress counts, due lists, the API's list and webhooks read no test response; the site's list
of responses shows them, marked.
"""

from __future__ import annotations

from functools import reduce

from sqlalchemy import select

from evalsys import audit
from evalsys.collection.models import Participant
from evalsys.privacy import traces
from evalsys.privacy.traces import Counts
from evalsys.programme.models import Intervention


def _test_participants(intervention: Intervention):
    return select(Participant.id).where(
        Participant.intervention_id == intervention.id, Participant.test.is_(True)
    )


def counts(dbsession, intervention: Intervention) -> Counts:
    """The test participants, their responses (every version) and scores."""
    by_site = traces.counts_by_site(dbsession, _test_participants(intervention))
    return reduce(Counts.__add__, by_site.values(), Counts())


def delete_all(dbsession, intervention: Intervention, *, actor=None, request=None) -> Counts:
    """Delete every test response of ``intervention`` with its scores and test participants."""
    found = counts(dbsession, intervention)
    if found.participants:
        audit.record(
            dbsession,
            "test_responses_deleted",
            actor=actor,
            request=request,
            target_type="intervention",
            target_id=intervention.id,
            intervention_id=intervention.id,
            **found.as_dict(),
        )
        traces.delete_participants(dbsession, _test_participants(intervention))
    return found
