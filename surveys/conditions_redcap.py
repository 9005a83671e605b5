"""Conditions in REDCap branching-logic syntax: ``[q1] = '1' and [q2(3)] = '1'``, read and written.

REDCap writes an answer as ``[name]``, a checkbox option as ``[name(code)]`` (``'1'`` when
chosen, ``'0'`` when not), ``<>`` for "not equal", and quotes numbers it compares for
equality. A quoted number is read as the number, since REDCap compares it as one and evalsys
stores choices as numbers. ``[event][name]`` (longitudinal projects), smart variables and
functions have no XLSForm counterpart and are refused with a message saying so.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.condition_tree import (
    NUMBER,
    And,
    Compare,
    ConditionError,
    CountSelected,
    Literal,
    Node,
    Not,
    Operand,
    Or,
    Ref,
    Selected,
    This,
    negated,
)
from surveys.errors import Wording, worded

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<field>\[\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?P<code>[^)\s]+)\s*\))?\s*\])
  | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+))
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><>|!=|<=|>=|==|=|<|>)
  | (?P<punct>[()])
  | (?P<word>[A-Za-z_][\w-]*)
    """,
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str, str | None, int]]:
    """``(kind, text, checkbox code, position)`` per token, and an ``end`` token."""
    out, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if char in "'\"":
                raise ConditionError(text, _say("quote_open"), position)
            if char == "[":
                raise ConditionError(text, _say("redcap_field"), position)
            raise ConditionError(text, _say("unexpected", char=char), position)
        kind = match.lastgroup
        if kind in ("name", "code"):
            kind = "field"
        if kind == "field":
            if out and out[-1][0] == "field" and text[match.start() - 1] == "]":
                raise ConditionError(text, _say("redcap_event"), out[-1][3])
            out.append(("field", match.group("name"), match.group("code"), position))
        elif kind == "string":
            out.append(("string", match.group()[1:-1], None, position))
        elif kind == "word":
            word = match.group().lower()
            if word not in ("and", "or"):
                following = text[match.end() :].lstrip()
                what = "function" if following.startswith("(") else "word"
                problem = _say(f"redcap_{what}", word=match.group())
                raise ConditionError(text, problem, position)
            out.append(("word", word, None, position))
        elif kind != "space":
            out.append((kind, match.group(), None, position))
        position = match.end()
    if not text.strip():
        raise ConditionError(text, _say("redcap_empty"))
    out.append(("end", "", None, len(text)))
    return out


def _say(key: str, **params: Any) -> Wording:
    """A condition problem of the ``schema`` catalogue (``condition.<key>``)."""
    return worded("schema", f"condition.{key}", **params)


