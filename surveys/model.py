"""What an instrument is, as data: items, options, scales, bands; canonical dict and fingerprint."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from surveys.canonical import group_dict, item_dict, meaning, option_dict, scale_dict
from surveys.conditions import Condition, parse_condition

ITEM_TYPES = (
    "likert",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "number",
    "text",
    "year",
)
#: Item types whose answer is one option value (an int).
CHOICE_TYPES = ("likert", "single_choice", "yes_no")
#: Item types that may be part of a scale.
SCORABLE_TYPES = (*CHOICE_TYPES, "number")
KINDS = ("questionnaire", "matrix", "demographics")
TRANSLATION_STATUSES = ("original", "validated", "working")
METHODS = ("sum", "mean")
#: Item types that may have missing-data codes (an answer that is one number).
MISSING_CODE_TYPES = (*CHOICE_TYPES, "number", "year")


class Option(NamedTuple):
    """One answer option: the stored value and its label per language.

    ``name`` is the choice name an imported form gave (an XLSForm choice name, a REDCap code)
    where the stored value is a number evalsys assigned.
    """

    value: int
    labels: dict[str, str]
    name: str | None = None


class Group(NamedTuple):
    """A group of items in form order; ``parent`` is the group it is nested in.

    Its items are shown only when ``relevant`` (a condition) holds, and its parent's does.
    """

    id: str
    title: dict[str, str] = {}
    relevant: str | None = None
    parent: str | None = None

    @property
    def condition(self) -> Condition | None:
        """``relevant`` parsed (None when the group is always shown)."""
        return _condition(self.relevant)


def _condition(text: str | None, constraint: bool = False) -> Condition | None:
    return None if text is None else _parsed(text, constraint)


@functools.cache
def _parsed(text: str, constraint: bool) -> Condition:
    # A condition is read once per process: the definitions holding it never change.
    return parse_condition(text, allow_this=constraint)


class Band(NamedTuple):
    """A labelled score band; a score belongs to the last band whose ``lo`` it reaches."""

    id: str
    lo: float
    hi: float
    labels: dict[str, str]


@dataclass(frozen=True, eq=True)
class Item:
    """One question (or, in a matrix, one domain rated by a professional).

    ``scores`` optionally maps an option value to the points it gives in a scale (used when the
    published scoring is not the option value itself, e.g. the De Jong Gierveld dichotomies).
    ``reverse`` mirrors the item score within its own minimum and maximum.

    ``relevant`` is a condition (XLSForm syntax, see :mod:`surveys.conditions`): the item is
    shown only when it holds. ``group`` names the innermost group the item is in. ``missing``
    are codes accepted as answers that count as missing in scoring and flags. ``integer``
    makes a number item take whole numbers only. ``constraint`` is a condition on the answer
    itself (``.``), with ``constraint_message`` shown when it does not hold.
    """

    id: str
    type: str
    text: dict[str, str]
    options: tuple[Option, ...] = ()
    required: bool = True
    reverse: bool = False
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    scores: dict[int, float] | None = None
    hint: dict[str, str] = field(default_factory=dict)
    relevant: str | None = None
    group: str | None = None
    missing: tuple[Option, ...] = ()
    integer: bool = False
    constraint: str | None = None
    constraint_message: dict[str, str] = field(default_factory=dict)

    @property
    def relevant_condition(self) -> Condition | None:
        """``relevant`` parsed (None when the item is always shown)."""
        return _condition(self.relevant)

    @property
    def constraint_condition(self) -> Condition | None:
        """``constraint`` parsed, ``.`` standing for the answer (None when there is none)."""
        return _condition(self.constraint, constraint=True)

    # Items never change, so what is derived from them is worked out once (a submission asks
    # for these per item several times).
    @cached_property
    def option_values(self) -> tuple[int, ...]:
        """The allowed option values, in display order."""
        return tuple(o.value for o in self.options)

    def score_bounds(self) -> tuple[float, float]:
        """Lowest and highest item score this item can contribute to a scale (a number item
        in a scale has both bounds: the schema refuses one without)."""
        return self._score_bounds

    @cached_property
    def _score_bounds(self) -> tuple[float, float]:
        if self.type == "number":
            return float(self.min), float(self.max)  # type: ignore[arg-type]
        points = [self.raw_points(v) for v in self.option_values]
        return min(points), max(points)

    def raw_points(self, value: int) -> float:
        """Points for an option value before reverse keying."""
        if self.scores is not None:
            return float(self.scores[value])
        return float(value)

    def item_score(self, value: float) -> float:
        """Points for a valid answer after recoding and reverse keying."""
        if self.type == "number":
            points = float(value)
            if not self.reverse:  # a number outside every scale may have no bounds
                return points
            lo, hi = float(self.min), float(self.max)  # type: ignore[arg-type]
        else:
            points = self.raw_points(int(value))
            lo, hi = self.score_bounds()
        return lo + hi - points if self.reverse else points


@dataclass(frozen=True, eq=True)
class Scale:
    """A score computed from items: sum or mean, with prorating, range, bands and RCI inputs.

    ``min_items`` answered items are needed for a score. A ``sum`` with missing items is prorated:
    the mean of the answered item scores times the number of items. ``conversion`` maps a raw
    sum to a published converted score (e.g. a Rasch table); it needs every item answered.
    """

    id: str
    items: tuple[str, ...]
    method: str
    min_items: int
    range: tuple[float, float]
    title: dict[str, str] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    higher_is_better: bool = True
    reference_sd: float | None = None
    reliability: float | None = None
    reference_source: str | None = None
    #: the reference source in other languages, language -> text
    reference_source_translations: dict[str, str] = field(default_factory=dict)
    conversion: dict[float, float] | None = None

    def reference_source_in(self, language: str) -> str | None:
        """The reference source in ``language`` where the definition has it, else as written."""
        return self.reference_source_translations.get(language) or self.reference_source

    def band_for(self, value: float | None) -> str | None:
        """The id of the band ``value`` falls in, or None."""
        if value is None or not self.bands:
            return None
        chosen = None
        for band in self.bands:
            if value >= band.lo:
                chosen = band
        if chosen is None or value > self.bands[-1].hi:
            return None
        return chosen.id


@dataclass(frozen=True)
class ScaleScore:
    """A scale's score for one response: value (None when too few items), count and band."""

    value: float | None
    items_answered: int
    band: str | None = None


