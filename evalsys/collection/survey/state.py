"""What a participant has told the survey so far, carried in hidden fields from page to page."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from evalsys.collection.participant_codes import CODE_PATTERN
from evalsys.collection.survey.form import ANSWER_PREFIX, hidden_fields, read_answers

CONSENT_BY = ("participant", "parent")


@dataclass
class SurveyState:
    language: str = "nl"
    submission_id: str = ""
    started: int = 0
    consent_by: str = ""
    code: str = ""
    page: int = 0
    answers: dict = field(default_factory=dict)

    @classmethod
    def start(cls, language: str) -> SurveyState:
        return cls(language=language, submission_id=str(uuid.uuid4()), started=int(time.time()))

    @classmethod
    def from_post(cls, post, blocks, language: str) -> SurveyState:
        """The state the hidden fields carry; a field the survey never wrote so (altered, or
        with a NUL that the database would refuse) is left empty, which starts afresh."""
        try:
            started = int(post.get("_started", "0"))
            page = int(post.get("_page", "0"))
        except ValueError:
            started, page = 0, 0
        code = post.get("_code", "")
        consent_by = post.get("_consent_by", "")
        return cls(
            language=language,
            submission_id=_uuid_text(post.get("_sid", "")),
            started=started,
            consent_by=consent_by if consent_by in CONSENT_BY else "",
            code=code if CODE_PATTERN.fullmatch(code) else "",
            page=page,
            answers=read_answers(post, blocks, prefix=ANSWER_PREFIX),
        )

    def hidden(self, *, skip_block=None) -> list[tuple[str, str]]:
        """Hidden fields for the next form; the answers of ``skip_block`` are on the page itself."""
        own = {item.id for item in skip_block.items} if skip_block is not None else set()
        carried = {k: v for k, v in self.answers.items() if k not in own}
        return [
            ("_sid", self.submission_id),
            ("_started", str(self.started)),
            ("_consent_by", self.consent_by),
            ("_code", self.code),
            ("lang", self.language),
            *hidden_fields(carried),
        ]

    def duration_seconds(self) -> int | None:
        if not self.started:
            return None
        return max(0, int(time.time()) - self.started)


def _uuid_text(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""
