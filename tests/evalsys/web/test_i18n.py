"""Translation catalogs: every UI string is extracted, translated into Dutch, and compiled."""

from __future__ import annotations

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from evalsys import i18n_catalogs


def message_ids(catalog) -> set[str]:
    return {message.id for message in catalog if message.id}


def test_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "evalsys.pot"
    i18n_catalogs.extract(fresh)
    with fresh.open("rb") as new, i18n_catalogs.POT.open("rb") as committed:
        missing = message_ids(read_po(new)) - message_ids(read_po(committed))
    assert missing == set(), "new UI text: run `make translations` and translate it"


def test_every_message_has_a_dutch_translation():
    with i18n_catalogs.POT.open("rb") as template:
        wanted = message_ids(read_po(template))
    with (i18n_catalogs.LOCALE / "nl/LC_MESSAGES/evalsys.po").open("rb") as po:
        dutch = {m.id: m.string for m in read_po(po) if m.id}
    assert wanted
    assert sorted(i for i in wanted if not dutch.get(i)) == []


def _key(value):
    """A message id or text; a plural's forms (a list from a .mo, a tuple from a .po) as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogs_match_their_sources():
    for language in i18n_catalogs.LANGUAGES:
        folder = i18n_catalogs.LOCALE / language / "LC_MESSAGES"
        with (folder / "evalsys.po").open("rb") as po, (folder / "evalsys.mo").open("rb") as mo:
            source = {_key(m.id): _key(m.string) for m in read_po(po) if m.id and any(m.string)}
            compiled = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
        # An untranslated plural is compiled with its English forms (babel's write_mo).
        compiled = {
            i: t
            for i, t in compiled.items()
            if i in source or not (isinstance(i, tuple) and t == i)
        }
        assert compiled == source, f"run `make translations` to recompile {language}"


def _texts(language: str) -> list[tuple[str, str]]:
    """(msgid, what the page shows) for every message: the translation, or the English id."""
    with (i18n_catalogs.LOCALE / language / "LC_MESSAGES/evalsys.po").open("rb") as po:
        return [
            (m.id, m.string if language != "en" and isinstance(m.string, str) else m.id)
            for m in read_po(po)
            if m.id and isinstance(m.id, str)
        ]


def test_one_word_for_a_round_and_one_register_in_each_language():
    """A wave is a "ronde" on every Dutch page and a "round" on every English one (issue 25),
    and the Dutch pages say "je", never "u", to the participants and staff they speak to."""
    import re

    other_dutch = re.compile(r"\b(meting|metingen|meetmoment|meetmomenten|golf)\b", re.I)
    formal = re.compile(r"\b(u|uw|uzelf)\b", re.I)
    dutch = [text for _, text in _texts("nl")]
    assert [t for t in dutch if other_dutch.search(t)] == []
    assert [t for t in dutch if formal.search(t)] == []
    placeholders = re.compile(r"%\(\w+\)s|\$\{\w+\}")  # ${wave} names a value, not a word
    english = [placeholders.sub("", text) for text, _ in _texts("en")]
    assert [t for t in english if re.search(r"\bwaves?\b", t, re.I)] == []
