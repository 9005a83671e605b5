"""Checking rows: participant code, wave, group, language, site, submission id and answers.

Pass 1 of an import. The checker remembers across chunks what later rows and storing need: the
rows seen (a file may not hold a participant's wave twice, nor a submission id), in a few bytes
a row (:mod:`~evalsys.imports.first_rows`), and the rows whose submission id is already stored.
What the database holds (participants, submission ids, answered waves) is asked a chunk at a
time, so memory stays bounded however long the file and however many participants there are.
"""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import bindparam, select

import surveys
from evalsys.collection import issued_codes
from evalsys.collection.cells import cell_text
from evalsys.collection.models import IssuedCode, Participant, Response
from evalsys.collection.paper_form import conditions_of
from evalsys.collection.participant_codes import CodeError, clean_code
from evalsys.collection.submission_errors import SubmissionError
from evalsys.collection.submissions import normalise_submission_id
from evalsys.db.statements import dialect_name
from evalsys.i18n import _
from evalsys.imports.columns import GROUP_WORDS, META_COLUMNS, OPTIONAL_COLUMNS, Chunk, RowMeta
from evalsys.imports.first_rows import FirstRows
from evalsys.imports.problems import RowError, shown
from evalsys.programme.models import Intervention, Site

# Fixed, so the same row always derives the same submission_id (RFC 4122, section 4.3).
SUBMISSION_NAMESPACE = uuid.UUID("6f1f7e0a-3b5c-5d2e-9a47-0c9e8b7d6a51")
_NAMESPACE_BYTES = SUBMISSION_NAMESPACE.bytes


