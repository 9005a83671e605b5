"""Conditions on answers in XLSForm syntax (``relevant``, ``constraint``): read, evaluated, written.

A condition is read by a small recursive-descent parser into a tree of frozen nodes; nothing
is ever evaluated as Python. The grammar, loosest binding first::

    condition  := conjunct ("or" conjunct)*
    conjunct   := term ("and" term)*
    term       := "not" "(" condition ")" | "(" condition ")"
                | "selected" "(" ref "," literal ")" | operand compare operand
    operand    := ref | "." | number | string | "count-selected" "(" ref ")"
    compare    := "=" | "!=" | "<" | "<=" | ">" | ">="
    ref        := "${" name "}"

How answers are compared: :mod:`surveys.condition_tree`; REDCap logic:
:mod:`surveys.conditions_redcap`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from surveys.condition_tree import (
    COMPARISONS,
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
    holds,
    names_of,
    negated,
    uses_this,
)
from surveys.conditions_redcap import parse_redcap, redcap_text
from surveys.errors import Wording, worded

__all__ = [
    "COMPARISONS",
    "And",
    "Compare",
    "Condition",
    "ConditionError",
    "CountSelected",
    "Literal",
    "Node",
    "Not",
    "Operand",
    "Or",
    "Ref",
    "Selected",
    "This",
    "literal_text",
    "negated",
    "parse_condition",
    "parse_redcap_logic",
]


@dataclass(frozen=True)
class Condition:
    """A parsed condition. Equal conditions have equal trees, however they were written.

    Build one with :func:`parse_condition` (XLSForm) or :func:`parse_redcap_logic` (REDCap).
    """

    root: Node

    @cached_property
    def names(self) -> frozenset[str]:
        """The item ids the condition reads (not ``.``)."""
        return frozenset(names_of(self.root))

    @cached_property
    def uses_this(self) -> bool:
        """Whether the condition reads ``.``, the answer of the item it constrains."""
        return uses_this(self.root)

    def holds(self, answers: Mapping[str, Any], this: Any = None) -> bool:
        """Whether the condition holds for ``answers`` (item id -> value).

        ``this`` is the value ``.`` stands for (the answer a constraint checks). An item
        absent from ``answers``, or answered None, NaN, ``""`` or ``[]``, is not answered.
        """
        return holds(self.root, answers, this)

    def to_xlsform(self) -> str:
        """The canonical XLSForm text: ``${q1} = 1 and not(selected(${q2}, 3))``."""
        return _xlsform(self.root, 0)

    def to_redcap(self) -> str:
        """REDCap branching logic: ``[q1] = '1'``, ``[q2(3)] = '1'`` for a selected option.

        ``not(...)`` is written out (REDCap has none): ``not(${a} = 1)`` is ``[a] <> '1'``.

        Raises
        ------
        ConditionError
            For what REDCap logic cannot say: ``count-selected``, ``.``, a selected option
            that is no whole number.
        """
        return redcap_text(self.root, self.to_xlsform())

    def __str__(self) -> str:
        return self.to_xlsform()


# --- reading XLSForm text -----------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[^}\s]*)\s*\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<this>\.(?![.\w]))
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><>|!=|<=|>=|==|=|<|>)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][\w:.-]*)
  | (?P<minus>-)
    """,
    re.VERBOSE,
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WORDS = {"and", "or", "not", "selected", "count-selected"}


def _say(key: str, **params: Any) -> Wording:
    """A condition problem of the ``schema`` catalogue (``condition.<key>``)."""
    return worded("schema", f"condition.{key}", **params)


def _found(token: _Token) -> Wording | str:
    """What was found where something else was expected: the token, or the end."""
    return _say("the_end") if token.kind == "end" else repr(token.text)


@dataclass(frozen=True)
class _Token:
    kind: str  # ref, number, this, string, op, punct, word, end
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    out, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text[position] in "'\"":
                raise ConditionError(text, _say("quote_open"), position)
            if text[position] == "[":
                raise ConditionError(text, _say("bracket"), position)
            raise ConditionError(text, _say("unexpected", char=text[position]), position)
        kind = match.lastgroup
        if kind == "refname":
            kind = "ref"
        if kind == "ref":
            name = match.group("refname")
            if not _NAME.match(name):
                raise ConditionError(text, _say("bad_name", name=name), position)
            out.append(_Token("ref", name, position))
        elif kind == "string":
            out.append(_Token("string", match.group()[1:-1], position))
        elif kind == "word" and match.group() not in _WORDS:
            word = match.group()
            if text[match.end() :].lstrip().startswith("("):
                problem = _say("unknown_function", word=word)
            elif _NAME.match(word):
                problem = _say("unknown_word_ref", word=word)
            else:
                problem = _say("unknown_word", word=word)
            raise ConditionError(text, problem, position)
        elif kind == "op" and match.group() in ("==", "<>"):
            wanted = "=" if match.group() == "==" else "!="
            raise ConditionError(
                text, _say("not_xlsform", op=match.group(), wanted=wanted), position
            )
        elif kind != "space":
            out.append(_Token(kind, match.group(), position))
        position = match.end()
    if not text.strip():
        raise ConditionError(text, _say("empty"))
    out.append(_Token("end", "", len(text)))
    return out


