"""The change log of an intervention's responses (corrections, moves, voids), beside the
exports: one row per changed item, read from the audit log."""

from __future__ import annotations

import csv
import io

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import Participant, Response
from evalsys.collection.versions import ACTIONS
from evalsys.programme.models import Site, Wave

CHANGE_LOG_COLUMNS = (
    "occurred_at",
    "actor",
    "action",
    "response_id",
    "new_version",
    "participant_code",
    "site",
    "wave",
    "item",
    "old",
    "new",
    "reason",
    "reason_text",
)


def change_log(db, intervention):
    """Every correction, move and void of the intervention's responses, oldest first: one row
    per changed item (a move: one per changed field; a void: one row), as text."""
    events = (
        db.query(AuditEvent)
        .filter(AuditEvent.action.in_(ACTIONS), AuditEvent.intervention_id == intervention.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .all()
    )
    changed = {int(e.target_id) for e in events}
    where = {
        row.id: (row.code, row.slug, row.label)
        for row in db.query(Response.id, Participant.code, Site.slug, Wave.label)
        .join(Participant, Participant.id == Response.participant_id)
        .join(Site, Site.id == Participant.site_id)
        .join(Wave, Wave.id == Response.wave_id)
        .filter(Response.id.in_(changed))
    }
    for event in events:
        details = event.details or {}
        code, site, wave = where.get(int(event.target_id), ("", "", ""))
        base = {
            "occurred_at": event.occurred_at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "response_id": event.target_id,
            "new_version": "" if details.get("new_version") is None else details["new_version"],
            "participant_code": code,
            "site": site,
            "wave": wave,
            "reason": details.get("reason", ""),
            "reason_text": details.get("reason_text", ""),
        }
        pairs = details.get("changes") or {
            field: pair
            for field, pair in (details.get("moved") or {}).items()
            if pair[0] != pair[1]
        }
        if details.get("code_match_confirmed"):
            pairs = {"code_match": ["flagged", "confirmed"]}
        if not pairs:
            yield {**base, "item": "", "old": "", "new": ""}
        for item, (old, new) in pairs.items():
            yield {**base, "item": item, "old": _text(old), "new": _text(new)}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def change_log_csv(db, intervention) -> bytes:
    """The change log as a CSV file (UTF-8), formulas neutralised as in the exports: the web's
    download and the API's."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CHANGE_LOG_COLUMNS)
    for row in change_log(db, intervention):
        writer.writerow([_cell(row[column]) for column in CHANGE_LOG_COLUMNS])
    return out.getvalue().encode("utf-8")


def change_log_filename(intervention) -> str:
    return f"{intervention.slug}-changes.csv"


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to spreadsheet programs (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
