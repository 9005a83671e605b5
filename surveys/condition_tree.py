"""The tree of a parsed condition, and how it is evaluated on answers (as XPath 1.0 does).

Answers are compared as XPath 1.0 (and so ODK) compares them: an answer not given is the empty
string ``''``; where one side is a number both are compared as numbers, and a value that is no
number (the empty string) is then equal to nothing and unequal to everything; ``<`` and the
other orderings compare numbers only and do not hold for a value that is none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.errors import Wording, worded

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_NEGATED = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
NUMBER = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)\s*$")


class ConditionError(ValueError):
    """A condition that cannot be read: ``problem`` says why, ``position`` where (0-based).

    ``problem`` and ``str()`` are English; ``wording`` (the problem and where, from the
    ``schema`` catalogue) and ``reason`` (the problem alone) give them in another language.
    """

    def __init__(self, text: str, problem: str | Wording, position: int | None = None):
        self.text = text
        self.reason = problem
        self.problem = str(problem)
        self.position = position
        if position is None:
            self.wording = worded("schema", "condition.in", problem=problem, text=text)
        else:
            self.wording = worded(
                "schema", "condition.at", problem=problem, position=position + 1, text=text
            )
        super().__init__(str(self.wording))


# --- the tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An item's answer: ``${name}``."""

    name: str


@dataclass(frozen=True)
class This:
    """The answer of the item a constraint is on: ``.``."""


@dataclass(frozen=True)
class Literal:
    """A number (float) or a quoted text."""

    value: float | str


@dataclass(frozen=True)
class CountSelected:
    """How many options of a multiple-choice answer are chosen."""

    ref: Ref


Operand = Ref | This | Literal | CountSelected


@dataclass(frozen=True)
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Selected:
    """Whether the option ``value`` is among the answer's chosen options."""

    ref: Ref
    value: Literal


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


Node = Compare | Selected | Not | And | Or


# --- evaluation ----------------------------------------------------------------------------------


def names_of(node) -> set[str]:
    if isinstance(node, Ref):
        return {node.name}
    if isinstance(node, CountSelected | Selected):
        return {node.ref.name}
    if isinstance(node, Compare):
        return names_of(node.left) | names_of(node.right)
    if isinstance(node, Not):
        return names_of(node.inner)
    if isinstance(node, And | Or):
        return set().union(*(names_of(p) for p in node.parts))
    return set()


def uses_this(node) -> bool:
    if isinstance(node, This):
        return True
    if isinstance(node, Compare):
        return uses_this(node.left) or uses_this(node.right)
    if isinstance(node, Not):
        return uses_this(node.inner)
    if isinstance(node, And | Or):
        return any(uses_this(p) for p in node.parts)
    return False


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str | list | tuple | set | frozenset) and len(value) == 0:
        return True
    return False


def _xpath(value: Any) -> float | str:
    """The answer as XPath sees it: a number, or a text (``''`` when not answered)."""
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(_option_text(v) for v in value)
    try:  # numpy numbers and the like
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _option_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: float | str) -> float:
    if isinstance(value, float):
        return value
    return float(value) if NUMBER.match(value) else math.nan


def _chosen(value: Any) -> list[str]:
    """The chosen options of an answer, as texts (one for a single choice)."""
    if _is_missing(value):
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [_option_text(v) for v in value]
    if isinstance(value, str):
        return value.split()
    return [_option_text(value)]


def _operand(node: Operand, answers: Mapping[str, Any], this: Any) -> float | str:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return _xpath(answers.get(node.name))
    if isinstance(node, This):
        return _xpath(this)
    return float(len(_chosen(answers.get(node.ref.name))))


def _compare(op: str, left: float | str, right: float | str) -> bool:
    if op in ("=", "!="):
        if isinstance(left, float) or isinstance(right, float):
            same = _number(left) == _number(right)
        else:
            same = left == right
        return same if op == "=" else not same
    a, b = _number(left), _number(right)
    if math.isnan(a) or math.isnan(b):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _same_option(chosen: str, value: float | str) -> bool:
    if isinstance(value, float):
        return _number(chosen) == value
    return chosen == value or (
        NUMBER.match(value) is not None and _number(chosen) == _number(value)
    )


def holds(node: Node, answers: Mapping[str, Any], this: Any) -> bool:
    if isinstance(node, Compare):
        return _compare(
            node.op, _operand(node.left, answers, this), _operand(node.right, answers, this)
        )
    if isinstance(node, Selected):
        chosen = _chosen(answers.get(node.ref.name))
        return any(_same_option(c, node.value.value) for c in chosen)
    if isinstance(node, Not):
        return not holds(node.inner, answers, this)
    if isinstance(node, And):
        return all(holds(p, answers, this) for p in node.parts)
    return any(holds(p, answers, this) for p in node.parts)


def negated(node: Node) -> Node:
    """The node saying the opposite, with the ``not`` pushed down to the comparisons.

    A comparison flips its operator, except where XPath's rule for a value that is no number
    makes the flipped one say something else (``${a} < 3`` and ``${a} >= 3`` both fail for
    an empty answer): those stay ``not(...)``.
    """
    if isinstance(node, Not):
        return node.inner
    if isinstance(node, And):
        return Or(tuple(negated(p) for p in node.parts))
    if isinstance(node, Or):
        return And(tuple(negated(p) for p in node.parts))
    if isinstance(node, Compare) and node.op in ("=", "!="):
        return Compare(_NEGATED[node.op], node.left, node.right)
    return Not(node)
