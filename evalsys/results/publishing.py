"""Publishing in three steps: the snapshot of the figures, its preview, and what is confirmed.

The confirmation page and the preview PDF are made from one snapshot of the disclosed figures,
named by its fingerprint; the confirmation carries that fingerprint, and a version is stored
only when the figures it is made from have the same one. So what is published is what the
evaluator looked at, or nothing (new data came in: the page says so and shows the new preview).
Up to ``page_max_responses`` the snapshot is evaluated in the request; above it, it is the
evaluator's newest evaluate job (evalsys.results.evaluate_job), which the publish job then
stores as it is.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

from evalsys.i18n import _
from evalsys.jobs.models import Job
from evalsys.programme.models import Intervention
from evalsys.results import evaluate_job, evaluation, reports
from evalsys.results.models import ReportVersion

DIGITS = 12  # significant digits a fingerprint compares (see _steady)


class PublishFormError(Exception):
    """A field of the publish or withdrawal form is wrong; ``message`` says what to do."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field, self.message = field, message


def _steady(value):
    """The figures with floats to DIGITS significant digits: the same data give the same
    figures, but sums over rows read in another order may differ in the last bits."""
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _steady(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_steady(v) for v in value]
    return value


def fingerprint(found: evaluation.Evaluation) -> str:
    """The sha256 of the disclosed figures (EvaluationResult.to_dict(), min_cell included)."""
    figures = json.dumps(_steady(found.result.to_dict()), sort_keys=True, default=str)
    return hashlib.sha256(figures.encode()).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """The figures a publication is made from; ``job`` is the evaluate job that made them
    (large data), else None (evaluated for this request)."""

    found: evaluation.Evaluation
    fingerprint: str
    job: Job | None = None


def take_snapshot(request, intervention: Intervention, language: str) -> Snapshot | None:
    """The figures as they are now (or, for large data, the asker's newest worked-out ones).

    None for large data without a kept evaluate job; raises evaluation.NoResults.
    """
    settings = request.registry.settings
    if evaluate_job.too_large_for_a_page(request.dbsession, intervention, settings):
        job, found = evaluate_job.latest(
            request.dbsession, settings, request.identity.id, intervention.id
        )
        return None if found is None else Snapshot(found, fingerprint(found), job)
    found = evaluation.evaluate_intervention(
        request.dbsession, intervention, settings, language=language
    )
    return Snapshot(found, fingerprint(found))


@dataclass(frozen=True)
class Choice:
    """What the evaluator asks to publish: the language, a note, and the version it replaces
    with the reason (both or neither)."""

    language: str
    note: str
    replaces: ReportVersion | None
    reason: str

    def query(self) -> dict:
        """The choice as the confirmation page's URL names it."""
        out = {"language": self.language}
        if self.note:
            out["note"] = self.note
        if self.replaces is not None:
            out.update(replaces=str(self.replaces.id), reason=self.reason)
        return out


NO_REASON = _("Write why: the ministry reads the reason beside the report.")
REASON_TOO_LONG = _("Keep the reason to 2000 characters at most.")
NOT_REPLACEABLE = _(
    "That version cannot be replaced: it is withdrawn already or not a version of this "
    "intervention. Choose a current version on the Published reports page."
)


def reason_of(text: str | None) -> str:
    """The withdrawal reason, or PublishFormError saying what is missing."""
    try:
        return reports.withdrawal_reason(text)
    except reports.WithdrawalRefused:
        message = REASON_TOO_LONG if (text or "").strip() else NO_REASON
        raise PublishFormError("reason", message) from None


def read_choice(dbsession, intervention: Intervention, params) -> Choice:
    """The choice in a GET query or a POST form; raises PublishFormError."""
    language = params.get("language", "nl")
    if language not in reports.LANGUAGES:
        language = "nl"
    note = params.get("note", "").strip()[:2000]
    replaces, reason = None, ""
    wanted = params.get("replaces", "")
    if wanted:
        replaces = live_version(dbsession, intervention, wanted)
        if replaces is None:
            raise PublishFormError("replaces", NOT_REPLACEABLE)
        reason = reason_of(params.get("reason"))
    return Choice(language, note, replaces, reason)


def live_version(dbsession, intervention: Intervention, value: str) -> ReportVersion | None:
    """The version of this intervention with that id, if it is not withdrawn."""
    if not value.isdigit() or len(value) > 17:
        return None
    report = dbsession.get(ReportVersion, int(value))
    if report is None or report.intervention_id != intervention.id or report.withdrawn:
        return None
    return report


def preview_pdf(found: evaluation.Evaluation, intervention: Intervention, language: str, dbsession):
    """The PDF that publishing would store, marked as a preview on its cover and every page."""
    version = reports.next_version(dbsession, intervention)
    return reports.make_pdf(found, language, version_label=reports.preview_label(version, language))


def job_snapshot(dbsession, settings: dict, job: Job) -> evaluation.Evaluation | None:
    """The evaluate job's figures a publish job was confirmed with (None: no longer kept)."""
    found_job, found = evaluate_job.latest(
        dbsession, settings, job.user_id, job.intervention_id, job.params["evaluation_job"]
    )
    return found if found_job is not None else None
