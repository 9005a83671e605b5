"""Evaluation reports: the PDF from an Evaluation, and published versions that never change."""

from __future__ import annotations

import dataclasses
import hashlib

from sqlalchemy import func, select

from evalsys import audit
from evalsys.accounts.models import User
from evalsys.db.meta import utcnow
from evalsys.programme.models import Intervention
from evalsys.results.evaluation import Evaluation, evaluate_intervention
from evalsys.results.models import ReportVersion
from evalsys.webhooks import events as webhooks

LANGUAGES = ("nl", "en")


class ReportUnavailable(Exception):
    """The PDF cannot be made in this installation (the report module is missing)."""


def make_pdf(evaluation: Evaluation, language: str = "nl", *, version_label: str = "") -> bytes:
    """The PDF report of an evaluation: the same disclosed result the web page shows."""
    try:
        from analysis.report import build_report
    except ImportError as error:  # analysis.report is built separately; say so plainly
        raise ReportUnavailable(
            "the PDF report module (analysis.report) is not installed"
        ) from error
    meta = evaluation.meta
    if version_label:
        meta = dataclasses.replace(meta, version_label=version_label)
    # What the evaluation left out (a scale without reference values) is said in the report too.
    result = evaluation.result
    if evaluation.notes:
        result = dataclasses.replace(result, notes=(*result.notes, *evaluation.notes))
    return build_report(result, meta, language=language)


def current_pdf(
    dbsession, intervention: Intervention, settings: dict, language: str = "nl"
) -> tuple[bytes, str]:
    """The PDF of the current data (not published) and its file name: the results page's link,
    the report job and the API. Raises NoResults and ReportUnavailable."""
    found = evaluate_intervention(dbsession, intervention, settings, language=language)
    return make_pdf(found, language), current_filename(intervention, found, language)


def current_filename(intervention: Intervention, evaluation: Evaluation, language: str) -> str:
    stamp = evaluation.data_taken_at.strftime("%Y%m%d-%H%M")
    return f"{intervention.slug}-{stamp}-{language}.pdf"


def current_aggregates(intervention: Intervention, evaluation: Evaluation, language: str) -> dict:
    """The disclosed figures of the current data, as a published version stores them."""
    return {
        "intervention": intervention.slug,
        "language": language,
        "data_taken_at": evaluation.data_taken_at.isoformat(),
        "result": evaluation.result.to_dict(),
    }


def published_filename(intervention: Intervention, report: ReportVersion) -> str:
    return f"{intervention.slug}-v{report.version}.pdf"


def published_aggregates(
    intervention: Intervention, report: ReportVersion, replaces: ReportVersion | None = None
) -> dict:
    """A published version's aggregate figures, as stored beside its PDF, and its standing."""
    return {
        "intervention": intervention.slug,
        "version": report.version,
        "language": report.language,
        "published_at": report.published_at.isoformat(),
        "data_taken_at": report.data_taken_at.isoformat(),
        "checksum_sha256": report.checksum,
        **status_of(report, replaces),
        "result": report.aggregates,
    }


def status_of(report: ReportVersion, replaces: ReportVersion | None = None) -> dict:
    """A version's standing for its readers: ``published``, ``withdrawn`` or ``replaced``,
    with the withdrawal's time and reason, and the versions it was replaced by or replaces."""
    if not report.withdrawn:
        status = "published"
    else:
        status = "replaced" if report.replaced_by_id is not None else "withdrawn"
    return {
        "status": status,
        "withdrawn_at": report.withdrawn_at.isoformat() if report.withdrawn_at else None,
        "withdrawal_reason": report.withdrawal_reason,
        "replaced_by_id": report.replaced_by_id,
        "replaces_id": replaces.id if replaces is not None else None,
    }


def make_programme_pdf(evaluations: list[Evaluation], language: str = "nl") -> bytes:
    """One report across interventions: a summary line, key figures and the claim of each."""
    from analysis.report import build_programme_report

    return build_programme_report([(e.meta, e.result) for e in evaluations], language=language)


def programme_evaluations(dbsession, settings: dict, language: str = "nl") -> list[Evaluation]:
    """The evaluation of every intervention that has results (the others are left out)."""
    from evalsys.programme.models import Intervention
    from evalsys.results.evaluation import NoResults, evaluate_intervention

    found = []
    for intervention in dbsession.query(Intervention).order_by(Intervention.name):
        try:
            found.append(
                evaluate_intervention(dbsession, intervention, settings, language=language)
            )
        except NoResults:
            continue
    return found


