"""What an instrument is, as data: items, options, scales, bands; canonical dict and fingerprint."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

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


class Option(NamedTuple):
    """One answer option: the stored value and its label per language."""

    value: int
    labels: dict[str, str]


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

    # Items never change, so what is derived from them is worked out once (a submission asks
    # for these per item several times).
    @cached_property
    def option_values(self) -> tuple[int, ...]:
        """The allowed option values, in display order."""
        return tuple(o.value for o in self.options)

    def score_bounds(self) -> tuple[float, float]:
        """Lowest and highest item score this item can contribute to a scale."""
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
    _item_index: dict[str, Item] = field(init=False, repr=False, compare=False)
    _fingerprint: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_item_index", {item.id: item for item in self.items})
        canonical = json.dumps(_meaning(self.to_dict()), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        object.__setattr__(self, "_fingerprint", digest)

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
        """The canonical, JSON-serialisable form (``Instrument.from_dict`` rebuilds it)."""
        return {
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
            "items": [_item_to_dict(item) for item in self.items],
            "scales": [_scale_to_dict(scale) for scale in self.scales],
        }


def _item_to_dict(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "text": dict(item.text),
        "required": item.required,
        "reverse": item.reverse,
    }
    if item.hint:
        out["hint"] = dict(item.hint)
    if item.options:
        out["options"] = [{"value": o.value, "label": dict(o.labels)} for o in item.options]
    if item.min is not None:
        out["min"] = item.min
    if item.max is not None:
        out["max"] = item.max
    if item.max_length is not None:
        out["max_length"] = item.max_length
    if item.scores is not None:
        out["scores"] = {str(k): v for k, v in item.scores.items()}
    return out


def _meaning(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition without the translations of its licence and reference sources and
    without the participant's section heading.

    They say nothing about what an answer means: leaving them out of the fingerprint keeps
    the one stored questionnaires hold when such a text is added.
    """
    outside = ("licence_translations", "section_title")
    meaning = {k: v for k, v in definition.items() if k not in outside}
    meaning["scales"] = [
        {k: v for k, v in scale.items() if k != "reference_source_translations"}
        for scale in definition["scales"]
    ]
    return meaning


def _scale_to_dict(scale: Scale) -> dict[str, Any]:
    return {
        "id": scale.id,
        "title": dict(scale.title),
        "items": list(scale.items),
        "method": scale.method,
        "min_items": scale.min_items,
        "range": list(scale.range),
        "bands": [
            {"id": b.id, "min": b.lo, "max": b.hi, "label": dict(b.labels)} for b in scale.bands
        ],
        "higher_is_better": scale.higher_is_better,
        "reference_sd": scale.reference_sd,
        "reliability": scale.reliability,
        "reference_source": scale.reference_source,
        "reference_source_translations": dict(scale.reference_source_translations),
        **(
            {"conversion": {f"{raw:g}": value for raw, value in scale.conversion.items()}}
            if scale.conversion is not None
            else {}
        ),
    }
