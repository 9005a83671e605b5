"""XLSForm expressions as evalsys reads them: choice names to stored values, constraint ranges.

A condition (``relevant``) is handed to :mod:`surveys.conditions` once its choice names are
the stored numbers: ``selected(${food}, 'fruit')`` -> ``selected(${food}, 2)``,
``${smoker} = 'yes'`` -> ``${smoker} = 1``. On export the same rewrite runs the other way.
A constraint is read only as comparisons of ``.`` with numbers, joined by ``and``, ``or`` and
parentheses: it becomes ranges (the outer ones give ``min`` and ``max``) and single values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{\s*[^}]*\})
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?|-?\.\d+)
    | (?P<op><=|>=|!=|=|<|>)
    | (?P<name>[A-Za-z_][A-Za-z0-9_:.-]*)
    | (?P<dot>\.)
    | (?P<punct>[(),])
    | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
_FLIPPED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(text: str) -> list[Token]:
    """The expression's tokens; a ``${name}`` reference keeps its name without spaces."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "ref":
            value = "${" + value[2:-1].strip() + "}"
        out.append(Token(kind, value))
    return out


def references(text: str) -> list[str]:
    """The names ``${name}`` in ``text``, in order, each once."""
    return list(dict.fromkeys(t.text[2:-1] for t in tokens(text) if t.kind == "ref"))


def literal_value(token: Token) -> str | None:
    """The text a string or number literal stands for."""
    if token.kind == "string":
        return token.text[1:-1]
    if token.kind == "number":
        return token.text
    return None


def rewrite_choices(
    text: str, choices: Mapping[str, Mapping[str, str]]
) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with the literals compared with a choice item replaced.

    ``choices`` maps an item id to ``{literal: replacement}`` (a choice name to its value on
    import, a value to its quoted name on export). A literal compared with ``${q}`` (``=``,
    ``!=``) or given to ``selected(${q}, ...)`` is replaced; one that is no key of ``q``'s
    mapping is returned in the unknown list as ``(item id, literal)``.
    """
    toks = tokens(text)
    unknown: list[tuple[str, str]] = []
    out = list(toks)
    for i, tok in enumerate(toks):
        target = _compared_reference(toks, i)
        if target is None or target not in choices or literal_value(tok) is None:
            continue
        literal = literal_value(tok)
        if literal == "":
            continue  # ${q} = '' asks whether q is answered
        replacement = choices[target].get(literal)
        if replacement is None:
            unknown.append((target, literal))
        else:
            out[i] = Token("literal", replacement)
    return render(out), unknown


def _compared_reference(toks: list[Token], i: int) -> str | None:
    """The item a literal at ``i`` is compared with, or None."""

    def ref(j: int) -> str | None:
        if 0 <= j < len(toks) and toks[j].kind == "ref":
            return toks[j].text[2:-1]
        return None

    def is_op(j: int) -> bool:
        return 0 <= j < len(toks) and toks[j].kind == "op" and toks[j].text in ("=", "!=")

    if is_op(i - 1) and ref(i - 2):
        return ref(i - 2)
    if is_op(i + 1) and ref(i + 2):
        return ref(i + 2)
    # selected(${q}, 'x')
    if (
        i >= 4
        and toks[i - 1].text == ","
        and ref(i - 2)
        and toks[i - 3].text == "("
        and toks[i - 4].text == "selected"
    ):
        return ref(i - 2)
    return None


def render(toks: list[Token]) -> str:
    """Tokens back to text: one space between tokens, none inside parentheses or before a
    comma, a function's name against its parenthesis (``selected(${q}, 2)``)."""
    parts: list[str] = []
    for i, tok in enumerate(toks):
        glued = tok.text in (")", ",") or (i > 0 and toks[i - 1].text == "(")
        call = tok.text == "(" and i > 0 and toks[i - 1].kind == "name"
        call = call and toks[i - 1].text not in ("and", "or")
        if parts and not glued and not call:
            parts.append(" ")
        parts.append(tok.text)
    return "".join(parts)


@dataclass(frozen=True)
class Bound:
    """One side of a range: the value and whether it belongs to the range."""

    value: float
    inclusive: bool = True