def _found(token: tuple) -> Wording | str:
    """What was found where something else was expected: the token, or the end."""
    return _say("the_end") if token[0] == "end" else repr(token[1])


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self):
        return self.tokens[self.at]

    def take(self):
        self.at += 1
        return self.tokens[self.at - 1]

    def fail(self, problem: Wording, token=None) -> ConditionError:
        return ConditionError(self.text, problem, (token or self.peek())[3])

    def condition(self) -> Node:
        parts = [self.conjunct()]
        while self.peek()[:2] == ("word", "or"):
            self.take()
            parts.append(self.conjunct())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunct(self) -> Node:
        parts = [self.term()]
        while self.peek()[:2] == ("word", "and"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def term(self) -> Node:
        token = self.peek()
        if token[:2] == ("punct", "("):
            self.take()
            inner = self.condition()
            if self.peek()[:2] != ("punct", ")"):
                raise self.fail(_say("expected_paren", found=_found(self.peek())))
            self.take()
            return inner
        if token[0] == "field" and token[2] is not None:
            return self.checkbox()
        left = self.operand()
        op = self.take()
        if op[0] != "op":
            raise self.fail(_say("redcap_comparison"), op)
        right = self.operand()
        return Compare(_operator(op[1]), left, right)

    def checkbox(self) -> Node:
        """``[q(3)] = '1'`` (chosen) or ``= '0'`` / ``<> '1'`` (not chosen)."""
        name, code = self.take()[1:3]
        op = self.take()
        value = self.take()
        state = value[1] if value[0] in ("string", "number") else None
        if op[0] != "op" or _operator(op[1]) not in ("=", "!=") or state not in ("0", "1"):
            raise self.fail(_say("redcap_checkbox", name=name, code=code), op)
        chosen = (state == "1") == (_operator(op[1]) == "=")
        option = Literal(float(code)) if NUMBER.match(code) else Literal(code)
        node = Selected(Ref(name), option)
        return node if chosen else Not(node)

    def operand(self) -> Operand:
        token = self.take()
        if token[0] == "field":
            return Ref(token[1])
        if token[0] == "number":
            return Literal(float(token[1]))
        if token[0] == "string":
            value = token[1]
            return Literal(float(value)) if NUMBER.match(value) else Literal(value)
        raise self.fail(_say("redcap_operand", found=_found(token)), token)


def _operator(op: str) -> str:
    return {"<>": "!=", "==": "="}.get(op, op)


def parse_redcap(text: str) -> Node:
    """Read REDCap branching logic as a condition's tree (see :func:`surveys.parse_redcap_logic`).

    Raises
    ------
    ConditionError
        Saying what is wrong (or has no XLSForm counterpart) and at which character.

    Examples
    --------
    >>> parse_redcap("[q1] = '1' and [q2(3)] = '0'")
    And(parts=(Compare(op='=', left=Ref(name='q1'), right=Literal(value=1.0)), \
Not(inner=Selected(ref=Ref(name='q2'), value=Literal(value=3.0)))))
    """
    if not isinstance(text, str):
        raise ConditionError(str(text), _say("redcap_not_text"))
    parser = _Parser(text)
    root = parser.condition()
    if parser.peek()[0] != "end":
        raise parser.fail(_say("unexpected_after", shown=parser.peek()[1]))
    return root


def redcap_text(root: Node, shown: str) -> str:
    """The tree as REDCap branching logic; ``shown`` is the condition as errors quote it.

    See :meth:`surveys.conditions.Condition.to_redcap`.
    """
    return _text(root, 0, shown)


def _text(node: Node, binding: int, condition: str) -> str:
    if isinstance(node, Compare):
        op = "<>" if node.op == "!=" else node.op
        quoted = node.op in ("=", "!=")
        left = _operand(node.left, quoted, condition)
        return f"{left} {op} {_operand(node.right, quoted, condition)}"
    if isinstance(node, Selected):
        return f"{_checkbox(node, condition)} = '1'"
    if isinstance(node, Not):
        inner = node.inner
        if isinstance(inner, Selected):
            return f"{_checkbox(inner, condition)} = '0'"
        if isinstance(inner, Compare) and inner.op in ("<", "<=", ">", ">="):
            # XPath: not(a < 3) also holds when a is empty, which a >= 3 does not say.
            flipped = Compare(_flip(inner.op), inner.left, inner.right)
            empty = Compare("=", inner.left, Literal(""))
            return _text(Or((flipped, empty)), binding, condition)
        pushed = negated(inner)
        if isinstance(pushed, Not):  # pragma: no cover - every other node is pushed down
            raise ConditionError(condition, "REDCap logic has no not(...)")
        return _text(pushed, binding, condition)
    if isinstance(node, And):
        return " and ".join(_text(p, 1, condition) for p in node.parts)
    text = " or ".join(_text(p, 0, condition) for p in node.parts)
    return f"({text})" if binding else text


def _flip(op: str) -> str:
    return {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]


def _checkbox(node: Selected, condition: str) -> str:
    value = node.value.value
    if isinstance(value, float):
        if not value.is_integer():
            raise ConditionError(condition, _say("redcap_code_whole", value=value))
        return f"[{node.ref.name}({int(value)})]"
    if not re.match(r"^[A-Za-z0-9_]+$", value):
        raise ConditionError(condition, _say("redcap_code", value=value))
    return f"[{node.ref.name}({value})]"


def _operand(node: Operand, quoted: bool, condition: str) -> str:
    if isinstance(node, Ref):
        return f"[{node.name}]"
    if isinstance(node, This | CountSelected):
        what = "redcap_no_this" if isinstance(node, This) else "redcap_no_count"
        raise ConditionError(condition, _say(what))
    value = node.value
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return f"'{text}'" if quoted else text
    return f'"{value}"' if "'" in value else f"'{value}'"
