"""A small programme with one participant to erase and one to keep, traces of both everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from evalsys import audit
from evalsys.collection.models import Participant, Score
from evalsys.jobs.models import Job
from evalsys.programme.models import Intervention

from .. import builders

CODE = "ZQX-4471"  # the participant who asks to be erased
KEPT = "KEEP-0001"  # another participant of the same site, who stays
ANSWER = "zonnebloem-okapi"  # a free-text answer only the erased participant gave
KEPT_ANSWER = "kastanje-lynx"


@dataclass
class People:
    intervention: Intervention
    erased: Participant
    kept: Participant
    settings: dict
    work: Path


def error_report(work: Path, site_id: int) -> Path:
    """An import error report as ErrorReport writes it: rows 3 (the code) and 4 (the kept one)."""
    folder = work / "reports" / str(site_id)
    folder.mkdir(parents=True)
    path = folder / "report-id-abcdefghijklmnopqrstuvw.csv"
    lines = [
        "rij;kolom;waarde;melding",
        f"3;code;{CODE};deze code staat al in ronde T0",
        f"3;opmerking;{ANSWER};te lang",
        f"4;opmerking;{KEPT_ANSWER};te lang",
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def job_result(dbsession, work: Path, intervention, site) -> None:
    """What a job leaves: an export file that lists both codes, and a failed import's summary
    that shows the rows of the erased participant (evalsys.jobs)."""
    folder = work / "jobs"
    folder.mkdir(parents=True)
    (folder / "1-export-abcdefghijklmnop.csv").write_text(
        f"participant;opmerking\n{CODE};{ANSWER}\n{KEPT};{KEPT_ANSWER}\n", encoding="utf-8"
    )
    for kind, result, summary in (
        ("export", "1-export-abcdefghijklmnop.csv", {"responses": 2}),
        ("import", None, {"errors": 1, "shown": [[3, "code", CODE, "already in T0"]]}),
    ):
        dbsession.add(
            Job(
                kind=kind,
                state="done" if result else "failed",
                intervention_id=intervention.id,
                site_id=site.id,
                result_file=result,
                result_name=result,
                result_type="text/csv",
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=24),
                summary=summary,
            )
        )
    dbsession.flush()


def build(dbsession, tmp_path: Path, app_settings: dict, **overrides) -> People:
    intervention = builders.intervention(dbsession, **overrides)
    site = intervention.sites[0]
    t0, t1 = intervention.waves
    erased = builders.participant(dbsession, intervention, code=CODE, site=site)
    kept = builders.participant(dbsession, intervention, code=KEPT, site=site)
    answers = dict(builders.BRS_ANSWERS, opmerking=ANSWER)
    first = builders.response(dbsession, erased, t0, answers=answers)
    old = builders.response(dbsession, erased, t1, answers=answers)
    old.superseded_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    dbsession.flush()
    new = builders.response(dbsession, erased, t1, answers=answers, supersedes_id=old.id)
    other = builders.response(
        dbsession, kept, t0, answers=dict(builders.BRS_ANSWERS, opmerking=KEPT_ANSWER)
    )
    for row in (first, old, new, other):
        dbsession.add(
            Score(
                response_id=row.id, instrument_key="brs", scale="brs", value=4.0, items_answered=6
            )
        )
    # What other parts of evalsys write about participants: a correction names the code and
    # the old answer; an export lists codes.
    audit.record(
        dbsession,
        "response_corrected",
        target_type="response",
        target_id=new.id,
        intervention_id=intervention.id,
        code=CODE,
        changes={"opmerking": [ANSWER, ANSWER]},
    )
    audit.record(
        dbsession,
        "export",
        target_type="command",
        target_id="export csv",
        intervention_id=intervention.id,
        note=f"asked for {CODE} and {KEPT}",
    )
    dbsession.flush()
    work = tmp_path / "work"
    error_report(work, site.id)
    job_result(dbsession, work, intervention, site)
    settings = {**app_settings, "evalsys.work_dir": str(work)}
    return People(intervention, erased, kept, settings, work)
