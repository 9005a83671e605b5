"""Errors: a broken instrument file (InstrumentError) and a wrong answer (FieldError)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Stable codes of answer errors; the web app and API may rely on these strings.
FIELD_ERROR_CODES = (
    "unknown_item",
    "required",
    "out_of_range",
    "wrong_type",
    "too_long",
    "invalid_option",
    "invalid_characters",
    "not_applicable",
    "constraint",
)

#: ``<language>/LC_MESSAGES/surveys.po``, one folder per language; see docs/translating.md.
#: The messages are plain language (B1); a key is the code, or ``code.detail`` where the
#: detail (the item type) picks a wording.
LOCALE = Path(__file__).resolve().parent / "locale"


def field_message(code: str, detail: str = "", lang: str = "en", **params: Any) -> str:
    """The participant-facing message for an error code, in ``lang`` (English if it has none)."""
    messages = _messages(LOCALE, lang if lang in _languages(LOCALE) else "en")
    text = messages.get(f"{code}.{detail}") if detail else None
    return (text or messages[code]).format(**params)


def catalogue_message(domain: str, key: str, lang: str = "en", **params: Any) -> str:
    """The message ``key`` of the catalogue ``<language>/LC_MESSAGES/<domain>.po`` in ``lang``
    (English where the language has none), its ``{placeholders}`` filled from ``params``.

    ``surveys`` holds the participants' answer messages; the instrument readers keep their
    problems in catalogues of their own (``xlsform``, ``redcap``), keyed the same way.
    """
    messages = _messages(LOCALE, lang if lang in _languages(LOCALE) else "en", domain)
    worded = {k: v.text(lang) if isinstance(v, Wording) else v for k, v in params.items()}
    return messages[key].format(**worded)


@dataclass(frozen=True)
class Wording:
    """A keyed message of a catalogue domain, worded in a language only when it is shown.

    A parameter may itself be a Wording (a schema problem inside an import's problem): it is
    worded in the same language. ``str()`` is the English text.
    """

    domain: str
    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English where the language has none)."""
        return catalogue_message(self.domain, self.key, lang, **dict(self.params))

    def __str__(self) -> str:
        return self.text("en")


def worded(domain: str, key: str, **params: Any) -> Wording:
    """A :class:`Wording`; list and set parameters become text (``['en', 'nl']``) so it
    stays hashable."""
    flat = tuple(
        (name, repr(sorted(v)) if isinstance(v, list | set | frozenset | tuple) else v)
        for name, v in params.items()
    )
    return Wording(domain, key, flat)


@functools.cache
def _languages(locale: Path) -> frozenset[str]:
    return frozenset(p.parent.name for p in locale.glob("*/LC_MESSAGES"))


@functools.cache
def _messages(locale: Path, lang: str, domain: str = "surveys") -> dict[str, str]:
    # The .po itself is read, once per process and language: a fixed word needs no build step,
    # and no compiled file can fall behind it. A key the language lacks is taken from English.
    from babel.messages.pofile import read_po  # imported when a message is first needed

    messages: dict[str, str] = {}
    for language in dict.fromkeys(("en", lang)):
        path = locale / language / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as po:
                catalogue = read_po(po)
            # As gettext does, an empty or fuzzy translation counts as missing.
            messages |= {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    return messages


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
    one line per problem; ``problems`` holds ``(path, problem)`` pairs in English. A problem
    given as a :class:`Wording` (the ``schema`` catalogue) can be read in another language:
    ``worded`` keeps the pairs as given, :meth:`lines` words them in ``en`` or ``nl``.
    """

    def __init__(self, source: str, problems: list[tuple[str, str | Wording]]):
        self.source = source
        self.worded = list(problems)
        self.problems = [(path, str(problem)) for path, problem in self.worded]
        # This class's English lines whatever a subclass's lines() give: str() stays as it was.
        super().__init__("\n".join(InstrumentError.lines(self, "en")))

    def texts(self, lang: str = "en") -> list[tuple[str, str]]:
        """``(path, problem)`` pairs with each problem in ``lang``."""
        return [
            (path, problem.text(lang) if isinstance(problem, Wording) else problem)
            for path, problem in self.worded
        ]

    def lines(self, lang: str = "en") -> list[str]:
        """One line per problem in ``lang``: ``source: path: problem``."""
        return [
            f"{self.source}: {path}: {problem}" if path else f"{self.source}: {problem}"
            for path, problem in self.texts(lang)
        ]


class UnknownInstrumentError(InstrumentError, LookupError):
    """No bundled or registered instrument has this id (and version)."""
