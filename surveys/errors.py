"""Errors: a broken instrument file (InstrumentError) and a wrong answer (FieldError)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Stable codes of answer errors; the web app and API may rely on these strings.
FIELD_ERROR_CODES = (
    "unknown_item",
    "required",
    "out_of_range",
    "wrong_type",
    "too_long",
    "invalid_option",
)

# Plain language (B1). Keys are (code, detail); detail picks a wording per item type.
_MESSAGES: dict[tuple[str, str], dict[str, str]] = {
    ("unknown_item", ""): {
        "en": "This question is not part of this questionnaire.",
        "nl": "Deze vraag hoort niet bij deze vragenlijst.",
    },
    ("required", ""): {
        "en": "Please answer this question.",
        "nl": "Geef hier een antwoord.",
    },
    ("out_of_range", ""): {
        "en": "Please give a number from {min} to {max}.",
        "nl": "Geef een getal van {min} tot en met {max}.",
    },
    ("too_long", ""): {
        "en": "Your answer is too long. Please use at most {max_length} characters.",
        "nl": "Uw antwoord is te lang. Gebruik niet meer dan {max_length} tekens.",
    },
    ("invalid_option", ""): {
        "en": "This is not one of the answers you can choose.",
        "nl": "Dit is geen antwoord dat u kunt kiezen.",
    },
    ("wrong_type", "choice"): {
        "en": "Please choose one of the answers.",
        "nl": "Kies een van de antwoorden.",
    },
    ("wrong_type", "multiple_choice"): {
        "en": "Please choose one or more of the answers.",
        "nl": "Kies een of meer van de antwoorden.",
    },
    ("wrong_type", "number"): {
        "en": "Please give a number.",
        "nl": "Geef een getal.",
    },
    ("wrong_type", "year"): {
        "en": "Please give a year, for example 1990.",
        "nl": "Geef een jaartal, bijvoorbeeld 1990.",
    },
    ("wrong_type", "text"): {
        "en": "Please type your answer as text.",
        "nl": "Typ uw antwoord als tekst.",
    },
}


def field_message(code: str, detail: str = "", lang: str = "en", **params: Any) -> str:
    """The participant-facing message for an error code, in ``lang`` ('en' or 'nl')."""
    texts = _MESSAGES.get((code, detail)) or _MESSAGES[(code, "")]
    return texts.get(lang, texts["en"]).format(**params)


@dataclass(frozen=True)
class FieldError:
    """One problem with one answer.

    Attributes
    ----------
    field : str
        The item id (for a questionnaire: the item id, which is unique across it).
    code : str
        One of :data:`FIELD_ERROR_CODES`.
    message : str
        Plain English (B1) for the participant or coordinator.
    message_nl : str
        The same in Dutch.
    value : Any
        The offending value as given (None for a missing answer).
    """

    field: str
    code: str
    message: str
    message_nl: str
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def text(self, lang: str = "nl") -> str:
        """The message in ``lang``: 'nl' or 'en' (English for any other language)."""
        return self.message_nl if lang == "nl" else self.message

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the API's ``details`` list."""
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "message_nl": self.message_nl,
        }


def make_field_error(
    item_id: str, code: str, value: Any = None, detail: str = "", **params: Any
) -> FieldError:
    """Build a FieldError with both language messages."""
    return FieldError(
        field=item_id,
        code=code,
        message=field_message(code, detail, "en", **params),
        message_nl=field_message(code, detail, "nl", **params),
        value=value,
        params=params,
    )


class InstrumentError(ValueError):
    """An instrument or questionnaire definition is broken.

    The message names the source (file), the key path (``items[3].options``) and the problem,
    one line per problem; ``problems`` holds ``(path, problem)`` pairs.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = list(problems)
        lines = [
            f"{source}: {path}: {problem}" if path else f"{source}: {problem}"
            for path, problem in self.problems
        ]
        super().__init__("\n".join(lines))


class UnknownInstrumentError(InstrumentError, LookupError):
    """No bundled or registered instrument has this id (and version)."""
