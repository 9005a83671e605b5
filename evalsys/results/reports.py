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


def published_aggregates(intervention: Intervention, report: ReportVersion) -> dict:
    """A published version's aggregate figures, as stored beside its PDF."""
    return {
        "intervention": intervention.slug,
        "version": report.version,
        "language": report.language,
        "published_at": report.published_at.isoformat(),
        "data_taken_at": report.data_taken_at.isoformat(),
        "checksum_sha256": report.checksum,
        "result": report.aggregates,
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


def version_label(version: int, language: str, when) -> str:
    day = when.date().isoformat()
    if language == "en":
        return f"version {version}, published {day}"
    return f"versie {version}, gepubliceerd {day}"


def publish(
    dbsession,
    intervention: Intervention,
    evaluation: Evaluation,
    *,
    user: User | None,
    language: str = "nl",
    note: str = "",
    request=None,
) -> ReportVersion:
    """Store the PDF of the current data as the intervention's next report version.

    The stored bytes, their sha256 and the disclosed aggregates never change afterwards.
    """
    if language not in LANGUAGES:
        raise ValueError(f"a report is in one of {', '.join(LANGUAGES)}; got {language!r}")
    version = next_version(dbsession, intervention)
    published_at = utcnow()
    pdf = make_pdf(
        evaluation, language, version_label=version_label(version, language, published_at)
    )
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
            },
        )
    return row


def published_reports(dbsession) -> list[ReportVersion]:
    """Every published version, newest first (the PDF bytes are not loaded)."""
    query = select(ReportVersion).order_by(
        ReportVersion.published_at.desc(), ReportVersion.id.desc()
    )
    return list(dbsession.execute(query).scalars())
