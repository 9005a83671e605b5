"""A questionnaire: consent text, a demographics block and an ordered set of instrument versions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from surveys.errors import FieldError, InstrumentError, make_field_error
from surveys.frame import quality_frame, score_frame, validate_frame
from surveys.instrument import Instrument, parse_instrument
from surveys.model import ScaleScore
from surveys.quality import DEFAULT_RULES, QualityRules, flags_of
from surveys.registry import load_instrument
from surveys.scoring import points_if_valid, points_of, scores_of
from surveys.validation import is_missing

Resolver = Callable[[str, str | None], Instrument]
# For the time a questionnaire takes (Questionnaire.minutes).
SECONDS_PER_QUESTION = 8


@dataclass(frozen=True)
class Assessment:
    """One response validated, scored and flagged (see :meth:`Questionnaire.assess`)."""

    errors: list[FieldError]
    scores: dict[str, dict[str, ScaleScore]]  # {instrument_id: {scale_id: ScaleScore}}
    flags: dict[str, list[str]]  # per instrument id, and "questionnaire" for speed


def _speed_flags(answered: int, duration_seconds: float | None, rules: QualityRules) -> list[str]:
    """``too_fast`` when the whole questionnaire took less than its minimum time."""
    if duration_seconds is not None and answered:
        if duration_seconds < rules.seconds_per_item * answered:
            return ["too_fast"]
    return []


@dataclass(frozen=True)
class Questionnaire:
    """What participants of one intervention fill in, in order.

    Item ids must be unique across the whole questionnaire, so answers are one flat mapping of
    item id to value. ``blocks`` lists the demographics block (if any) and then the instruments.
    """

    id: str
    version: str
    title: dict[str, str]
    instruments: tuple[Instrument, ...]
    demographics: Instrument | None = None
    consent: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        problems = []
        ids = [b.id for b in self.blocks]
        if len(set(ids)) != len(ids):
            problems.append(("instruments", f"an instrument appears twice: {ids}"))
        for block in self.blocks:
            for item in block.items:
                if item.id in seen:
                    where = f"{block.id}.{item.id}"
                    problems.append((where, f"item id also used in {seen[item.id]!r}"))
                seen[item.id] = block.id
        if problems:
            raise InstrumentError(f"<questionnaire {self.id}>", problems)

    @property
    def blocks(self) -> tuple[Instrument, ...]:
        """Demographics first (if any), then the instruments in order."""
        return ((self.demographics,) if self.demographics else ()) + self.instruments

    @property
    def minutes(self) -> int:
        """About how many minutes answering takes: the one estimate the flyer, the invitation
        and the welcome page all give. A minute for the welcome, consent and code pages, then
        about 8 seconds a question (a rule of thumb for short closed questions), rounded up."""
        questions = sum(len(block.items) for block in self.blocks)
        return math.ceil((60 + SECONDS_PER_QUESTION * questions) / 60)

    def _split(self, answers: Mapping[str, Any]) -> tuple[dict[str, dict], list[str]]:
        if not isinstance(answers, Mapping):
            raise TypeError(f"answers must be a mapping of item id to value, not {type(answers)}")
        parts: dict[str, dict] = {b.id: {} for b in self.blocks}
        unknown = []
        owner = self._owner
        for key, value in answers.items():
            block = owner.get(key) if isinstance(key, str) else None
            if block is None:
                unknown.append(key)
            else:
                parts[block][key] = value
        return parts, unknown

    def validate(self, answers: Mapping[str, Any]) -> list[FieldError]:
        """Field errors over all blocks: unknown keys first, then block by block."""
        return self._errors(answers, *self._split(answers))

    def _errors(self, answers, parts, unknown, blocks=None) -> list[FieldError]:
        errors = [
            make_field_error(str(k), "unknown_item", answers[k])
            for k in unknown
            if not is_missing(answers[k])
        ]
        for block in self.blocks if blocks is None else blocks:
            errors.extend(block.validate(parts[block.id]))
        return errors

    def score(self, answers: Mapping[str, Any]) -> dict[str, dict[str, ScaleScore]]:
        """Scale scores per instrument id: ``{instrument_id: {scale_id: ScaleScore}}``."""
        parts, _unknown = self._split(answers)
        return {b.id: b.score(parts[b.id]) for b in self.blocks if b.scales}

    def quality_flags(
        self,
        answers: Mapping[str, Any],
        duration_seconds: float | None = None,
        rules: QualityRules = DEFAULT_RULES,
    ) -> dict[str, list[str]]:
        """Flags per instrument id; speed is judged over the whole questionnaire.

        ``too_fast`` (when ``duration_seconds`` is given) appears under the key
        ``"questionnaire"``, since the duration covers all blocks.
        """
        parts, _unknown = self._split(answers)
        flags = {b.id: b.quality_flags(parts[b.id], None) for b in self.instruments}
        owner = self._owner
        answered = sum(1 for k, v in answers.items() if k in owner and not is_missing(v))
        flags["questionnaire"] = _speed_flags(answered, duration_seconds, rules)
        return flags

    def assess(
        self,
        answers: Mapping[str, Any],
        duration_seconds: float | None = None,
        rules: QualityRules = DEFAULT_RULES,
    ) -> Assessment:
        """:meth:`validate`, :meth:`score` and :meth:`quality_flags` in one pass over the answers.

        The same results as the three calls, at a third of the work: every answer is checked
        once. With errors, ``scores`` and ``flags`` are empty (such a response is not stored).
        """
        parts, unknown = self._split(answers)
        # Blocks answered with valid options only need no general check (the common case).
        fast = [points_if_valid(b, parts[b.id]) for b in self.blocks]
        checked = [b for b, points in zip(self.blocks, fast, strict=True) if points is None]
        errors = self._errors(answers, parts, unknown, checked)
        if errors:
            return Assessment(errors, {}, {})
        scores, flags, answered = {}, {}, 0
        for block, points in zip(self.blocks, fast, strict=True):
            # No errors: every answer given to an item is valid.
            valid = {k: v for k, v in parts[block.id].items() if not is_missing(v)}
            answered += len(valid)
            if points is None:
                points = points_of(block, valid)
            if block.scales:
                scores[block.id] = scores_of(block, points)
            if block is not self.demographics:
                flags[block.id] = flags_of(block, valid, points, None, rules)
        flags["questionnaire"] = _speed_flags(answered, duration_seconds, rules)
        return Assessment([], scores, flags)

    @cached_property
    def _owner(self) -> dict[str, str]:
        """Item id -> the id of the block it belongs to (worked out once: versions never change)."""
        return {item.id: b.id for b in self.blocks for item in b.items}

    def validate_frame(self, df: pd.DataFrame, ignore: Iterable[str] = ()) -> pd.DataFrame:
        """Vectorised :meth:`validate`: one row per error (row, field, code, value, messages)."""
        ignored = set(ignore)
        frames = []
        unknown = [c for c in df.columns if c not in ignored and c not in self._owner]
        if unknown:
            demo = Instrument(id="_unknown", version="0", title={}, items=())
            frames.append(validate_frame(demo, df[unknown]))
        for block in self.blocks:
            cols = [c for c in df.columns if block.has_item(c)]
            frames.append(validate_frame(block, df[cols]))
        out = pd.concat(frames, ignore_index=True)
        position = pd.Series(range(len(df)), index=df.index)
        order = out["row"].map(position)
        return out.iloc[order.argsort(kind="stable")].reset_index(drop=True)

    def score_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """Vectorised :meth:`score`; columns are prefixed ``<instrument_id>.``."""
        frames = []
        for block in self.blocks:
            if block.scales:
                cols = [c for c in df.columns if block.has_item(c)]
                frames.append(score_frame(block, df[cols]).add_prefix(f"{block.id}."))
        return pd.concat(frames, axis=1) if frames else pd.DataFrame(index=df.index)

    def quality_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """Vectorised per-instrument flags (no speed check); columns ``<instrument_id>.<flag>``."""
        frames = []
        for block in self.instruments:
            cols = [c for c in df.columns if block.has_item(c)]
            flags = quality_frame(block, df[cols]).drop(columns="too_fast")
            frames.append(flags.add_prefix(f"{block.id}."))
        return pd.concat(frames, axis=1) if frames else pd.DataFrame(index=df.index)

    def to_dict(self, embed: bool = False) -> dict[str, Any]:
        """JSON form: instrument references (id, version, fingerprint), or full definitions.

        With ``embed=True`` each reference also carries the instrument's ``definition``, so the
        questionnaire can be rebuilt without the registry (e.g. from a database row).
        """

        def ref(inst: Instrument) -> dict[str, Any]:
            out: dict[str, Any] = {
                "id": inst.id,
                "version": inst.version,
                "fingerprint": inst.fingerprint,
            }
            if embed:
                out["definition"] = inst.to_dict()
            return out

        return {
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            "consent": dict(self.consent),
            "demographics": ref(self.demographics) if self.demographics else None,
            "instruments": [ref(i) for i in self.instruments],
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], resolve: Resolver = load_instrument
    ) -> Questionnaire:
        """Rebuild from :meth:`to_dict`; references are resolved and fingerprints checked."""
        source = f"<questionnaire {data.get('id')}>"

        def build(ref: Mapping[str, Any], path: str) -> Instrument:
            if "definition" in ref:
                inst = parse_instrument(dict(ref["definition"]), source=f"{source} {path}")
            else:
                try:
                    inst = resolve(ref["id"], ref.get("version"))
                except LookupError as exc:
                    raise InstrumentError(source, [(path, str(exc))]) from None
            wanted = ref.get("fingerprint")
            if wanted and wanted != inst.fingerprint:
                raise InstrumentError(
                    source,
                    [
                        (
                            path,
                            f"instrument {inst.id!r} version {inst.version!r} has fingerprint "
                            f"{inst.fingerprint[:12]}, not the stored {wanted[:12]}: "
                            "its definition changed without a new version",
                        )
                    ],
                )
            return inst

        demo = data.get("demographics")
        return cls(
            id=data["id"],
            version=str(data["version"]),
            title=dict(data.get("title") or {}),
            instruments=tuple(
                build(r, f"instruments[{i}]") for i, r in enumerate(data.get("instruments", []))
            ),
            demographics=build(demo, "demographics") if demo else None,
            consent=dict(data.get("consent") or {}),
        )
