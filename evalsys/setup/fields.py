"""What the set-up steps share: SetupError, the name and slug rules, the audit of a change."""

from __future__ import annotations

import re

from evalsys import audit
from evalsys.i18n import _
from evalsys.programme.models import Intervention
from surveys.validation import has_control_characters

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")
SLUG_RULE = _("Use 2 to 64 lower-case letters, digits and dashes, like samen-sterk.")
NOT_CHANGEABLE = _("This field cannot be changed here.")
CONTROL_CHARACTERS = _(
    "This text contains a hidden control character. Type it again instead of pasting it."
)


class SetupError(ValueError):
    """A set-up step cannot be done; ``field`` names the input that is wrong."""

    def __init__(self, field: str, code: str, message, *, conflict: bool = False):
        super().__init__(message)  # a TranslationString: web forms translate args[0]
        self.field = field
        self.code = code
        self.conflict = conflict  # True: clashes with what exists (HTTP 409), else invalid (422)

    @property
    def message(self) -> str:
        """The English text (what the JSON API sends)."""
        text = self.args[0]
        return text.interpolate() if hasattr(text, "interpolate") else str(text)

    @property
    def details(self) -> list[dict]:
        return [{"field": self.field, "code": self.code, "message": self.message}]


def checked_name(value) -> str:
    """A name, stripped: required, at most 200 characters."""
    value = (value or "").strip()
    if not value or len(value) > 200:
        raise SetupError("name", "required", _("Give a name of at most 200 characters."))
    return checked_text("name", value)


def checked_text(field: str, value, *, multiline: bool = False) -> str:
    """A text as given (None: empty), refused when it holds a control character: PostgreSQL
    refuses NUL, and no name or description needs one (``multiline``: tabs and line breaks)."""
    value = value or ""
    if has_control_characters(value, multiline=multiline):
        raise SetupError(field, "invalid_characters", CONTROL_CHARACTERS)
    return value


def record_change(dbsession, actor, action: str, intervention: Intervention, **details) -> None:
    """Audit a change to ``intervention`` when an ``actor`` made it."""
    if actor is None:
        return
    audit.record(
        dbsession,
        action,
        actor=actor,
        target_type="intervention",
        target_id=intervention.slug,
        intervention_id=intervention.id,
        **details,
    )
