"""Counted messages in the form their number asks for: "1 answer is", "2 answers are", in the
Python code (evalsys.i18n.ngettext) and in the templates (jinja2's ngettext)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyramid.i18n import make_localizer

from evalsys.i18n import Plural, ngettext, translate

LOCALE = str(Path(__file__).resolve().parents[3] / "evalsys" / "locale")
TEMPLATES = Path(__file__).resolve().parents[3] / "evalsys"


class PageRequest:
    """What evalsys.i18n.translate reads of a request: its localizer (the real catalogs)."""

    def __init__(self, language: str):
        self.localizer = make_localizer(language, [LOCALE])


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 answer is not valid (brs_1)."),
        (2, "2 answers are not valid (brs_1)."),
        (0, "0 answers are not valid (brs_1)."),
    ],
)
def test_the_number_picks_the_form(language, count, expected):
    message = ngettext(
        "${count} answer is not valid (${problems}).",
        "${count} answers are not valid (${problems}).",
        count,
    )
    assert isinstance(message, Plural)
    text = translate(PageRequest(language), message, mapping={"problems": "brs_1"})
    # not in the catalog yet: both languages show the English form the number asks for
    assert text == expected


def test_no_template_counts_with_a_bracketed_plural():
    """ "question(s)" reads badly in both languages: templates use ngettext instead."""
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.jinja2")
        if re.search(r"[a-z]\((s|en)\)", path.read_text())
    ]
    assert found == []