@dataclass(frozen=True)
class Range:
    """``lo`` to ``hi``; an equality ``. = v`` is the range v to v."""

    lo: Bound | None
    hi: Bound | None

    @property
    def point(self) -> float | None:
        if self.lo and self.hi and self.lo == self.hi and self.lo.inclusive:
            return self.lo.value
        return None

    def contains(self, value: float) -> bool:
        above = (
            self.lo is None
            or value > self.lo.value
            or (self.lo.inclusive and value == self.lo.value)
        )
        below = (
            self.hi is None
            or value < self.hi.value
            or (self.hi.inclusive and value == self.hi.value)
        )
        return above and below

    def to_text(self) -> str:
        if self.point is not None:
            return f". = {self.point:g}"
        parts = []
        if self.lo is not None:
            parts.append(f". {'>=' if self.lo.inclusive else '>'} {self.lo.value:g}")
        if self.hi is not None:
            parts.append(f". {'<=' if self.hi.inclusive else '<'} {self.hi.value:g}")
        return " and ".join(parts)


class ConstraintSubsetError(ValueError):
    """The constraint is more than comparisons of ``.`` with numbers and and/or."""


def read_ranges(text: str) -> list[Range]:
    """The alternatives of a constraint such as ``. >= 0 and . <= 10 or . = 99``.

    Raises
    ------
    ConstraintSubsetError
        When the text is not comparisons of ``.`` with numbers, ``and``, ``or`` and
        parentheses, or when one alternative holds for no value.
    """
    parser = _RangeParser(tokens(text))
    alternatives = parser.disjunction()
    if parser.position != len(parser.toks):
        raise ConstraintSubsetError(text)
    return [_range_of(conjunction, text) for conjunction in alternatives]


class _RangeParser:
    """Disjunctive normal form of ``.`` comparisons: a list of lists of (operator, number)."""

    def __init__(self, toks: list[Token]):
        self.toks, self.position = toks, 0

    def peek(self) -> Token | None:
        return self.toks[self.position] if self.position < len(self.toks) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise ConstraintSubsetError("ends too early")
        self.position += 1
        return tok

    def disjunction(self) -> list[list[tuple[str, float]]]:
        out = self.conjunction()
        while (tok := self.peek()) and tok.text == "or":
            self.take()
            out = out + self.conjunction()
        return out

    def conjunction(self) -> list[list[tuple[str, float]]]:
        out = self.factor()
        while (tok := self.peek()) and tok.text == "and":
            self.take()
            right = self.factor()
            out = [a + b for a in out for b in right]
        return out

    def factor(self) -> list[list[tuple[str, float]]]:
        tok = self.take()
        if tok.text == "(":
            inner = self.disjunction()
            if self.take().text != ")":
                raise ConstraintSubsetError("unbalanced parentheses")
            return inner
        op = self.take()
        other = self.take()
        if op.kind != "op" or op.text == "!=":
            raise ConstraintSubsetError(op.text)
        if tok.kind == "dot" and other.kind == "number":
            return [[(op.text, float(other.text))]]
        if tok.kind == "number" and other.kind == "dot":
            return [[(_FLIPPED[op.text], float(tok.text))]]
        raise ConstraintSubsetError(tok.text)


def _range_of(conjunction: list[tuple[str, float]], text: str) -> Range:
    lo: Bound | None = None
    hi: Bound | None = None
    for op, value in conjunction:
        if op in ("=", ">=", ">"):
            bound = Bound(value, op != ">")
            if (
                lo is None
                or bound.value > lo.value
                or (bound.value == lo.value and not bound.inclusive)
            ):
                lo = bound
        if op in ("=", "<=", "<"):
            bound = Bound(value, op != "<")
            if (
                hi is None
                or bound.value < hi.value
                or (bound.value == hi.value and not bound.inclusive)
            ):
                hi = bound
    if (
        lo
        and hi
        and (lo.value > hi.value or (lo.value == hi.value and not (lo.inclusive and hi.inclusive)))
    ):
        raise ConstraintSubsetError(f"{text}: an alternative holds for no value")
    return Range(lo, hi)


__all__ = [
    "Bound",
    "ConstraintSubsetError",
    "Range",
    "Token",
    "literal_value",
    "read_ranges",
    "references",
    "render",
    "rewrite_choices",
    "tokens",
]
