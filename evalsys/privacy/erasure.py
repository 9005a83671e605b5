"""Erasure on request: one participant, found by code at a site, removed with a reason.

Every version of every response, the scores, the participant row and the code's paper forms
held for a second typing go; the audit log keeps a tombstone (who, when, why, how many; never
the code or an answer) and loses the code wherever it carried it. The next analysis, export or
page reads the database and so runs without them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from evalsys import audit
from evalsys.collection import double_entry
from evalsys.collection.models import Participant, Response
from evalsys.i18n import _
from evalsys.jobs.results import delete_for_intervention
from evalsys.privacy import traces
from evalsys.privacy.traces import Counts
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.webhooks import forgetting as webhooks_forgetting
from surveys.validation import has_control_characters

MAX_REASON = 500


class ErasureError(ValueError):
    """An erasure cannot be done; ``field`` names the input that is wrong, args[0] says why."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed (or, before it is confirmed, would remove)."""

    counts: Counts
    waves: tuple[str, ...]
    error_report_lines: int = 0
    tombstone_id: int | None = None


def find_participant(dbsession, intervention: Intervention, site: Site, code: str) -> Participant:
    """The participant with ``code`` at ``site`` (codes are stored in capitals)."""
    code = (code or "").strip().upper()
    if not code or has_control_characters(code):
        raise ErasureError("code", _("Give the participant code."))
    participant = (
        dbsession.query(Participant)
        .filter_by(intervention_id=intervention.id, site_id=site.id, code=code)
        .one_or_none()
    )
    if participant is None:
        raise ErasureError(
            "code",
            _(
                "There is no participant ${code} at ${site}.",
                mapping={"code": code, "site": site.name},
            ),
        )
    return participant


def checked_reason(reason: str, code: str) -> str:
    """The reason, required; the code is taken out of it, the tombstone must not keep it."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON or has_control_characters(reason, multiline=True):
        raise ErasureError("reason", _("Give a reason of at most 500 characters."))
    return traces.without_codes(reason, {code.upper()})


def preview(dbsession, participant: Participant) -> Erasure:
    """What erasing ``participant`` would remove."""
    people = select(Participant.id).where(Participant.id == participant.id)
    counts = traces.counts_by_site(dbsession, people).get(participant.site_id, Counts())
    labels = dbsession.execute(
        select(Wave.label)
        .join(Response, Response.wave_id == Wave.id)
        .where(Response.participant_id == participant.id)
        .distinct()
        .order_by(Wave.label)
    ).scalars()
    return Erasure(counts, tuple(labels))


def erase_participant(
    dbsession,
    settings: dict,
    participant: Participant,
    reason: str,
    *,
    actor=None,
    request=None,
    operator: str = "",
) -> Erasure:
    """Erase ``participant`` and everything stored about them; returns what went.

    ``actor`` is the evaluator (web) or None with ``operator`` naming who ran the command.
    """
    code = participant.code
    reason = checked_reason(reason, code)
    before = preview(dbsession, participant)
    response_ids = set(
        dbsession.execute(
            select(Response.id).where(Response.participant_id == participant.id)
        ).scalars()
    )
    report_lines = traces.scrub_error_reports(settings, participant.site_id, code)
    intervention_id, site_id = participant.intervention_id, participant.site_id
    # Prepared exports and lists of problems may hold the participant: they go (all of the
    # intervention's; a new export is a click away).
    job_results = delete_for_intervention(dbsession, settings, intervention_id)
    details = dict(
        reason=reason,
        group=participant.group_name,
        waves=list(before.waves),
        error_report_lines=report_lines,
        job_results=job_results,
        **before.counts.as_dict(),
    )
    if operator:
        details["operator"] = operator
    tombstone = audit.record(
        dbsession,
        "participant_erased",
        actor=actor,
        request=request,
        target_type="erasure",
        intervention_id=intervention_id,
        site_id=site_id,
        **details,
    )
    dbsession.flush()
    people = select(Participant.id).where(Participant.id == participant.id)
    traces.delete_participants(dbsession, people)
    # Paper forms of this code typed once and held for a second typing (double data entry).
    double_entry.remove_for_codes(dbsession, intervention_id, {code})
    # Webhook events and bodies not sent yet that name the participant (evalsys.webhooks).
    webhooks_forgetting.forget(dbsession, intervention_id, {code}, response_ids)
    traces.scrub_audit(dbsession, intervention_id, {code}, response_ids, tombstone.id)
    return Erasure(before.counts, before.waves, report_lines, tombstone.id)