class _Parser:
    """Recursive descent over the tokens of one condition."""

    def __init__(self, text: str, allow_this: bool):
        self.text = text
        self.allow_this = allow_this
        self.tokens = _tokens(text)
        self.at = 0

    def fail(self, problem: Wording, token: _Token | None = None) -> ConditionError:
        token = token or self.peek()
        return ConditionError(self.text, problem, token.position)

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str, after: str) -> None:
        """The punctuation ``text``: ``(`` after the word ``after``, ``)`` closing the
        opener ``after``, or the ``,`` of selected(...)."""
        token = self.peek()
        if token.text != text or token.kind in ("string", "ref"):
            key = {"(": "expected_open", ")": "expected_close"}.get(text, "expected_comma")
            key = "expected_paren" if after == "(" else key
            raise self.fail(_say(key, word=after, found=_found(token)))
        self.take()

    def condition(self) -> Node:
        parts = [self.conjunct()]
        while self.peek().kind == "word" and self.peek().text == "or":
            self.take()
            parts.append(self.conjunct())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunct(self) -> Node:
        parts = [self.term()]
        while self.peek().kind == "word" and self.peek().text == "and":
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def term(self) -> Node:
        token = self.peek()
        if token.kind == "punct" and token.text == "(":
            self.take()
            inner = self.condition()
            self.expect(")", "(")
            return inner
        if token.kind == "word" and token.text == "not":
            self.take()
            self.expect("(", "not")
            inner = self.condition()
            self.expect(")", "not(")
            return Not(inner)
        if token.kind == "word" and token.text == "selected":
            self.take()
            self.expect("(", "selected")
            ref = self.ref("selected(")
            self.expect(",", "selected(...)")
            value = self.operand()
            if not isinstance(value, Literal):
                raise self.fail(_say("selected_value"))
            self.expect(")", "selected(")
            return Selected(ref, value)
        left = self.operand()
        op = self.peek()
        if op.kind != "op":
            raise self.fail(_say("expected_comparison", found=_found(op)))
        self.take()
        right = self.operand()
        if self.peek().kind == "op":
            raise self.fail(_say("two_comparisons"))
        return Compare(op.text, left, right)

    def ref(self, within: str) -> Ref:
        token = self.take()
        if token.kind != "ref":
            raise self.fail(_say("needs_item", within=within), token)
        return Ref(token.text)

    def operand(self) -> Operand:
        token = self.take()
        if token.kind == "ref":
            return Ref(token.text)
        if token.kind == "this":
            if not self.allow_this:
                raise self.fail(_say("this_outside_constraint"), token)
            return This()
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "minus" and self.peek().kind == "number":
            return Literal(-float(self.take().text))
        if token.kind == "string":
            return Literal(token.text)
        if token.kind == "word" and token.text == "count-selected":
            self.expect("(", "count-selected")
            ref = self.ref("count-selected(")
            self.expect(")", "count-selected(")
            return CountSelected(ref)
        raise self.fail(_say("expected_operand", found=_found(token)), token)


def parse_condition(text: str, allow_this: bool = False) -> Condition:
    """Read an XLSForm condition (``relevant``, or ``constraint`` with ``allow_this``).

    Parameters
    ----------
    text : str
        ``${q1} = 1``, ``${q1} != 2 and not(${q4} < 3)``, ``selected(${q2}, 3)``,
        ``count-selected(${q2}) > 1``, ``${q3} = ''`` (not answered), ``${q5} = 'yes'``.
    allow_this : bool
        Whether ``.`` (the answer of the item being checked) may appear, as in a constraint.

    Returns
    -------
    Condition

    Raises
    ------
    ConditionError
        Saying what is wrong and at which character.

    Examples
    --------
    >>> c = parse_condition("${q1}=1 or (${q2} >= 3 and ${q3} = '')")
    >>> c.to_xlsform()
    "${q1} = 1 or ${q2} >= 3 and ${q3} = ''"
    >>> c.holds({"q1": 2, "q2": 4}), sorted(c.names)
    (True, ['q1', 'q2', 'q3'])
    """
    if not isinstance(text, str):
        raise ConditionError(str(text), _say("not_text"))
    parser = _Parser(text, allow_this)
    root = parser.condition()
    if parser.peek().kind != "end":
        token = parser.peek()
        shown = f"${{{token.text}}}" if token.kind == "ref" else token.text
        raise parser.fail(_say("unexpected_after", shown=shown))
    return Condition(root)


def parse_redcap_logic(text: str) -> Condition:
    """Read REDCap branching logic (``[q1] = '1' and [q2(3)] = '1'``) as a condition.

    See :func:`surveys.conditions_redcap.parse_redcap_logic`.
    """
    return Condition(parse_redcap(text))


# --- writing XLSForm text ------------------------------------------------------------------------


def literal_text(value: float | str) -> str:
    """A literal as XLSForm writes it: ``3``, ``2.5``, ``'yes'`` (``"it's"`` with a quote)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return f'"{value}"' if "'" in value else f"'{value}'"


def _operand_text(node: Operand) -> str:
    if isinstance(node, Ref):
        return f"${{{node.name}}}"
    if isinstance(node, This):
        return "."
    if isinstance(node, Literal):
        return literal_text(node.value)
    return f"count-selected(${{{node.ref.name}}})"


def _xlsform(node: Node, binding: int) -> str:
    """``binding`` is how tightly the context binds: 0 top or or, 1 and."""
    if isinstance(node, Compare):
        return f"{_operand_text(node.left)} {node.op} {_operand_text(node.right)}"
    if isinstance(node, Selected):
        return f"selected(${{{node.ref.name}}}, {literal_text(node.value.value)})"
    if isinstance(node, Not):
        return f"not({_xlsform(node.inner, 0)})"
    if isinstance(node, And):
        return " and ".join(_xlsform(p, 1) for p in node.parts)
    text = " or ".join(_xlsform(p, 0) for p in node.parts)
    return f"({text})" if binding else text
