"""A questionnaire: consent text, a demographics block and an ordered set of instrument versions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from surveys.applicability import hidden_items
from surveys.errors import FieldError, InstrumentError, make_field_error, worded
from surveys.frame import quality_frame, score_frame, validate_frame
from surveys.frame_rows import errors_by_row, row_answers, scores_by_row
from surveys.instrument import Instrument, parse_instrument
from surveys.model import ScaleScore
from surveys.quality import (
    DEFAULT_RULES,
    QUALITY_FLAGS,
    QualityRules,
    flags_of,
    quality_flags,
)
from surveys.registry import load_instrument
from surveys.scoring import points_if_valid, points_of, score_answers, scores_of
from surveys.validation import answer_statuses, is_missing, is_missing_code, validate_answers

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
            problems.append(("instruments", worded("schema", "instrument_twice", ids=str(ids))))
        for block in self.blocks:
            # A condition reads earlier answers only: of this block (checked when it was
            # read), or of the blocks before it.
            for name in sorted(block.outside_names):
                if name not in seen:
                    problems.append((block.id, worded("schema", "names_outside", name=name)))
            for item in block.items:
                if item.id in seen:
                    where = f"{block.id}.{item.id}"
                    problems.append(
                        (where, worded("schema", "item_id_reused", block=seen[item.id]))
                    )
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

    @cached_property
    def _conditional(self) -> bool:
        """Whether any block has conditions (then which items apply is worked out per response)."""
        return any(b.has_conditions for b in self.blocks)

    def _hidden(self, answers: Mapping[str, Any]) -> frozenset[str]:
        return hidden_items(self.blocks, answers) if self._conditional else frozenset()

    def not_applicable(self, answers: Mapping[str, Any]) -> frozenset[str]:
        """The ids of the items whose conditions (block, groups, item) do not hold.

        Conditions are read in form order; a hidden item's answer counts as not given in
        every later condition (see :mod:`surveys.applicability`).
        """
        return self._hidden(answers)

    def statuses(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """Each item's status: ``answered``, ``missing``, ``missing_code`` or ``not_applicable``."""
        return answer_statuses(self.blocks, answers, self._hidden(answers))

    def validate(
        self, answers: Mapping[str, Any], blanks_allowed: bool = False
    ) -> list[FieldError]:
        """Field errors over all blocks: unknown keys first, then block by block.

        With ``blanks_allowed`` (paper entry, an import) a required item left empty is not
        answered instead of an error.
        """
        parts, unknown = self._split(answers)
        return self._errors(answers, parts, unknown, None, blanks_allowed, self._hidden(answers))

    def _errors(
        self, answers, parts, unknown, blocks=None, blanks_allowed=False, hidden=frozenset()
    ) -> list[FieldError]:
        errors = [
            make_field_error(str(k), "unknown_item", answers[k])
            for k in unknown
            if not is_missing(answers[k])
        ]
        # A constraint may read an earlier block's answer: it reads them all, but the hidden.
        context = {k: v for k, v in answers.items() if k not in hidden} if hidden else answers
        for block in self.blocks if blocks is None else blocks:
            errors.extend(validate_answers(block, parts[block.id], blanks_allowed, hidden, context))
        return errors

    def score(self, answers: Mapping[str, Any]) -> dict[str, dict[str, ScaleScore]]:
        """Scale scores per instrument id: ``{instrument_id: {scale_id: ScaleScore}}``."""
        parts, _unknown = self._split(answers)
        hidden = self._hidden(answers)
        return {b.id: score_answers(b, parts[b.id], hidden) for b in self.blocks if b.scales}

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
        hidden = self._hidden(answers)
        flags = {b.id: quality_flags(b, parts[b.id], None, rules, hidden) for b in self.instruments}
        answered = sum(self._answered(b, parts[b.id], hidden) for b in self.blocks)
        flags["questionnaire"] = _speed_flags(answered, duration_seconds, rules)
        return flags

    @staticmethod
    def _answered(block: Instrument, part: Mapping[str, Any], hidden: frozenset[str]) -> int:
        """How many of the block's items are answered (not a missing-data code, not hidden)."""
        codes = block.missing_values
        return sum(
            1
            for k, v in part.items()
            if not is_missing(v) and k not in hidden and not is_missing_code(v, codes.get(k))
        )

    def assess(
        self,
        answers: Mapping[str, Any],
        duration_seconds: float | None = None,
        rules: QualityRules = DEFAULT_RULES,
        blanks_allowed: bool = False,
    ) -> Assessment:
        """:meth:`validate`, :meth:`score` and :meth:`quality_flags` in one pass over the answers.

        The same results as the three calls, at a third of the work: every answer is checked
        once. With errors, ``scores`` and ``flags`` are empty (such a response is not stored).
        ``blanks_allowed`` as for :meth:`validate`.
        """
        parts, unknown = self._split(answers)
        hidden = self._hidden(answers)
        # Blocks answered with valid options only need no general check (the common case).
        fast = [points_if_valid(b, parts[b.id]) for b in self.blocks]
        checked = [b for b, points in zip(self.blocks, fast, strict=True) if points is None]
        errors = self._errors(answers, parts, unknown, checked, blanks_allowed, hidden)
        if errors:
            return Assessment(errors, {}, {})
        scores, flags, answered = {}, {}, 0
        for block, points in zip(self.blocks, fast, strict=True):
            # No errors: every answer given is valid, and given only to items that apply.
            codes = block.missing_values
            valid = {
                k: v
                for k, v in parts[block.id].items()
                if not is_missing(v) and not (codes and is_missing_code(v, codes.get(k)))
            }
            answered += len(valid)
            if points is None:
                points = points_of(block, valid)
            if block.scales:
                scores[block.id] = scores_of(block, points)
            if block is not self.demographics:
                flags[block.id] = flags_of(block, valid, points, None, rules, hidden)
        flags["questionnaire"] = _speed_flags(answered, duration_seconds, rules)
        return Assessment([], scores, flags)

    @cached_property
    def _owner(self) -> dict[str, str]:
        """Item id -> the id of the block it belongs to (worked out once: versions never change)."""
        return {item.id: b.id for b in self.blocks for item in b.items}

    @cached_property
    def _by_row(self) -> bool:
        """Whether frames are worked through row by row: conditions or constraints anywhere."""
        return any(b.has_conditions or b.has_constraints for b in self.blocks)

    def validate_frame(self, df: pd.DataFrame, ignore: Iterable[str] = ()) -> pd.DataFrame:
        """Vectorised :meth:`validate`: one row per error (row, field, code, value, messages).

        With conditions or constraints (which read other blocks' answers) row by row.
        """
        if self._by_row:
            return errors_by_row(df, self.validate, ignore)
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
        if self._by_row:
            ids = [f"{b.id}.{s.id}" for b in self.blocks for s in b.scales]

            def flat(answers):
                scores = self.score(answers)
                return {
                    f"{b}.{s}": v for b, by_scale in scores.items() for s, v in by_scale.items()
                }

            return scores_by_row(df, ids, flat)
        frames = []
        for block in self.blocks:
            if block.scales:
                cols = [c for c in df.columns if block.has_item(c)]
                frames.append(score_frame(block, df[cols]).add_prefix(f"{block.id}."))
        return pd.concat(frames, axis=1) if frames else pd.DataFrame(index=df.index)

    def quality_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """Vectorised per-instrument flags (no speed check); columns ``<instrument_id>.<flag>``."""
        if self._by_row:
            frames = []
            flags = [self.quality_flags(answers) for answers in row_answers(df)]
            for block in self.instruments:
                columns = {
                    f"{block.id}.{flag}": [flag in f[block.id] for f in flags]
                    for flag in QUALITY_FLAGS
                    if flag != "too_fast"
                }
                frames.append(pd.DataFrame(columns, index=df.index, dtype=bool))
            return pd.concat(frames, axis=1) if frames else pd.DataFrame(index=df.index)
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
                changed = worded(
                    "schema",
                    "fingerprint_changed",
                    id=inst.id,
                    version=inst.version,
                    found=inst.fingerprint[:12],
                    stored=wanted[:12],
                )
                raise InstrumentError(source, [(path, changed)])
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