def checksum(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def next_version(dbsession, intervention: Intervention) -> int:
    query = select(func.max(ReportVersion.version)).where(
        ReportVersion.intervention_id == intervention.id
    )
    return (dbsession.execute(query).scalar() or 0) + 1


def version_label(version: int, language: str, when, replaces: int | None = None) -> str:
    day = when.date().isoformat()
    if language == "en":
        label = f"version {version}, published {day}"
        return f"{label}, replaces version {replaces}" if replaces else label
    label = f"versie {version}, gepubliceerd {day}"
    return f"{label}, vervangt versie {replaces}" if replaces else label


def preview_label(version: int, language: str) -> str:
    """What a preview prints on its cover and in every page's footer: not a published report."""
    if language == "en":
        return f"PREVIEW, not published (would be version {version})"
    return f"VOORBEELD, niet gepubliceerd (wordt versie {version})"


class WithdrawalRefused(ValueError):
    """A withdrawal that cannot be: no reason, or a version withdrawn already."""


REASON_MAX = 2000


def withdrawal_reason(text: str | None) -> str:
    """The reason as stored: trimmed; raises WithdrawalRefused when there is none."""
    reason = (text or "").strip()
    if not reason:
        raise WithdrawalRefused("a withdrawal needs a reason that its readers see")
    if len(reason) > REASON_MAX:
        raise WithdrawalRefused(f"a reason is at most {REASON_MAX} characters")
    return reason


def publish(
    dbsession,
    intervention: Intervention,
    evaluation: Evaluation,
    *,
    user: User | None,
    language: str = "nl",
    note: str = "",
    request=None,
    replaces: ReportVersion | None = None,
    reason: str = "",
) -> ReportVersion:
    """Store the PDF of the current data as the intervention's next report version.

    The stored bytes, their sha256 and the disclosed aggregates never change afterwards.
    With ``replaces``, that live version is withdrawn for ``reason`` and names this one as
    its replacement, in the same transaction.
    """
    if language not in LANGUAGES:
        raise ValueError(f"a report is in one of {', '.join(LANGUAGES)}; got {language!r}")
    if replaces is not None:
        reason = withdrawal_reason(reason)
        dbsession.refresh(replaces, with_for_update=True)  # see withdraw(); before any insert
        if replaces.intervention_id != intervention.id or replaces.withdrawn:
            raise WithdrawalRefused("only a live version of this intervention can be replaced")
    version = next_version(dbsession, intervention)
    published_at = utcnow()
    label = version_label(
        version, language, published_at, replaces.version if replaces is not None else None
    )
    pdf = make_pdf(evaluation, language, version_label=label)
    row = ReportVersion(
        intervention_id=intervention.id,
        version=version,
        language=language,
        published_at=published_at,
        published_by_id=getattr(user, "id", None),
        data_taken_at=evaluation.data_taken_at,
        checksum=checksum(pdf),
        pdf=pdf,
        aggregates=evaluation.result.to_dict(),
        note=note.strip()[:2000],
    )
    dbsession.add(row)
    dbsession.flush()
    audit.record(
        dbsession,
        "report_published",
        actor=user,
        request=request,
        target_type="report",
        target_id=row.id,
        intervention_id=intervention.id,
        version=version,
        checksum=row.checksum,
    )
    if intervention.webhooks:
        webhooks.raise_event(
            dbsession,
            "report.published",
            intervention_id=intervention.id,
            site_id=None,
            payload={
                "report_version": version,
                "language": language,
                "published_at": webhooks.iso(published_at),
                "data_taken_at": webhooks.iso(row.data_taken_at),
                "checksum": row.checksum,
                "replaces_version": replaces.version if replaces is not None else None,
            },
        )
    if replaces is not None:
        withdraw(
            dbsession,
            intervention,
            replaces,
            user=user,
            reason=reason,
            replaced_by=row,
            request=request,
        )
    return row


def withdraw(
    dbsession,
    intervention: Intervention,
    report: ReportVersion,
    *,
    user: User | None,
    reason: str,
    replaced_by: ReportVersion | None = None,
    request=None,
) -> ReportVersion:
    """Withdraw a live version for ``reason``, which its readers see beside it; audited.

    The stored PDF, checksum and figures stay as they were (the list and the archive show the
    version as withdrawn, and its PDF is no longer handed out).
    """
    reason = withdrawal_reason(reason)
    # read it again, locked (PostgreSQL): two people withdrawing at once, only one may
    dbsession.refresh(report, with_for_update=True)
    if report.withdrawn:
        raise WithdrawalRefused(f"version {report.version} was withdrawn already")
    report.withdrawn_at = utcnow()
    report.withdrawn_by_id = getattr(user, "id", None)
    report.withdrawal_reason = reason
    report.replaced_by_id = replaced_by.id if replaced_by is not None else None
    dbsession.flush()
    audit.record(
        dbsession,
        "report_withdrawn",
        actor=user,
        request=request,
        target_type="report",
        target_id=report.id,
        intervention_id=intervention.id,
        version=report.version,
        reason=reason,
        replaced_by_version=replaced_by.version if replaced_by is not None else None,
    )
    if intervention.webhooks:
        webhooks.raise_event(
            dbsession,
            "report.withdrawn",
            intervention_id=intervention.id,
            site_id=None,
            payload={
                "report_version": report.version,
                "withdrawn_at": webhooks.iso(report.withdrawn_at),
                "reason": reason,
                "replaced_by_version": replaced_by.version if replaced_by is not None else None,
            },
        )
    return report


def replacements(dbsession, reports: list[ReportVersion]) -> dict[int, ReportVersion]:
    """For each version that replaced another: its id -> the version it replaces."""
    ids = [r.id for r in reports]
    if not ids:
        return {}
    query = select(ReportVersion).where(ReportVersion.replaced_by_id.in_(ids))
    return {old.replaced_by_id: old for old in dbsession.execute(query).scalars()}


def published_reports(dbsession) -> list[ReportVersion]:
    """Every published version, newest first (the PDF bytes are not loaded)."""
    query = select(ReportVersion).order_by(
        ReportVersion.published_at.desc(), ReportVersion.id.desc()
    )
    return list(dbsession.execute(query).scalars())