@dataclass(frozen=True, eq=True)
class InstrumentDefinition:
    """A versioned questionnaire definition: the data only.

    :class:`surveys.Instrument` is this with validation, scoring and data-quality flags as
    methods; :func:`surveys.parse_instrument` builds one.
    """

    id: str
    version: str
    title: dict[str, str]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...] = ()
    instructions: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    translation_sources: dict[str, str] = field(default_factory=dict)
    licence: str = ""
    #: the licence in other languages, language -> text (``licence`` stays the original)
    licence_translations: dict[str, str] = field(default_factory=dict)
    citation: str = ""
    kind: str = "questionnaire"
    notes: str = ""
    #: the heading a participant sees above this block, language -> text ("How you deal with
    #: setbacks"), where the title is the instrument's name ("Brief Resilience Scale")
    section_title: dict[str, str] = field(default_factory=dict)
    #: a condition on the whole block; it may name items of earlier blocks only
    relevant: str | None = None
    #: nested groups in form order (items name their innermost group)
    groups: tuple[Group, ...] = ()
    #: missing-data codes for every choice, number and year item without its own ``missing``
    missing_codes: tuple[Option, ...] = ()
    _item_index: dict[str, Item] = field(init=False, repr=False, compare=False)
    _fingerprint: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_item_index", {item.id: item for item in self.items})
        canonical = json.dumps(meaning(self.to_dict()), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        object.__setattr__(self, "_fingerprint", digest)

    @property
    def condition(self) -> Condition | None:
        """``relevant`` parsed (None when the block is always shown)."""
        return _condition(self.relevant)

    def missing_for(self, item: Item) -> tuple[Option, ...]:
        """The missing-data codes of ``item``: its own, else the instrument's (if it takes any)."""
        if item.missing:
            return item.missing
        return self.missing_codes if item.type in MISSING_CODE_TYPES else ()

    @cached_property
    def missing_values(self) -> dict[str, frozenset[int]]:
        """Item id -> its missing-data code values, for the items that have any."""
        out = {}
        for item in self.items:
            codes = self.missing_for(item)
            if codes:
                out[item.id] = frozenset(o.value for o in codes)
        return out

    @cached_property
    def has_conditions(self) -> bool:
        """Whether any item, group or the block itself has a ``relevant`` condition."""
        return (
            self.relevant is not None
            or any(g.relevant is not None for g in self.groups)
            or any(i.relevant is not None for i in self.items)
        )

    @cached_property
    def has_constraints(self) -> bool:
        """Whether any item has a ``constraint``."""
        return any(i.constraint is not None for i in self.items)

    @cached_property
    def outside_names(self) -> frozenset[str]:
        """The names the conditions read that are no item of this block (earlier blocks')."""
        names: set[str] = set()
        for text in (self.relevant, *(g.relevant for g in self.groups)):
            if text is not None:
                names |= _parsed(text, False).names
        for item in self.items:
            for condition in (item.relevant_condition, item.constraint_condition):
                if condition is not None:
                    names |= condition.names
        return frozenset(names - set(self._item_index))

    def group(self, group_id: str) -> Group:
        """The group with this id (KeyError if there is none)."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def heading_in(self, language: str) -> str:
        """What a participant reads above this block: the section title, else the title."""
        texts = self.section_title or self.title
        return texts.get(language) or next(iter(texts.values()), self.id)

    def licence_in(self, language: str) -> str:
        """The licence in ``language`` where the definition has it, else as written."""
        return self.licence_translations.get(language) or self.licence

    def __hash__(self) -> int:
        return hash(self._fingerprint)

    @property
    def fingerprint(self) -> str:
        """sha256 of the canonical JSON: equal definitions have equal fingerprints."""
        return self._fingerprint

    @property
    def key(self) -> tuple[str, str]:
        """``(id, version)``."""
        return (self.id, self.version)

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if there is none)."""
        return self._item_index[item_id]

    def has_item(self, item_id: object) -> bool:
        """Whether ``item_id`` names an item of this instrument."""
        return isinstance(item_id, str) and item_id in self._item_index

    def scale(self, scale_id: str) -> Scale:
        """The scale with this id (KeyError if there is none)."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def to_dict(self) -> dict[str, Any]:
        """The canonical, JSON-serialisable form (``Instrument.from_dict`` rebuilds it).

        The keys of conditions, groups and missing-data codes are written only when set, so
        a definition without them keeps the fingerprint it had before they existed.
        """
        out = {
            "id": self.id,
            "version": self.version,
            "kind": self.kind,
            "title": dict(self.title),
            "instructions": dict(self.instructions),
            "languages": dict(self.languages),
            "translation_sources": dict(self.translation_sources),
            "licence": self.licence,
            "licence_translations": dict(self.licence_translations),
            "citation": self.citation,
            "notes": self.notes,
            "section_title": dict(self.section_title),
            "items": [item_dict(item) for item in self.items],
            "scales": [scale_dict(scale) for scale in self.scales],
        }
        if self.relevant is not None:
            out["relevant"] = self.relevant
        if self.groups:
            out["groups"] = [group_dict(group) for group in self.groups]
        if self.missing_codes:
            out["missing_codes"] = [option_dict(o) for o in self.missing_codes]
        return out
