"""One intervention's evaluation: its scores read with one query, analysed and disclosed.

Everything that shows results (the web page, the PDF, a published version, the aggregates) takes
the :class:`Evaluation` this module builds, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select

import analysis
from analysis.notes import Note
from analysis.report.meta import InstrumentInfo, ReportMeta, SiteInfo
from evalsys.collection.models import Participant, Response, Score
from evalsys.db.meta import utcnow
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.results import snapshots

log = logging.getLogger(__name__)

DEFAULT_MIN_CELL = 10
MIN_CELL_FLOOR = 5  # DESIGN.md: "configurable, never below 5"

SAMPLE_SOURCE = {
    "en": {
        "both": (
            "this sample at {wave}: SD and Cronbach's alpha; no published reference values in "
            "the instrument definition"
        ),
        "sd": "SD: this sample at {wave} (no published reference SD); reliability: {published}",
        "reliability": (
            "reliability: Cronbach's alpha of this sample at {wave} (no published reliability); "
            "SD: {published}"
        ),
        "published": "the instrument definition",
    },
    "nl": {
        "both": (
            "deze steekproef bij {wave}: SD en Cronbachs alfa; de definitie van de vragenlijst "
            "geeft geen gepubliceerde referentiewaarden"
        ),
        "sd": "SD: deze steekproef bij {wave} (geen gepubliceerde referentie-SD); "
        "betrouwbaarheid: {published}",
        "reliability": (
            "betrouwbaarheid: Cronbachs alfa van deze steekproef bij {wave} (geen gepubliceerde "
            "betrouwbaarheid); SD: {published}"
        ),
        "published": "de definitie van de vragenlijst",
    },
}


class NoResults(Exception):
    """There is nothing to evaluate yet; the message says why."""


@dataclass(frozen=True)
class Evaluation:
    """The disclosed result, the report's other inputs and when the data were read."""

    result: analysis.EvaluationResult  # disclosed: fit for reports and the ministry
    meta: ReportMeta
    data_taken_at: dt.datetime
    scale_infos: dict[str, analysis.ScaleInfo] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what this module left out, and why
    # What the results page made of it per language and filter (evalsys.results.views.results):
    # kept with the evaluation, so a filter shown once is not formatted again.
    views: dict = field(default_factory=dict, compare=False, repr=False)


def min_cell(settings: dict) -> int:
    """``evalsys.min_cell``: default 10, never below 5 (a lower value is raised, with a warning)."""
    raw = settings.get("evalsys.min_cell", DEFAULT_MIN_CELL)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        log.warning("evalsys.min_cell = %r is not a whole number; using %s", raw, DEFAULT_MIN_CELL)
        return DEFAULT_MIN_CELL
    if value < MIN_CELL_FLOOR:
        log.warning(
            "evalsys.min_cell = %s is below %s; published tables use %s",
            value,
            MIN_CELL_FLOOR,
            MIN_CELL_FLOOR,
        )
        return MIN_CELL_FLOOR
    return value


