"""Which items apply to a response: the conditions of block, groups and items, in form order.

An item applies when its block's condition, the condition of every group it is nested in and
its own condition hold. Conditions are read in form order over the answers given so far, and
the answer to an item that does not apply counts as not given in every later condition: a
hidden item hides what depends on it, down the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from surveys.model import InstrumentDefinition


def hidden_items(
    blocks: Iterable[InstrumentDefinition], answers: Mapping[str, Any]
) -> frozenset[str]:
    """The ids of the items of ``blocks`` (in order) that do not apply to ``answers``.

    Parameters
    ----------
    blocks : iterable of InstrumentDefinition
        The blocks of a questionnaire in form order (or one instrument).
    answers : mapping
        Item id to value, over all blocks.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> from surveys import parse_instrument
    >>> inst = parse_instrument('''
    ... id: smoke
    ... version: "1"
    ... title: {en: Smoking}
    ... languages: {en: original}
    ... items:
    ...   - {id: smokes, type: single_choice, text: {en: "Do you smoke?"},
    ...      options: [{value: 1, label: {en: "Yes"}}, {value: 0, label: {en: "No"}}]}
    ...   - {id: per_day, type: number, text: {en: "How many a day?"}, min: 0, max: 80,
    ...      relevant: "${smokes} = 1"}
    ...   - {id: quit, type: number, text: {en: "Tried to quit how often?"}, min: 0, max: 50,
    ...      relevant: "${per_day} > 10"}
    ... ''')
    >>> sorted(hidden_items([inst], {"smokes": 0, "per_day": 20}))
    ['per_day', 'quit']
    """
    seen: dict[str, Any] | None = None  # the answers conditions read; copied on first need
    hidden: set[str] = set()
    for block in blocks:
        if not block.has_conditions:
            continue
        if seen is None:
            seen = dict(answers)
        block_shown = block.condition is None or block.condition.holds(seen)
        groups: dict[str, bool] = {}
        for item in block.items:
            condition = item.relevant_condition
            shown = (
                block_shown
                and _group_holds(block, item.group, seen, groups)
                and (condition is None or condition.holds(seen))
            )
            if not shown:
                hidden.add(item.id)
                seen.pop(item.id, None)
    return frozenset(hidden)


def _group_holds(
    block: InstrumentDefinition, group_id: str | None, seen: Mapping, known: dict[str, bool]
) -> bool:
    """Whether the group and every group around it hold; each is judged once, at its first item."""
    if group_id is None:
        return True
    if group_id not in known:
        try:
            group = block.group(group_id)
        except KeyError:  # a definition built in code may name a group it lacks
            known[group_id] = True
            return True
        known[group_id] = False  # guards against a parent loop in a definition built in code
        condition = group.condition
        known[group_id] = _group_holds(block, group.parent, seen, known) and (
            condition is None or condition.holds(seen)
        )
    return known[group_id]
