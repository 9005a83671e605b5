"""A question's condition (XLSForm ``relevant``) in plain words, and as the small tree the
survey page's script evaluates.

``surveys.conditions`` decides whether a condition holds; this module only shows one: "Only if
you answered 'Yes' to question 3" on the paper form and beside a question whose condition the
participant's answer on the same page decides. It reads the condition with
:func:`surveys.conditions.parse_condition`; a part it has no words for is shown as written,
never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evalsys.i18n import _
from surveys.conditions import (
    And,
    CountSelected,
    Literal,
    Not,
    Or,
    Ref,
    Selected,
    parse_condition,
)
from surveys.conditions import ConditionError as UnreadableCondition


def condition_tree(text: str) -> dict[str, Any]:
    """The condition as nested dicts (JSON), for the survey page's script and for words.

    Read by :func:`surveys.conditions.parse_condition` (a text it refuses raises its
    ``ConditionError``). Nodes: ``{"and": [...]}``, ``{"or": [...]}``, ``{"not": node}``,
    ``{"cmp": op, "a": operand, "b": operand}``, ``{"selected": item_id, "value": v}``;
    operands ``{"name": item_id}``, ``{"value": v}``, ``{"count": item_id}``.

    Examples
    --------
    >>> condition_tree("${q1} = 1 and not(selected(${q2}, 3))")
    {'and': [{'cmp': '=', 'a': {'name': 'q1'}, 'b': {'value': 1}}, {'not': {'selected': 'q2', \
'value': 3}}]}
    """
    return _tree(parse_condition(text).root)


def _tree(node) -> dict[str, Any]:
    if isinstance(node, And):
        return {"and": [_tree(p) for p in node.parts]}
    if isinstance(node, Or):
        return {"or": [_tree(p) for p in node.parts]}
    if isinstance(node, Not):
        return {"not": _tree(node.inner)}
    if isinstance(node, Selected):
        return {"selected": node.ref.name, "value": _value(node.value.value)}
    return {"cmp": node.op, "a": _operand(node.left), "b": _operand(node.right)}


def _operand(node) -> dict[str, Any]:
    if isinstance(node, Ref):
        return {"name": node.name}
    if isinstance(node, CountSelected):
        return {"count": node.ref.name}
    if isinstance(node, Literal):
        return {"value": _value(node.value)}
    raise UnreadableCondition(".", "a question's condition cannot read its own answer (.)")


def _value(value: float | str) -> float | int | str:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def names_in(tree: dict[str, Any]) -> set[str]:
    """The item ids a condition tree names."""
    found: set[str] = set()
    for key, value in tree.items():
        if key in ("name", "count", "selected"):
            found.add(value)
        elif isinstance(value, dict):
            found |= names_in(value)
        elif isinstance(value, list):
            for part in value:
                found |= names_in(part)
    return found


@dataclass(frozen=True)
class Wording:
    """How a sentence names a question and an answer: on paper "question 3", in the web survey
    the question's own text; ``answer`` gives an option's label (None: not an option)."""

    question: Callable[[str], str]
    answer: Callable[[str, Any], str | None]


def wording_for(items: dict, language: str, question: Callable[[Any], str]) -> Wording:
    """A :class:`Wording` over ``items`` (item id -> surveys.Item): ``question`` names an
    item; answers are the labels of its options and missing-data codes in ``language``."""

    def answer(item_id: str, value) -> str | None:
        item = items.get(item_id)
        if item is None:
            return None
        for option in (*item.options, *getattr(item, "missing", ())):
            if option.value == value:
                labels = option.labels
                return labels.get(language) or labels.get("nl") or next(iter(labels.values()), "")
        return None

    def name(item_id: str) -> str:
        item = items.get(item_id)
        return question(item) if item is not None else item_id

    return Wording(name, answer)


def in_words(text: str, wording: Wording, translate: Callable) -> str:
    """The sentence "Only if ..." for a condition, in the language of ``translate``.

    A condition this module cannot read is given as written ("Only if this condition holds:
    ${q1} = 1"), so a person still sees that the question does not always apply.
    """
    try:
        phrase = _phrase(condition_tree(text), wording, translate)
    except (UnreadableCondition, _NoWords):
        written = _("Only if this condition holds: ${condition}", mapping={"condition": text})
        return translate(written)
    return translate(_("Only if ${condition}.", mapping={"condition": phrase}))


class _NoWords(Exception):
    """A part of the condition has no plain-words form: the whole is shown as written."""


def _phrase(node: dict[str, Any], wording: Wording, t: Callable) -> str:
    if "and" in node or "or" in node:
        word = "and" if "and" in node else "or"
        parts = [_phrase(part, wording, t) for part in node[word]]
        joined = parts[0]
        for part in parts[1:]:
            message = _("${a} and ${b}", mapping={"a": joined, "b": part})
            if word == "or":
                message = _("${a} or ${b}", mapping={"a": joined, "b": part})
            joined = t(message)
        return joined
    if "not" in node:
        inner = node["not"]
        if "selected" in inner:
            return _selected(inner, wording, t, negated=True)
        if inner.get("cmp") in ("=", "!="):  # not(${a} = 1) says ${a} != 1
            flipped = {**inner, "cmp": "!=" if inner["cmp"] == "=" else "="}
            return _comparison(flipped, wording, t)
        return t(
            _("it is not so that ${condition}", mapping={"condition": _phrase(inner, wording, t)})
        )
    if "selected" in node:
        return _selected(node, wording, t, negated=False)
    if "cmp" in node:
        return _comparison(node, wording, t)
    raise _NoWords()


def _selected(node, wording: Wording, t, *, negated: bool) -> str:
    name, value = node["selected"], node["value"]
    mapping = {"question": wording.question(name), "answer": wording.answer(name, value) or value}
    if negated:
        return t(_("you did not choose '${answer}' at ${question}", mapping=mapping))
    return t(_("you chose '${answer}' at ${question}", mapping=mapping))


def _comparison(node, wording: Wording, t) -> str:
    op, a, b = node["cmp"], node["a"], node["b"]
    if "value" in a and ("name" in b or "count" in b):  # 1 = ${q}: read as ${q} = 1
        a, b = b, a
        op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
    if "value" not in b:
        raise _NoWords()
    value = b["value"]
    if "count" in a:
        relation = _relation(op, value, t)
        return t(
            _(
                "you chose ${count} answers at ${question}",
                mapping={"count": relation, "question": wording.question(a["count"])},
            )
        )
    if "name" not in a:
        raise _NoWords()
    name = a["name"]
    question = wording.question(name)
    if value == "" and op in ("=", "!="):
        if op == "=":
            return t(_("you left ${question} empty", mapping={"question": question}))
        return t(_("you answered ${question}", mapping={"question": question}))
    label = wording.answer(name, value)
    if op in ("=", "!=") and (label is not None or isinstance(value, str)):
        mapping = {"question": question, "answer": label if label is not None else value}
        if op == "=":
            return t(_("you answered '${answer}' to ${question}", mapping=mapping))
        return t(_("you did not answer '${answer}' to ${question}", mapping=mapping))
    return t(
        _(
            "your answer to ${question} is ${relation}",
            mapping={"question": question, "relation": _relation(op, value, t)},
        )
    )


def _relation(op: str, value, t) -> str:
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    messages = {
        ">": _("more than ${value}", mapping={"value": shown}),
        ">=": _("at least ${value}", mapping={"value": shown}),
        "<": _("less than ${value}", mapping={"value": shown}),
        "<=": _("at most ${value}", mapping={"value": shown}),
        "!=": _("not ${value}", mapping={"value": shown}),
    }
    return t(messages[op]) if op in messages else shown
