"""Synthetic answers for the demo: realistic effects, attrition, missing items and bad data.

Everything is drawn from a seeded random generator, so the same seed gives the same programme.
Each participant has a latent level per instrument; the intervention group improves by an
effect that differs per site, the comparison group barely changes; people with a low baseline
drop out more often; a few answer every question the same or ignore reversed wording.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import numpy as np

import surveys

WAVE_WEEKS = (0, 12, 26)  # pre, post, follow-up
NAMESPACE = uuid.UUID("6f0c6c5e-2f1d-4c58-9a51-3f7e1c0d9b21")


@dataclass(frozen=True)
class SiteEffect:
    effect: float  # improvement of the intervention group in SD units, pre to post
    dropout_post: float
    dropout_follow_up: float


@dataclass
class DemoAnswer:
    submission_id: str
    code: str
    group: str
    wave_index: int
    language: str
    answers: dict
    submitted_at: dt.datetime
    duration_seconds: int


def site_effects(rng: np.random.Generator, n_sites: int) -> list[SiteEffect]:
    return [
        SiteEffect(
            effect=float(rng.uniform(0.0, 0.7)),
            dropout_post=float(rng.uniform(0.1, 0.3)),
            dropout_follow_up=float(rng.uniform(0.2, 0.45)),
        )
        for _ in range(n_sites)
    ]


def _direction(instrument: surveys.Instrument) -> dict[str, int]:
    """+1 when a higher item score is better for the scales the item belongs to, else -1."""
    out = {}
    for scale in instrument.scales:
        for item_id in scale.items:
            out[item_id] = 1 if scale.higher_is_better else -1
    return out


def _choice(item: surveys.Item, goodness: float, direction: int) -> int:
    """The option picked at this ``goodness`` (about N(0, 1)): better people score better."""
    ranked = sorted(item.option_values, key=lambda v: direction * item.item_score(v))
    position = 1 / (1 + np.exp(-1.6 * goodness))  # logistic: 0..1
    return int(ranked[min(len(ranked) - 1, int(position * len(ranked)))])


def answers_for(
    rng,
    questionnaire: surveys.Questionnaire,
    level: float,
    *,
    straight: bool,
    careless_reverse: bool,
    missing_rate: float,
) -> dict:
    answers: dict = {}
    if questionnaire.demographics is not None:
        block = questionnaire.demographics
        for item in block.items:
            if item.type in ("single_choice", "yes_no", "likert") and rng.random() > 0.12:
                answers[item.id] = int(rng.choice(item.option_values[:4]))
                codes = block.missing_for(item)
                if codes and rng.random() < 0.1:  # "Rather not say", where the item offers it
                    answers[item.id] = codes[0].value
        # A question asked only under a condition is left alone otherwise (demo: "Other,
        # namely" only after "Other"): the demo's answers respect every condition.
        hidden = questionnaire.not_applicable(answers)
        answers = {k: v for k, v in answers.items() if k not in hidden}
    for instrument in questionnaire.instruments:
        direction = _direction(instrument)
        fixed = None
        for item in instrument.items:
            if item.type not in ("likert", "single_choice", "yes_no"):
                continue
            if not item.required and rng.random() < missing_rate:
                continue  # bundled scales need every item; optional ones are skipped sometimes
            if straight:
                fixed = fixed if fixed is not None else int(rng.choice(item.option_values))
                answers[item.id] = fixed if fixed in item.option_values else item.option_values[0]
                continue
            sign = direction.get(item.id, 1)
            if careless_reverse and item.reverse:
                sign = -sign  # answers the wording, not the meaning: reversed items contradict
            goodness = level + rng.normal(0, 0.8)
            answers[item.id] = _choice(item, goodness, sign)
    return answers


def programme(
    rng,
    questionnaire: surveys.Questionnaire,
    sites: list[str],
    sizes: list[int],
    *,
    with_comparison: bool,
    start: dt.datetime,
    now: dt.datetime,
) -> dict:
    """Answers per site: {site: [DemoAnswer, ...]} for every participant and wave they answered."""
    effects = site_effects(rng, len(sites))
    out: dict[str, list[DemoAnswer]] = {}
    for index, (site, size) in enumerate(zip(sites, sizes, strict=True)):
        effect = effects[index]
        rows = []
        for number in range(size):
            group = "comparison" if with_comparison and rng.random() < 0.4 else "intervention"
            code = f"{site[:3].upper()}{index:02d}{number:03d}"
            baseline = rng.normal(-0.3, 1.0)
            gain = effect.effect if group == "intervention" else 0.05
            straight = rng.random() < 0.03
            careless = rng.random() < 0.06
            language = "en" if rng.random() < 0.15 else "nl"
            began = start + dt.timedelta(days=int(rng.integers(0, 60)))
            for wave_index, weeks in enumerate(WAVE_WEEKS):
                when = began + dt.timedelta(weeks=weeks, hours=int(rng.integers(8, 20)))
                if when > now:
                    break
                if wave_index == 1 and rng.random() < effect.dropout_post + 0.1 * (baseline < -1):
                    break
                if wave_index == 2 and rng.random() < effect.dropout_follow_up:
                    break
                level = baseline + (gain if wave_index else 0.0) * (0.8 if wave_index == 2 else 1)
                rows.append(
                    DemoAnswer(
                        submission_id=str(uuid.uuid5(NAMESPACE, f"{site}/{code}/{wave_index}")),
                        code=code,
                        group=group,
                        wave_index=wave_index,
                        language=language,
                        answers=answers_for(
                            rng,
                            questionnaire,
                            level,
                            straight=straight,
                            careless_reverse=careless,
                            missing_rate=0.03,
                        ),
                        submitted_at=when,
                        duration_seconds=int(
                            rng.integers(45, 120) if straight else rng.integers(180, 900)
                        ),
                    )
                )
        out[site] = rows
    return out
