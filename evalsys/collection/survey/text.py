"""Picking an instrument text in the participant's language."""

from __future__ import annotations

FALLBACKS = ("nl", "en")


def in_language(texts: dict[str, str] | None, language: str) -> str:
    if not texts:
        return ""
    for code in (language, *FALLBACKS):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()))


def survey_languages(questionnaire) -> list[str]:
    """Languages every block of the questionnaire has text in; Dutch and English first."""
    common = None
    for block in questionnaire.blocks:
        have = set(block.languages) or {"nl", "en"}
        common = have if common is None else common & have
    common = common or {"nl"}
    ordered = [code for code in FALLBACKS if code in common]
    return ordered + sorted(common - set(FALLBACKS))
