"""Storing checked rows: a bulk insert per chunk (COPY on PostgreSQL, evalsys.imports.bulk_rows),
and ``submit()`` where only it can decide.

Pass 2 of an import, run only when pass 1 found no problem in any row. The bulk insert stores
exactly what :func:`evalsys.collection.submissions.submit` stores for the same answers (scores,
quality flags, instrument versions); rows with a new self-generated participant code go through
``submit()`` itself, one by one, because only it links a code with one misremembered element to
an earlier participant.
"""

from __future__ import annotations

import numpy as np

import surveys
from evalsys.accounts.models import User
from evalsys.collection.models import Participant, Response, Score
from evalsys.collection.submissions import Submission, submit
from evalsys.db.meta import utcnow
from evalsys.imports.bulk_rows import insert_rows
from evalsys.imports.checking import known_participants
from evalsys.imports.columns import Chunk, RowMeta
from evalsys.programme.models import Intervention, Questionnaire, Site
from evalsys.webhooks import events as webhooks
from surveys.validation import is_missing


class RowStore:
    """Stores the checked rows of one file for one site of an intervention, a chunk at a time."""

    def __init__(
        self,
        dbsession,
        intervention: Intervention,
        site: Site,
        questionnaire_row: Questionnaire,
        questionnaire: surveys.Questionnaire,
        items: dict[str, surveys.Item],
        already: set[int],
        submitted_by: User | None = None,
    ):
        self.dbsession = dbsession
        self.intervention = intervention
        self.site = site
        self.questionnaire_row = questionnaire_row
        self.questionnaire = questionnaire
        self.items = items
        self.participants: dict[str, tuple[int, int]] = {}  # the chunk's: code -> (id, site id)
        self.already = already  # rows whose submission id is stored, found by the checker
        self.submitted_by = submitted_by
        self.self_codes = {
            w.id
            for w in intervention.waves
            if (w.settings or {}).get("participant_code") == "self_generated"
        }

    def store(self, chunk: Chunk, submitted_at) -> int:
        """Store the chunk's rows not stored before; returns how many were stored."""
        positions = {number: k for k, number in enumerate(chunk.numbers)}
        metas = [m for m in chunk.metas if m is not None and m.number not in self.already]
        self.participants = known_participants(
            self.dbsession, self.intervention.id, {m.code for m in metas}
        )
        # A new self-generated code may belong to an earlier participant with one element
        # misremembered; submit() decides that, so those rows take the one-by-one path.
        one_by_one = [
            m for m in metas if m.code not in self.participants and m.wave_id in self.self_codes
        ]
        for m in one_by_one:
            self._submit_one(chunk, positions[m.number], m)
        metas = [
            m for m in metas if m.code in self.participants or m.wave_id not in self.self_codes
        ]
        if not metas:
            return len(one_by_one)
        self._create_participants(metas)
        frame = chunk.frame(self.items, [m.number for m in metas])
        scores = self.questionnaire.score_frame(frame)
        flags = self.questionnaire.quality_frame(frame)
        scales = [
            (
                block.id,
                scale.id,
                scores[f"{block.id}.{scale.id}"].to_numpy(),
                scores[f"{block.id}.{scale.id}__items_answered"].to_numpy(),
                scores[f"{block.id}.{scale.id}__band"].to_numpy(),
            )
            for block in self.questionnaire.blocks
            for scale in block.scales
        ]
        flag_columns = [
            (name.replace(".", ":", 1), flags[name].to_numpy()) for name in flags.columns
        ]
        instruments = {b.id: b.version for b in self.questionnaire.blocks}
        user_id = getattr(self.submitted_by, "id", None)
        intervention_id, questionnaire_id = self.intervention.id, self.questionnaire_row.id
        responses = []
        for k, m in enumerate(metas):
            at = positions[m.number]
            # Converted cells are None when missing (see coerce_cell), never "" or NaN.
            answers = {
                item_id: values[at]
                for item_id, values in chunk.answers.items()
                if values[at] is not None
            }
            responses.append(
                {
                    "submission_id": m.submission_id,
                    "intervention_id": intervention_id,
                    "participant_id": self.participants[m.code][0],
                    "wave_id": m.wave_id,
                    "questionnaire_id": questionnaire_id,
                    "answers": answers,
                    "instruments": instruments,
                    "language": m.language,
                    "mode": "import",
                    "duration_seconds": None,
                    "quality_flags": sorted({name for name, on in flag_columns if on[k]}),
                    "submitted_at": submitted_at,
                    "received_at": submitted_at,  # a file's rows arrive as they are stored
                    "submitted_by_id": user_id,
                }
            )
        # COPY on PostgreSQL, multi-row INSERT ... RETURNING elsewhere (bulk_rows).
        ids = insert_rows(self.dbsession, Response.__table__, responses, ids=True)
        score_rows = [
            {
                "response_id": response_id,
                "instrument_key": block_id,
                "scale": scale_id,
                "value": None if np.isnan(values[k]) else float(values[k]),
                "items_answered": int(answered[k]),
                "band": bands[k],
            }
            for k, response_id in enumerate(ids)
            for block_id, scale_id, values, answered, bands in scales
        ]
        insert_rows(self.dbsession, Score.__table__, score_rows)
        if self.intervention.webhooks:
            self._tell_webhooks(metas, responses, ids, score_rows)
        return len(responses) + len(one_by_one)

    def _tell_webhooks(self, metas, responses, ids, score_rows) -> None:
        """A ``response.stored`` event per stored row, in the import's transaction."""
        labels = {w.id: w.label for w in self.intervention.waves}
        scores: dict[int, dict] = {}
        for s in score_rows:
            by = scores.setdefault(s["response_id"], {})
            by.setdefault(s["instrument_key"], {})[s["scale"]] = s["value"]
        webhooks.raise_events(
            self.dbsession,
            "response.stored",
            [
                (
                    self.intervention.id,
                    self.site.id,
                    webhooks.response_payload(
                        response_id=response_id,
                        participant_code=m.code,
                        wave=labels.get(m.wave_id, ""),
                        mode="import",
                        submitted_at=values["submitted_at"],
                        answers=values["answers"],
                        scores=scores.get(response_id, {}),
                    ),
                )
                for m, values, response_id in zip(metas, responses, ids, strict=True)
            ],
        )

    def _submit_one(self, chunk: Chunk, at: int, m: RowMeta) -> None:
        answers = {
            item_id: values[at]
            for item_id, values in chunk.answers.items()
            if not is_missing(values[at])
        }
        submit(
            self.dbsession,
            Submission(
                submission_id=m.submission_id,
                intervention=self.intervention,
                site=self.site,
                wave=m.wave,
                participant_code=m.code,
                answers=answers,
                language=m.language,
                mode="import",
                group=m.group,
                submitted_by=self.submitted_by,
                code_elements=True,
            ),
        )

    def _create_participants(self, metas: list[RowMeta]) -> None:
        new: dict[str, RowMeta] = {}
        for m in metas:
            if m.code not in self.participants and m.code not in new:
                new[m.code] = m
        if not new:
            return
        rows = [
            {
                "intervention_id": self.intervention.id,
                "site_id": self.site.id,
                "code": code,
                "group_name": m.group,
                "created_at": utcnow(),
            }
            for code, m in new.items()
        ]
        created = insert_rows(self.dbsession, Participant.__table__, rows, ids=True)
        for pid, row in zip(created, rows, strict=True):
            self.participants[row["code"]] = (pid, self.site.id)
