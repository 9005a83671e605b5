"""A questionnaire as XLSForm rows (the dictionary pyxform reads), and as an XForm made by pyxform.

:func:`xlsform_rows` turns the instruments into the ``survey`` and ``choices`` rows of an
XLSForm (made by :mod:`surveys.xlsform_rows`): one group per instrument, its groups nested
within, an item per row with its condition (``relevant``), range and missing-data codes,
labels and hints in every language. A
caller puts its own rows before them (a participant code, consent) and gives the settings;
:func:`xform` hands the whole to pyxform, the reference implementation of XLSForm, so the XForm
is what ODK Collect and Enketo expect. The workbook export (surveys.xlsform_export) can write
the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from surveys.questionnaire import Questionnaire
from surveys.xlsform_rows import XLSFORM_TYPES, questionnaire_rows, texts
from surveys.xlsform_sheets import language_label


class XFormError(ValueError):
    """pyxform refused the rows; the message is pyxform's."""


def languages_of(questionnaire: Questionnaire, default_language: str = "nl") -> list[str]:
    """Every language an instrument of the questionnaire has, the default one first."""
    found = {lang for block in questionnaire.blocks for lang in block.languages}
    found |= {lang for block in questionnaire.blocks for lang in block.title}
    found.add(default_language)
    return [default_language, *sorted(found - {default_language})]


def xlsform_rows(
    questionnaire: Questionnaire, languages: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``survey`` and ``choices`` rows of the questionnaire's instruments.

    Item ids are the XForm field names, so an instance's fields map back to answers by name
    (ids are unique across a questionnaire). Option values (and missing-data codes) are the
    choice names; conditions are the items' and groups' ``relevant``.
    """
    return questionnaire_rows(questionnaire, languages, odk=True)


def xform(
    survey: Iterable[dict[str, Any]],
    choices: Iterable[dict[str, Any]],
    *,
    form_id: str,
    title: str,
    version: str,
    default_language: str = "nl",
) -> str:
    """The XForm (XML text) of XLSForm rows, made by pyxform; XFormError if it refuses them."""
    workbook = {
        "survey": list(survey),
        "choices": list(choices),
        "settings": [
            {
                "form_title": title,
                "form_id": form_id,
                "version": version,
                "default_language": language_label(default_language),
            }
        ],
    }
    try:
        return convert(xlsform=workbook, warnings=[], form_name="data").xform
    except PyXFormError as error:
        raise XFormError(str(error)) from None


__all__ = ["XLSFORM_TYPES", "XFormError", "languages_of", "texts", "xform", "xlsform_rows"]
