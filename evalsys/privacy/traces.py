"""What retention and erasure both remove: participant rows, codes in the audit log, error reports.

Rows go with Core ``DELETE`` statements over a subquery of participant ids, so a retention run
over thousands of participants is three statements, not one per row. The audit log is
append-only for the application (its ORM events refuse changes); scrubbing a code out of it is
the one exception, done with Core ``UPDATE`` statements that those events do not see.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, update

from evalsys.audit.models import AuditEvent
from evalsys.collection.models import IssuedCode, Participant, Response, Score
from evalsys.mail.models import ParticipantContact
from evalsys.settings import work_dir

ERASED = "[erased]"
# The targets whose whole details describe one participant's data (a response, a participant):
# after erasure their details are replaced, not just cleared of the code.
PERSONAL_TARGETS = ("response", "participant")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Counts:
    """How many rows of participant-level data one site (or one participant) has."""

    participants: int = 0
    responses: int = 0
    scores: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.participants + other.participants,
            self.responses + other.responses,
            self.scores + other.scores,
        )

    def as_dict(self) -> dict:
        return {
            "participants": self.participants,
            "responses": self.responses,
            "scores": self.scores,
        }


def counts_by_site(dbsession, participant_ids) -> dict[int, Counts]:
    """Participants, responses (all versions) and scores per site id of a participant subquery."""
    people = dict(
        dbsession.execute(
            select(Participant.site_id, func.count())
            .where(Participant.id.in_(participant_ids))
            .group_by(Participant.site_id)
        ).all()
    )
    responses = dict(
        dbsession.execute(
            select(Participant.site_id, func.count(Response.id))
            .join(Participant, Participant.id == Response.participant_id)
            .where(Participant.id.in_(participant_ids))
            .group_by(Participant.site_id)
        ).all()
    )
    scores = dict(
        dbsession.execute(
            select(Participant.site_id, func.count(Score.id))
            .join(Response, Response.id == Score.response_id)
            .join(Participant, Participant.id == Response.participant_id)
            .where(Participant.id.in_(participant_ids))
            .group_by(Participant.site_id)
        ).all()
    )
    return {
        site_id: Counts(people[site_id], responses.get(site_id, 0), scores.get(site_id, 0))
        for site_id in people
    }


def delete_participants(dbsession, participant_ids) -> None:
    """Delete the participants of a subquery with every version of their responses and scores."""
    dbsession.flush()
    response_ids = select(Response.id).where(Response.participant_id.in_(participant_ids))
    dbsession.execute(delete(Score).where(Score.response_id.in_(response_ids)))
    # Corrections point at the version they supersede; clearing those links first lets one
    # statement delete all versions whatever order the database visits them in. A response
    # moved to another participant's code points at a version under the erased code: that
    # person's current version stays, without the erased predecessor.
    table = Response.__table__
    erased_ids = select(table.c.id).where(table.c.participant_id.in_(participant_ids))
    dbsession.execute(
        update(table).where(table.c.supersedes_id.in_(erased_ids)).values(supersedes_id=None)
    )
    dbsession.execute(
        delete(Response).where(Response.participant_id.in_(participant_ids)),
        execution_options={"synchronize_session": False},
    )
    # the address left for the next round goes with them (and their messages keep no link)
    dbsession.execute(
        delete(ParticipantContact).where(ParticipantContact.participant_id.in_(participant_ids)),
        execution_options={"synchronize_session": False},
    )
    # An issued code stops working with its participant: a card found later cannot start a
    # new participant under an erased code, and the code itself (a pseudonym) is gone. Who
    # comes back is given a new card.
    dbsession.execute(
        delete(IssuedCode).where(
            exists().where(
                Participant.id.in_(participant_ids),
                Participant.intervention_id == IssuedCode.intervention_id,
                Participant.code == IssuedCode.code,
            )
        ),
        execution_options={"synchronize_session": False},
    )
    dbsession.execute(
        delete(Participant).where(Participant.id.in_(participant_ids)),
        execution_options={"synchronize_session": False},
    )
    dbsession.expire_all()


def _mentions(value, codes: set[str]) -> bool:
    if isinstance(value, str):
        return any(word.upper() in codes for word in _WORD.findall(value))
    if isinstance(value, dict):
        return any(_mentions(k, codes) or _mentions(v, codes) for k, v in value.items())
    if isinstance(value, list):
        return any(_mentions(v, codes) for v in value)
    return False


def without_codes(value, codes: set[str]):
    if isinstance(value, str):
        return _WORD.sub(lambda m: ERASED if m.group(0).upper() in codes else m.group(0), value)
    if isinstance(value, dict):
        return {without_codes(k, codes): without_codes(v, codes) for k, v in value.items()}
    if isinstance(value, list):
        return [without_codes(v, codes) for v in value]
    return value


def scrub_audit(
    dbsession,
    intervention_id: int,
    codes: set[str],
    response_ids: set[int],
    tombstone_id: int,
) -> int:
    """Remove erased participants' codes from the audit log of one intervention; returns how many
    events changed.

    An event about one of the erased responses or participants keeps its action, actor, time and
    target type, and its details become ``{"scrubbed_by": tombstone_id}`` (they may hold answers,
    old and new values of a correction). Any other event keeps its details with each erased
    code replaced by ``[erased]``.
    """
    codes = {code.upper() for code in codes}
    response_keys = {str(i) for i in response_ids}
    table = AuditEvent.__table__
    rows = dbsession.execute(
        select(table.c.id, table.c.target_type, table.c.target_id, table.c.details).where(
            table.c.intervention_id == intervention_id, table.c.id != tombstone_id
        )
    ).all()
    changed = 0
    for event_id, target_type, target_id, details in rows:
        about_person = target_type in PERSONAL_TARGETS and (
            target_id in response_keys or target_id.upper() in codes
        )
        names_code = _mentions(target_id, codes) or _mentions(details or {}, codes)
        if not (about_person or names_code):
            continue
        values = {"target_id": without_codes(target_id, codes)}
        if about_person:
            values["details"] = {"scrubbed_by": tombstone_id}
        else:
            values["details"] = without_codes(details or {}, codes)
        dbsession.execute(update(table).where(table.c.id == event_id).values(**values))
        changed += 1
    return changed


def remove_error_reports(settings: dict, site_id: int) -> int:
    """Delete every import error report of a site; returns how many files went."""
    folder = work_dir(settings) / "reports" / str(int(site_id))
    if not folder.is_dir():
        return 0
    count = sum(1 for _ in folder.glob("*.csv"))
    shutil.rmtree(folder, ignore_errors=True)
    return count


def scrub_error_reports(settings: dict, site_id: int, code: str) -> int:
    """Remove one participant from a site's import error reports; returns how many lines went.

    A report line is (row, column, value, message). Every line of a spreadsheet row that names
    the code goes, so the answers of that row go with it, not only the line with the code.
    """
    folder = work_dir(settings) / "reports" / str(int(site_id))
    if not folder.is_dir():
        return 0
    codes = {code.upper()}
    removed = 0
    for path in folder.glob("*.csv"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:  # an old report removed by an import at the same moment
            continue
        lines = list(csv.reader(io.StringIO(text), delimiter=";"))
        header, body = lines[:1], lines[1:]
        rows = {line[0] for line in body if line and any(_mentions(c, codes) for c in line[1:])}
        kept = [line for line in body if not line or line[0] not in rows]
        if len(kept) == len(body):
            continue
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerows(header + kept)
        path.write_text(out.getvalue(), encoding="utf-8-sig")
        removed += len(body) - len(kept)
    return removed