def load_scores(dbsession, intervention: Intervention) -> pd.DataFrame:
    """The long score table of the current responses: one SQL query.

    Columns ``participant, site, group, wave, scale, score``; ``scale`` is
    ``"<instrument>.<scale>"``. Superseded responses and missing scores are left out.
    """
    query = (
        select(
            Participant.code.label("participant"),
            Site.slug.label("site"),
            Participant.group_name.label("group"),
            Wave.label.label("wave"),
            Score.instrument_key,
            Score.scale,
            Score.value.label("score"),
        )
        .select_from(Score)
        .join(Response, Response.id == Score.response_id)
        .join(Participant, Participant.id == Response.participant_id)
        .join(Site, Site.id == Participant.site_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(
            Response.intervention_id == intervention.id,
            Response.superseded_at.is_(None),
            Response.test.is_(False),
            Score.value.is_not(None),
        )
    )
    rows = dbsession.execute(query).all()
    frame = pd.DataFrame(
        rows,
        columns=["participant", "site", "group", "wave", "instrument", "scale_id", "score"],
    )
    frame["scale"] = frame["instrument"] + "." + frame["scale_id"]
    return frame[["participant", "site", "group", "wave", "scale", "score"]]


def evaluate_intervention(
    dbsession, intervention: Intervention, settings: dict, *, language: str = "nl"
) -> Evaluation:
    """Evaluate the intervention from its current data and disclose the result for publication.

    ``language`` is that of the report texts this module writes (translation notes).
    Raises :class:`NoResults` when there are not yet two waves with scores. The same data give
    the same evaluation, so it is computed once per data snapshot (evalsys.results.snapshots).
    """
    version = snapshots.data_version(dbsession, intervention)
    key = (intervention.id, language, min_cell(settings), version)
    return snapshots.remembered(key, lambda: _evaluate(dbsession, intervention, settings, language))


def _evaluate(dbsession, intervention: Intervention, settings: dict, language: str) -> Evaluation:
    data_taken_at = utcnow()
    scores = load_scores(dbsession, intervention)
    waves = [w.label for w in intervention.waves]
    if scores.empty or scores["wave"].nunique() < 2:
        raise NoResults("there are no scores of two measurement waves yet")
    blocks = _instruments(intervention)
    baseline = waves[0]
    answers = _baseline_answers(dbsession, intervention, baseline)
    alphas = _sample_alphas(blocks, answers)
    infos, notes = _scale_infos(blocks, scores, alphas, baseline, language)
    scores = scores[scores["scale"].isin(infos)]
    if scores.empty:
        raise NoResults("no scale has the reference values reliable change needs")
    with warnings.catch_warnings():
        # Small sites warn (n < 3, zero variance); the result says what it could not compute.
        warnings.simplefilter("ignore")
        try:
            raw = analysis.evaluate(scores, intervention.design, infos, waves=waves)
        except ValueError as error:  # e.g. a wave with scores that is not a wave any more
            raise NoResults(str(error)) from error
        result = analysis.disclose(raw, min_cell=min_cell(settings))
    meta = build_meta(
        dbsession, intervention, blocks, alphas, data_taken_at, result.min_cell, language=language
    )
    return Evaluation(result, meta, data_taken_at, infos, tuple(notes))


def _instruments(intervention: Intervention) -> dict[str, object]:
    """Instrument id -> surveys.Instrument over every questionnaire version (newest wins)."""
    blocks: dict[str, object] = {}
    for row in intervention.questionnaires:
        for block in questionnaires.load(row).instruments:
            blocks[block.id] = block
    return blocks


def _baseline_answers(dbsession, intervention: Intervention, baseline: str) -> pd.DataFrame:
    """Item answers of the intervention group's current baseline responses, one row each."""
    query = (
        select(Response.answers)
        .join(Participant, Participant.id == Response.participant_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(
            Response.intervention_id == intervention.id,
            Response.superseded_at.is_(None),
            Response.test.is_(False),
            Wave.label == baseline,
            Participant.group_name == "intervention",
        )
    )
    return pd.DataFrame.from_records([row.answers for row in dbsession.execute(query)])


def _item_scores(instrument, scale, answers: pd.DataFrame) -> pd.DataFrame:
    """Item scores after recoding and reverse keying, as surveys' Item.item_score does."""
    columns = {}
    for item_id in scale.items:
        item = instrument.item(item_id)
        if item_id not in answers:
            columns[item_id] = pd.Series(np.nan, index=answers.index)
            continue
        values = pd.to_numeric(answers[item_id], errors="coerce")
        if item.type == "number":
            lo, hi = float(item.min), float(item.max)
            columns[item_id] = (lo + hi - values) if item.reverse else values
        else:  # an option value -> its points; anything else is missing
            columns[item_id] = values.map({v: item.item_score(v) for v in item.option_values})
    return pd.DataFrame(columns, dtype=float)


def _sample_alphas(blocks: dict, answers: pd.DataFrame) -> dict[str, float | None]:
    """Cronbach's alpha of this sample at baseline per ``instrument.scale`` (None if undefined)."""
    frames = {
        f"{instrument.id}.{scale.id}": _item_scores(instrument, scale, answers)
        for instrument in blocks.values()
        for scale in instrument.scales
        if len(scale.items) >= 2 and not answers.empty
    }
    table = analysis.scale_reliabilities(frames) if frames else pd.DataFrame()
    alphas: dict[str, float | None] = {}
    for row in table.itertuples():
        alphas[row.scale] = float(row.alpha) if np.isfinite(row.alpha) else None
    return alphas


def _title(titles: dict[str, str], language: str) -> str:
    """A title in ``language``, else in Dutch or English, else the first there is."""
    return next((titles[lang] for lang in (language, "nl", "en", *titles) if titles.get(lang)), "")


def _scale_infos(
    blocks: dict, scores: pd.DataFrame, alphas: dict, baseline: str, language: str = "nl"
) -> tuple[dict[str, analysis.ScaleInfo], list[str]]:
    """ScaleInfo per scale with scores: published reference values, else this sample's."""
    infos, notes = {}, []
    at_baseline = scores[(scores["wave"] == baseline) & (scores["group"] == "intervention")]
    sample_sd = at_baseline.groupby("scale")["score"].std(ddof=1)
    for instrument in blocks.values():
        title = _title(instrument.title, language) or instrument.id
        for scale in instrument.scales:
            key = f"{instrument.id}.{scale.id}"
            if key not in set(scores["scale"]):
                continue
            sd, reliability = scale.reference_sd, scale.reliability
            words = SAMPLE_SOURCE.get(language, SAMPLE_SOURCE["nl"])
            published = scale.reference_source_in(language) or words["published"]
            if sd is None and reliability is None:
                source = words["both"].format(wave=baseline)
            elif sd is None:
                source = words["sd"].format(wave=baseline, published=published)
            elif reliability is None:
                source = words["reliability"].format(wave=baseline, published=published)
            else:
                source = published
            sd = sd if sd is not None else _finite(sample_sd.get(key))
            reliability = reliability if reliability is not None else alphas.get(key)
            scale_title = _title(scale.title, language) or scale.id
            label = title if scale.id == instrument.id else f"{title}: {scale_title}"
            if sd is None or sd <= 0 or reliability is None or not 0 < reliability < 1:
                notes.append(
                    Note(
                        "scale_left_out",
                        f"{key} is left out: no usable reference SD and reliability "
                        "(none published, and this sample's baseline gives none).",
                        title=label,
                    )
                )
                continue
            infos[key] = analysis.ScaleInfo(
                label=label,
                higher_is_better=scale.higher_is_better,
                reference_sd=float(sd),
                reliability=float(reliability),
                reference_source=source,
            )
    return infos, notes


def _finite(value) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def build_meta(
    dbsession,
    intervention: Intervention,
    blocks: dict,
    alphas: dict,
    data_taken_at: dt.datetime,
    min_cell_used: int | None,
    *,
    language: str = "nl",
    version_label: str = "",
) -> ReportMeta:
    """What the report says besides the statistics: sites, waves, instruments, data quality."""
    quality, period = _quality(dbsession, intervention)
    return ReportMeta(
        intervention=intervention.name,
        slug=intervention.slug,
        description=intervention.description or "",
        target_group=intervention.target_group or "",
        design=intervention.design,
        protective_factors=tuple(intervention.protective_factors or ()),
        sites=tuple(
            SiteInfo(s.slug, s.name, s.municipality, s.area, s.organisation)
            for s in intervention.sites
        ),
        waves=tuple((w.label, w.name_in(language)) for w in intervention.waves),
        period=period,
        data_taken_at=data_taken_at,
        generated_at=utcnow(),
        instruments=tuple(_instrument_info(block, alphas, language) for block in blocks.values()),
        quality=quality,
        min_cell=min_cell_used or DEFAULT_MIN_CELL,
        version_label=version_label,
    )


TRANSLATION_NOTE = {
    "nl": "werkvertaling ({languages}), geen gevalideerde versie",
    "en": "working translation ({languages}), not a validated version",
}


def _instrument_info(instrument, alphas: dict, language: str) -> InstrumentInfo:
    working = [lang for lang, status in instrument.languages.items() if status == "working"]
    note = ""
    if working:
        template = TRANSLATION_NOTE.get(language, TRANSLATION_NOTE["nl"])
        note = template.format(languages=", ".join(sorted(working)))
    return InstrumentInfo(
        id=instrument.id,
        version=instrument.version,
        title=_title(instrument.title, language) or instrument.id,
        citation=" ".join(instrument.citation.split()),
        licence=" ".join(instrument.licence_in(language).split()),
        translation_note=note,
        scales=tuple(f"{instrument.id}.{s.id}" for s in instrument.scales),
        alpha={
            f"{instrument.id}.{s.id}": alphas.get(f"{instrument.id}.{s.id}")
            for s in instrument.scales
        },
    )


def _quality(
    dbsession, intervention: Intervention
) -> tuple[pd.DataFrame, tuple[dt.date | None, dt.date | None]]:
    """Responses and data-quality flags per site x wave, and the first and last answer date."""
    query = (
        select(Site.slug, Wave.label, Response.quality_flags, Response.submitted_at)
        .join(Participant, Participant.id == Response.participant_id)
        .join(Site, Site.id == Participant.site_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(
            Response.intervention_id == intervention.id,
            Response.superseded_at.is_(None),
            Response.test.is_(False),
        )
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    first = last = None
    for site, wave, flags, submitted_at in dbsession.execute(query):
        row = counts.setdefault((site, wave), {"responses": 0})
        row["responses"] += 1
        for flag in _flag_names(flags or ()):
            row[flag] = row.get(flag, 0) + 1
        day = submitted_at.date()
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
    records = [{"site": s, "wave": w, **row} for (s, w), row in sorted(counts.items())]
    frame = pd.DataFrame.from_records(records, columns=None if records else ["site", "wave"])
    flag_columns = [c for c in frame.columns if c not in ("site", "wave")]
    frame[flag_columns] = frame[flag_columns].fillna(0).astype(int)
    return frame, (first, last)


def _flag_names(flags: Iterable[str]) -> set[str]:
    # Stored as "<instrument>:<flag>"; the report counts responses per flag.
    return {flag.split(":", 1)[-1] for flag in flags}
