"""Keep the translation catalogs in step with the code: extract, merge, compile.

Run ``python -m evalsys.i18n_catalogs`` (or ``make translations``) after changing UI text, then
translate the new empty ``msgstr`` entries in ``evalsys/locale/nl/LC_MESSAGES/evalsys.po``.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

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
        )
    compile_catalogs()


def compile_catalogs() -> None:
    pybabel("compile", "-D", "evalsys", "-d", str(LOCALE), "--use-fuzzy")


if __name__ == "__main__":
    update()