def derived_submission_id(intervention_id: int, site_id: int, wave_id: int, code: str) -> str:
    """``uuid.uuid5(SUBMISSION_NAMESPACE, name)``, written out because it runs for every row."""
    name = f"{intervention_id}:{site_id}:{wave_id}:{code}".encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5 (RFC 4122, section 4.1.3)
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant (section 4.1.1)
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class RowChecker:
    """Checks the rows of one file for one site of an intervention, a chunk at a time."""

    def __init__(
        self,
        dbsession,
        intervention: Intervention,
        site: Site,
        questionnaire: surveys.Questionnaire,
        items: dict[str, surveys.Item],
    ):
        self.dbsession = dbsession
        self.intervention = intervention
        self.site = site
        self.questionnaire = questionnaire
        self.items = items
        self.waves = {w.label.upper(): w for w in intervention.waves}
        self.wave_labels = ", ".join(w.label for w in intervention.waves)
        self.languages = sorted(
            {lang for block in questionnaire.blocks for lang in block.languages} or {"nl"}
        )
        self._seen_keys = FirstRows()  # (code, wave id) -> first row
        self._seen_ids = FirstRows()  # submission id -> first row
        self.already: set[int] = set()  # rows whose submission id is stored

    def read_meta(self, numbers, column, problems: list[RowError]) -> list[RowMeta | None]:
        """Check each row's meta columns (a :data:`~evalsys.imports.columns.MetaReader`)."""
        codes, waves, groups = column("participant_code"), column("wave"), column("group")
        languages, ids, sites = column("language"), column("submission_id"), column("site")
        out: list[RowMeta | None] = []
        intervention_id, site_id = self.intervention.id, self.site.id
        site_names = (self.site.slug.lower(), self.site.name.lower())
        wave_ids = {w.label: w.id for w in self.waves.values()}
        for k, number in enumerate(numbers):
            before = len(problems)

            def problem(name: str, value: str, text) -> None:
                problems.append(RowError(number, name, value, text))  # noqa: B023

            code = cell_text(codes[k])
            if not code:
                problem("participant_code", "", _("Fill in the participant code."))
            else:
                try:
                    code = clean_code(code)
                except CodeError:
                    problem(
                        "participant_code",
                        code,
                        _("A participant code has 2 to 63 letters, digits or dashes, like AB12-7."),
                    )
            label = cell_text(waves[k])
            wave = self.waves.get(label.upper())
            if wave is None:
                problem(
                    "wave",
                    label,
                    _(
                        "Round ${value} does not exist. Use one of: ${waves}.",
                        mapping={"value": label or "-", "waves": self.wave_labels},
                    ),
                )
            elif len(problems) == before and issued_codes.only_issued(wave.settings):
                try:
                    code = issued_codes.as_printed(code)
                except issued_codes.NotAnIssuedCode as error:
                    problem(
                        "participant_code", code, issued_codes.staff_message(error.reason, code)
                    )
            written = " ".join(cell_text(groups[k]).lower().split())
            group = GROUP_WORDS.get(written) if written else "intervention"
            if group is None:
                problem(
                    "group",
                    cell_text(groups[k]),
                    _("Group must be intervention or comparison (interventie or vergelijking)."),
                )
            language = cell_text(languages[k]).lower() or "nl"
            if language not in self.languages:
                problem(
                    "language",
                    cell_text(languages[k]),
                    _(
                        "Language must be one of: ${languages}.",
                        mapping={"languages": ", ".join(self.languages)},
                    ),
                )
            site = cell_text(sites[k])
            if site and site.lower() not in site_names:
                problem(
                    "site",
                    site,
                    _(
                        "This row is for site ${value}, but you are uploading to ${site}. "
                        "Upload it on the page of that site.",
                        mapping={"value": site, "site": self.site.name},
                    ),
                )
            submission_id = cell_text(ids[k])
            if submission_id:
                try:
                    submission_id = normalise_submission_id(submission_id)
                except SubmissionError:
                    problem(
                        "submission_id",
                        submission_id,
                        _(
                            "submission_id must be a UUID such as "
                            "1b4e28ba-2fa1-11d2-883f-0016d3cca427, or leave it empty."
                        ),
                    )
            if len(problems) > before:
                out.append(None)
                continue
            if not submission_id:
                submission_id = derived_submission_id(
                    intervention_id, site_id, wave_ids[wave.label], code
                )
            out.append(
                RowMeta(number, code, wave, wave_ids[wave.label], group, language, submission_id)
            )
        return out

    # -- answers and what the database holds ----------------------------------------------

    def check(self, chunk: Chunk) -> list[RowError]:
        """Every problem of a chunk's rows, in row and column order."""
        problems = list(chunk.problems)
        problems += self._check_against_database(chunk)
        frame = chunk.frame(self.items)
        found = self.questionnaire.validate_frame(frame)
        # Blanks allowed: a row holds what the participant answered elsewhere (on paper, in
        # another tool), so a required question left empty is stored as not answered.
        found = found[found["code"] != "required"]
        for row, item_id, code, value, en, nl in zip(
            found["row"],
            found["field"],
            found["code"],
            found["value"],
            found["message"],
            found["message_nl"],
            strict=True,
        ):
            if (row, item_id) in chunk.unconvertible:
                continue  # already reported as a cell that cannot be read
            problem = {"en": en, "nl": nl}
            if code == "not_applicable" and conditions_of(self.questionnaire, item_id):
                problem = self._not_applicable(item_id)
            problems.append(RowError(int(row), item_id, shown(value), problem))
        # A row already stored is not stored again, so its answers need no second check.
        problems = [p for p in problems if p.row not in self.already or p.column in META_COLUMNS]
        order = {name: n for n, name in enumerate((*META_COLUMNS, *OPTIONAL_COLUMNS, *self.items))}
        problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
        return problems

    def _not_applicable(self, item_id: str):
        """Why a cell must stay empty: the conditions of its question, over the file's columns."""
        conditions = conditions_of(self.questionnaire, item_id)
        return _(
            "This question does not apply to this row, because of an earlier answer: it is "
            "asked only when ${condition}. Leave the cell empty, or check the earlier answer.",
            mapping={"condition": " and ".join(f"({c})" if " or " in c else c for c in conditions)},
        )

    def _check_against_database(self, chunk: Chunk) -> list[RowError]:
        metas = [m for m in chunk.metas if m is not None]
        if not metas:
            return []
        db = self.dbsession
        stored = {
            sid: (wave_id, intervention_id)
            for sid, wave_id, intervention_id in db.execute(
                select(Response.submission_id, Response.wave_id, Response.intervention_id).where(
                    _one_of(db, Response.submission_id, {m.submission_id for m in metas})
                )
            )
        }
        participants = known_participants(db, self.intervention.id, {m.code for m in metas})
        issued_here = self._issued_here(metas)
        known_ids = {participants[m.code][0] for m in metas if m.code in participants}
        answered = set()
        if known_ids:
            answered = set(
                db.execute(
                    select(Response.participant_id, Response.wave_id).where(
                        _one_of(db, Response.participant_id, known_ids),
                        Response.superseded_at.is_(None),
                    )
                ).all()
            )
        problems = []
        intervention_id, site_id = self.intervention.id, self.site.id
        for m in metas:

            def problem(name: str, value: str, text) -> None:
                problems.append(RowError(m.number, name, value, text))  # noqa: B023

            key = (m.code, m.wave_id)
            first = self._seen_keys.get(key)
            if first is not None:
                problem(
                    "participant_code",
                    m.code,
                    _(
                        "Participant ${code} is in this file twice for round ${wave} "
                        "(also in row ${row}). Keep one of the two rows.",
                        mapping={"code": m.code, "wave": m.wave.label, "row": first},
                    ),
                )
                continue
            self._seen_keys[key] = m.number
            first = self._seen_ids.get(m.submission_id)
            if first is not None:
                problem(
                    "submission_id",
                    m.submission_id,
                    _(
                        "Row ${row} has the same submission_id. Every row needs its own "
                        "submission_id, or leave the column empty.",
                        mapping={"row": first},
                    ),
                )
                continue
            self._seen_ids[m.submission_id] = m.number
            if issued_codes.only_issued(m.wave.settings) and m.code not in issued_here:
                problem(
                    "participant_code", m.code, issued_codes.staff_message("not_issued", m.code)
                )
                continue
            if m.submission_id in stored:
                if stored[m.submission_id] != (m.wave_id, intervention_id):
                    problem(
                        "submission_id",
                        m.submission_id,
                        _(
                            "This submission_id was already used for another questionnaire. "
                            "Use a new UUID or leave it empty."
                        ),
                    )
                else:
                    self.already.add(m.number)
                continue
            known = participants.get(m.code)
            if known is None:
                continue
            if known[1] != site_id:
                problem(
                    "participant_code",
                    m.code,
                    _(
                        "Participant ${code} belongs to another site. Check the code.",
                        mapping={"code": m.code},
                    ),
                )
            elif (known[0], m.wave_id) in answered:
                problem(
                    "participant_code",
                    m.code,
                    _(
                        "Participant ${code} already answered round ${wave}. If the stored "
                        "form is wrong, correct it under Stored responses.",
                        mapping={"code": m.code, "wave": m.wave.label},
                    ),
                )
        self._seen_keys.end_chunk()
        self._seen_ids.end_chunk()
        return problems

    def _issued_here(self, metas) -> set[str]:
        """Of the codes of rows for waves that take only issued codes, those issued for this
        site."""
        codes = {m.code for m in metas if issued_codes.only_issued(m.wave.settings)}
        if not codes:
            return set()
        db = self.dbsession
        return set(
            db.scalars(
                select(IssuedCode.code).where(
                    IssuedCode.intervention_id == self.intervention.id,
                    IssuedCode.site_id == self.site.id,
                    _one_of(db, IssuedCode.code, codes),
                )
            )
        )


def known_participants(db, intervention_id: int, codes: set[str]) -> dict[str, tuple[int, int]]:
    """Code -> (participant id, site id) of those of ``codes`` the intervention has."""
    if not codes:
        return {}
    return {
        code: (pid, site_id)
        for pid, code, site_id in db.execute(
            select(Participant.id, Participant.code, Participant.site_id).where(
                Participant.intervention_id == intervention_id, _one_of(db, Participant.code, codes)
            )
        )
    }


def _one_of(db, column, values):
    """``column IN (...)`` with the values written into the SQL text.

    With bound parameters the driver prepares the statement after a few runs and PostgreSQL may
    keep a generic plan made while the table was still empty: a full scan that compares every row
    with every value, minutes per chunk at 100,000 rows. Literal values give each lookup its own
    plan. The values are checked codes, UUIDs and ids, and are quoted by SQLAlchemy.

    SQLite plans every statement anew, and its driver keeps the last 128 statements it
    prepared: there, literal values would keep 128 statements of thousands of values each
    (tens of megabytes), so SQLite gets bound parameters.
    """
    literal = dialect_name(db) == "postgresql"
    return column.in_(
        bindparam(column.key, sorted(values), expanding=True, literal_execute=literal)
    )
