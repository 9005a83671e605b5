"""Why a submission cannot be stored (evalsys.collection.submissions): each with a stable
``code`` and a message that says what to do; the API, the pages and the import word them."""

from __future__ import annotations

import surveys
from evalsys.collection import issued_codes


class SubmissionError(Exception):
    """The submission cannot be stored; ``code`` is stable, the message says what to do."""

    code = "invalid_submission"

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidAnswers(SubmissionError):
    code = "invalid_answers"

    def __init__(self, errors: list[surveys.FieldError], language: str = "nl"):
        self.errors = errors
        super().__init__(
            "1 answer is not valid; correct it and send again"
            if len(errors) == 1
            else f"{len(errors)} answers are not valid; correct them and send again",
            [{"field": e.field, "code": e.code, "message": e.text(language)} for e in errors],
        )


class AlreadyAnswered(SubmissionError):
    code = "already_answered"


class WrongSite(SubmissionError):
    code = "participant_at_other_site"


class CodeNotIssued(SubmissionError):
    """The wave takes only issued codes, and this one is mistyped or not issued for the site.

    ``reason`` is ``mistyped`` (the check character does not fit, or it is no code at all) or
    ``not_issued`` (a well-formed code that this site's lists do not hold).
    """

    code = "code_not_issued"

    def __init__(self, error: issued_codes.NotAnIssuedCode):
        self.reason = error.reason
        super().__init__(
            str(error), [{"field": "participant_code", "code": error.reason, "message": str(error)}]
        )


class SubmissionIdReused(SubmissionError):
    """The submission_id is stored for another intervention, wave or site."""

    code = "submission_id_reused"

    def __init__(self):
        super().__init__(
            "this submission_id was already used for another questionnaire or site; "
            "use a new UUID for every new submission",
            [{"field": "submission_id", "code": "conflict", "message": "already used"}],
        )


class SubmissionConflict(SubmissionError):
    """The submission_id is stored with other answers or for another participant."""

    code = "submission_conflict"

    def __init__(self):
        super().__init__(
            "this submission_id was already stored with other answers or another participant "
            "code; a retry sends exactly the same answers, a new submission a new UUID",
            [{"field": "submission_id", "code": "conflict", "message": "stored differently"}],
        )
