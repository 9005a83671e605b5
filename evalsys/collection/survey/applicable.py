"""Which pages and questions of the survey apply, given the answers so far.

``surveys`` decides (``Questionnaire.not_applicable``: block, group and item conditions); this
module turns that into the survey's pages. A page (a block) whose questions all do not apply
is skipped, forward and back, and not counted in "part 3 of 5". A question whose condition
names an answer on its own page cannot be decided before the page is sent: it is shown with
its condition in words and a marker for the page's script (static/conditions.js), which hides
it while the condition does not hold; the server decides when the page is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import surveys
from evalsys.collection.condition_text import (
    UnreadableCondition,
    condition_tree,
    in_words,
    names_in,
    wording_for,
)
from evalsys.collection.survey.text import in_language
from surveys.model import CHOICE_TYPES

QUESTION_IN_WORDS = 70  # characters of a question's text quoted in a condition


def not_applicable(questionnaire: surveys.Questionnaire, answers: Mapping[str, Any]) -> frozenset:
    """Item ids whose condition does not hold for ``answers`` (surveys decides)."""
    return questionnaire.not_applicable(answers)


def without_hidden(
    questionnaire: surveys.Questionnaire, answers: Mapping[str, Any]
) -> tuple[dict, set[str]]:
    """The answers without those to questions that do not apply, and the ids dropped.

    In the participant survey a question can stop applying after it was answered: the
    participant went back and changed the answer it depends on, or answered it on a page
    without script before choosing the answer that hides it. The participant could not know,
    so the survey clears such answers before checking the page (as ODK Collect and XLSForm
    clear irrelevant values) instead of refusing them. Paper entry, import and the API do not:
    there an answer to a question that does not apply is an error that says why.
    """
    hidden = not_applicable(questionnaire, answers)
    dropped = {k for k in answers if k in hidden}
    return {k: v for k, v in answers.items() if k not in dropped}, dropped


def pages_that_apply(questionnaire: surveys.Questionnaire, answers: Mapping[str, Any]) -> list[int]:
    """Indexes of the blocks with at least one question that applies."""
    hidden = not_applicable(questionnaire, answers)
    return [
        index
        for index, block in enumerate(questionnaire.blocks)
        if not block.items or any(item.id not in hidden for item in block.items)
    ]


def pages_to_count(
    questionnaire: surveys.Questionnaire, answers: Mapping[str, Any], page: int
) -> list[int]:
    """The pages "part n of N" counts while ``page`` is shown: those that apply, and the later
    ones whose conditions name a question of this page or a later one (not decided yet, so
    they count until an answer makes them not apply)."""
    applying = set(pages_that_apply(questionnaire, answers))
    blocks = questionnaire.blocks
    owner = {item.id: index for index, block in enumerate(blocks) for item in block.items}
    counted = []
    for index, block in enumerate(blocks):
        if index in applying or index == page:
            counted.append(index)
        elif index > page and any(owner.get(name, -1) >= page for name in _names_of(block)):
            counted.append(index)
    return counted


def _names_of(block: surveys.Instrument) -> set[str]:
    """The item ids the block's, its groups' and its items' conditions name."""
    conditions = [block.condition, *(g.condition for g in block.groups)]
    conditions += [item.relevant_condition for item in block.items]
    return {name for c in conditions if c is not None for name in c.names}


def next_page(pages: list[int], page: int) -> int | None:
    """The first page that applies after ``page``; None after the last."""
    return next((p for p in pages if p > page), None)


def previous_page(pages: list[int], page: int) -> int | None:
    """The last page that applies before ``page``; None before the first."""
    return next((p for p in reversed(pages) if p < page), None)


@dataclass
class Part:
    """One thing on a page: a question, or a group (a fieldset) holding questions and groups.

    ``relevant`` is the condition tree for the page's script when the condition names an
    answer on this page (else None: the server has decided); ``words`` says it in words.
    """

    item: surveys.Item | None = None
    group: Any = None
    children: list[Part] = field(default_factory=list)
    relevant: dict | None = None
    words: str = ""
    missing: tuple = ()


def page_parts(
    questionnaire: surveys.Questionnaire,
    block: surveys.Instrument,
    answers: Mapping[str, Any],
    language: str,
    translate: Callable,
) -> list[Part]:
    """The page of ``block`` as parts in form order: its groups as nested parts, its
    questions that apply (or that an answer on this page decides), each with its missing-data
    codes. ``answers`` are those of the other pages."""
    own = {item.id for item in block.items}
    earlier = {k: v for k, v in answers.items() if k not in own}
    hidden = not_applicable(questionnaire, earlier)
    groups = {g.id: g for g in getattr(block, "groups", ()) or ()}
    items = {i.id: i for b in questionnaire.blocks for i in b.items}
    wording = wording_for(items, language, lambda item: _quoted(item, language))

    def live(condition: str | None) -> tuple[dict | None, str]:
        """The tree and the words of a condition an answer on this page decides."""
        if not condition:
            return None, ""
        try:
            tree = condition_tree(condition)
        except UnreadableCondition:
            return None, ""
        if not names_in(tree) & own:
            return None, ""
        return tree, in_words(condition, wording, translate)

    top: list[Part] = []
    open_groups: list[tuple[str, Part]] = []
    for item in block.items:
        path = _group_path(groups, getattr(item, "group", None))
        relevant, words = live(getattr(item, "relevant", None))
        decided_here = relevant is not None or any(
            live(getattr(groups[g], "relevant", None))[0] for g in path
        )
        if item.id in hidden and not decided_here:
            continue
        if relevant is None and decided_here and getattr(item, "relevant", None):
            # Its group is decided on this page; its own condition (on earlier pages) the
            # script checks along, so that it stays hidden when that one does not hold.
            try:
                relevant = condition_tree(item.relevant)
            except UnreadableCondition:
                relevant = None
        while open_groups and (
            len(open_groups) > len(path) or open_groups[-1][0] != path[len(open_groups) - 1]
        ):
            open_groups.pop()
        for group_id in path[len(open_groups) :]:
            group_relevant, group_words = live(getattr(groups[group_id], "relevant", None))
            part = Part(group=groups[group_id], relevant=group_relevant, words=group_words)
            (open_groups[-1][1].children if open_groups else top).append(part)
            open_groups.append((group_id, part))
        part = Part(item=item, relevant=relevant, words=words, missing=missing_codes(block, item))
        (open_groups[-1][1].children if open_groups else top).append(part)
    return top


def missing_codes(block: surveys.Instrument, item: surveys.Item) -> tuple:
    """The missing-data codes an item takes ("Rather not say"): its own, else the block's."""
    if item.type not in (*CHOICE_TYPES, "number", "year"):
        return ()
    own = tuple(getattr(item, "missing", ()) or ())
    return own or tuple(getattr(block, "missing_codes", ()) or ())


def _group_path(groups: dict, group_id: str | None) -> list[str]:
    """The ids of the groups an item is in, outermost first."""
    path: list[str] = []
    while group_id and group_id in groups and group_id not in path:
        path.append(group_id)
        group_id = getattr(groups[group_id], "parent", None)
    return path[::-1]


def _quoted(item: surveys.Item, language: str) -> str:
    text = " ".join(in_language(item.text, language).split())
    if len(text) > QUESTION_IN_WORDS:
        text = text[: QUESTION_IN_WORDS - 1].rstrip() + "…"
    return f"“{text}”"
