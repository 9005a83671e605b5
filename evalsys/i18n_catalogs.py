"""Keep the translation catalogs in step with the code: extract, merge, compile.

Run ``python -m evalsys.i18n_catalogs`` (or ``make translations``) after changing UI text, then
translate the new empty ``msgstr`` entries in ``evalsys/locale/nl/LC_MESSAGES/evalsys.po``.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "evalsys" / "locale"
POT = LOCALE / "evalsys.pot"
LANGUAGES = ("nl", "en")


def pybabel(*args: str) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # babel.cfg's patterns are relative to the project
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    finally:
        os.chdir(cwd)


def extract(output: Path = POT) -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_",
        "-k",
        "translate",
        "-o",
        str(output),
        "--no-location",
        "--omit-header",
        "--sort-output",
        "--no-wrap",
        ".",
    )


def update() -> None:
    extract()
    for language in LANGUAGES:
        pybabel(
            "update",
            "-D",
            "evalsys",
            "-i",
            str(POT),
            "-d",
            str(LOCALE),
            "-l",
            language,
            "--no-wrap",
            "--omit-header",
            "--ignore-obsolete",
            "--no-fuzzy-matching",
        )
    compile_catalogs()


def compile_catalogs() -> None:
    """Write the .mo files; untranslated and fuzzy entries fall back to the English text."""
    for language in LANGUAGES:
        folder = LOCALE / language / "LC_MESSAGES"
        with (folder / "evalsys.po").open("rb") as po:
            catalog = read_po(po, locale=language)
        catalog.fuzzy = False  # `pybabel update` marks the header fuzzy; entries are what count
        with (folder / "evalsys.mo").open("wb") as mo:
            write_mo(mo, catalog, use_fuzzy=False)


if __name__ == "__main__":
    update()
