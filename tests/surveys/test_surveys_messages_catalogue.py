"""Answer-error messages in gettext catalogues (surveys/locale): complete, in step, extensible."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from surveys import errors
from surveys.errors import FIELD_ERROR_CODES, field_message, make_field_error
from surveys.model import CHOICE_TYPES, ITEM_TYPES

#: What a wrong_type message's wording depends on: one wording for every choice type, else
#: the item type, and "integer" for a whole-number item (surveys.validation.check_value and
#: surveys.frame pick it so).
WRONG_TYPE_DETAILS = {"choice", "integer"} | set(ITEM_TYPES) - set(CHOICE_TYPES)
SHIPPED = ("en", "nl")


def messages(language: str, locale: Path | None = None) -> dict[str, str]:
    path = (locale or errors.LOCALE) / language / "LC_MESSAGES" / "surveys.po"
    with path.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def comments(language: str) -> dict[str, str]:
    with (errors.LOCALE / language / "LC_MESSAGES" / "surveys.po").open("rb") as po:
        return {m.id: " ".join(" ".join(m.auto_comments).split()) for m in read_po(po) if m.id}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("language", SHIPPED)
def test_every_code_and_wording_has_a_message_and_nothing_else(language):
    wanted = set(FIELD_ERROR_CODES) - {"wrong_type"}
    wanted |= {f"wrong_type.{detail}" for detail in WRONG_TYPE_DETAILS}
    wanted |= {"out_of_range.min", "out_of_range.max"}  # a number with one bound only
    texts = messages(language)
    assert set(texts) == wanted
    assert all(texts.values())


def test_each_translation_takes_the_same_values_as_english():
    english = messages("en")
    assert placeholders(english["out_of_range"]) == {"min", "max"}
    for language in SHIPPED:
        texts = messages(language)
        assert [k for k in english if placeholders(texts[k]) != placeholders(english[k])] == []


def test_the_translator_comments_show_the_other_language():
    """nl's ``#. en: ...`` comment is en's message and the other way round."""
    for language, other in (("nl", "en"), ("en", "nl")):
        texts, notes = messages(other), comments(language)
        stale = [
            f"{key}: #. {other}: {text}"
            for key, text in texts.items()
            if f"{other}: {' '.join(text.split())}" not in notes[key]
        ]
        where = f"surveys/locale/{language}/LC_MESSAGES/surveys.po"
        assert stale == [], f"{where}: set these comments\n" + "\n".join(stale)


def test_messages_come_from_the_catalogue_with_their_values():
    assert field_message("out_of_range", lang="nl", min=0, max=24) == (
        "Geef een getal van 0 tot en met 24."
    )
    assert field_message("wrong_type", "year", "en") == messages("en")["wrong_type.year"]
    # A wording without a message of its own gets the code's message.
    assert field_message("required", "choice", "nl") == messages("nl")["required"]
    error = make_field_error("q1", "too_long", "x" * 11, max_length=10)
    assert "10" in error.message and error.message_nl == messages("nl")["too_long"].format(
        max_length=10
    )


def test_an_unknown_language_gets_english():
    assert field_message("required", lang="xx") == messages("en")["required"]


def write_catalogue(path: Path, texts: dict[str, str], fuzzy=()) -> None:
    catalog = Catalog(locale=None)
    for key, text in texts.items():
        catalog.add(key, text, flags=("fuzzy",) if key in fuzzy else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog)


def test_a_third_language_needs_only_its_catalogue(tmp_path, monkeypatch):
    """What 'xx' translates is used; what it lacks, or marks fuzzy, is English."""
    locale = tmp_path / "locale"
    english = errors.LOCALE / "en" / "LC_MESSAGES" / "surveys.po"
    (locale / "en" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "en" / "LC_MESSAGES" / "surveys.po").write_bytes(english.read_bytes())
    texts = {"required": "Xx-Antwort bitte.", "out_of_range": "Xx {min}..{max}"}
    write_catalogue(
        locale / "xx" / "LC_MESSAGES" / "surveys.po", texts | {"too_long": "?"}, {"too_long"}
    )
    monkeypatch.setattr(errors, "LOCALE", locale)
    assert field_message("required", lang="xx") == "Xx-Antwort bitte."
    assert field_message("out_of_range", lang="xx", min=1, max=5) == "Xx 1..5"
    assert field_message("too_long", lang="xx", max_length=3) == messages("en", locale)[
        "too_long"
    ].format(max_length=3)
    assert (
        field_message("wrong_type", "number", "xx") == messages("en", locale)["wrong_type.number"]
    )
