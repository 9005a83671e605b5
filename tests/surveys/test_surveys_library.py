"""The bundled instruments load and score hand-computed answer patterns as published."""

from __future__ import annotations

import pytest

import surveys


def answers(prefix: str, values: list[int]) -> dict[str, int]:
    return {f"{prefix}_{i}": v for i, v in enumerate(values, start=1)}


def test_every_bundled_instrument_loads_with_citation_and_licence():
    bundled = surveys.bundled_instruments()  # every version of every instrument
    assert {"brs", "gse", "rses", "djg6", "demographics"} <= {inst.id for inst in bundled}
    for inst in bundled:
        assert inst.citation and inst.licence, inst.id
        assert set(inst.languages) >= {"nl", "en"}, inst.id
        assert set(inst.translation_sources) == set(inst.languages), inst.id
        assert surveys.load_instrument(inst.id, inst.version).fingerprint == inst.fingerprint


def test_no_licensed_instrument_text_is_shipped():
    ids = {inst.id.lower() for inst in surveys.bundled_instruments()}
    assert not any("swemwbs" in i or "zrm" in i or "zelfredzaamheid" in i for i in ids)


@pytest.mark.parametrize(
    "inst_id, expected",
    [
        ("brs", {"en": "original", "nl": "working"}),
        ("gse", {"en": "validated", "nl": "working"}),
        ("rses", {"en": "original", "nl": "working"}),
        ("djg6", {"nl": "original", "en": "validated"}),
    ],
)
def test_translation_status_is_declared_honestly(inst_id, expected):
    """Dutch texts we could not check against the published version are 'working'."""
    assert surveys.load_instrument(inst_id).languages == expected


@pytest.mark.parametrize(
    "values, score, band",
    [
        ([5, 1, 5, 1, 5, 1], 5.0, "high"),  # items 2, 4, 6 reversed: 1 -> 5
        ([1, 5, 1, 5, 1, 5], 1.0, "low"),
        ([3, 3, 3, 3, 3, 3], 3.0, "normal"),
        ([4, 3, 4, 2, 4, 1], 4.0, "normal"),  # (4 + 3 + 4 + 4 + 4 + 5) / 6
        ([5, 2, 4, 1, 4, 2], 26 / 6, "high"),  # 4.33 >= 4.31
        ([2, 4, 3, 4, 3, 1], 17 / 6, "low"),  # (2 + 2 + 3 + 2 + 3 + 5) / 6 = 2.83
    ],
)
def test_brs_mean_with_reversed_items_and_bands(values, score, band):
    result = surveys.load_instrument("brs").score(answers("brs", values))["brs"]
    assert result.value == pytest.approx(score)
    assert result.items_answered == 6
    assert result.band == band


def test_brs_needs_all_six_items_and_higher_is_better():
    brs = surveys.load_instrument("brs")
    partial = answers("brs", [5, 1, 5, 1, 5])
    assert brs.score(partial)["brs"].value is None
    assert brs.score(partial)["brs"].items_answered == 5
    scale = brs.scale("brs")
    assert scale.higher_is_better and scale.reliability == 0.78 and scale.reference_source


@pytest.mark.parametrize(
    "values, total",
    [([4] * 10, 40), ([1] * 10, 10), ([1, 2, 3, 4, 1, 2, 3, 4, 1, 2], 23)],
)
def test_gse_sum(values, total):
    result = surveys.load_instrument("gse").score(answers("gse", values))["gse"]
    assert result.value == total and result.band is None


@pytest.mark.parametrize(
    "values, total, band",
    [
        # positive items 1, 3, 4, 7, 10; negative items 2, 5, 6, 8, 9 reversed (3 - value)
        ([3, 0, 3, 3, 0, 0, 3, 0, 0, 3], 30, "high"),
        ([0, 3, 0, 0, 3, 3, 0, 3, 3, 0], 0, "low"),
        ([3] * 10, 15, "normal"),  # agreeing with everything: 15 + 0
        ([2, 1, 2, 2, 1, 1, 2, 1, 1, 2], 20, "normal"),
        ([2, 2, 2, 1, 2, 2, 1, 2, 2, 2], 13, "low"),  # 8 + 5 * 1
        ([3, 0, 3, 3, 1, 1, 3, 1, 1, 3], 26, "high"),  # 15 + 3 + 2 + 2 + 2 + 2
    ],
)
def test_rses_reversed_sum_and_bands(values, total, band):
    result = surveys.load_instrument("rses").score(answers("rses", values))["rses"]
    assert result.value == total and result.band == band


@pytest.mark.parametrize(
    "values, total, emotional, social, band",
    [
        ([1] * 6, 3, 3, 0, "moderately_lonely"),  # 'yes' everywhere
        ([3] * 6, 3, 0, 3, "moderately_lonely"),  # 'no' everywhere
        ([2] * 6, 6, 3, 3, "severely_lonely"),  # 'more or less' scores 1 on every item
        ([3, 1, 1, 3, 1, 3], 0, 0, 0, "not_lonely"),
        ([1, 1, 1, 2, 3, 3], 3, 2, 1, "moderately_lonely"),
        ([3, 1, 2, 3, 1, 3], 1, 0, 1, "not_lonely"),
        ([1, 3, 2, 1, 3, 2], 6, 3, 3, "severely_lonely"),
    ],
)
def test_djg_dichotomous_scoring_and_subscales(values, total, emotional, social, band):
    """Emotional items 1, 4, 6: yes / more or less = 1; social 2, 3, 5: no / more or less = 1."""
    djg = surveys.load_instrument("djg6")
    result = djg.score(answers("djg", values))
    assert result["djg_total"].value == total and result["djg_total"].band == band
    assert result["djg_emotional"].value == emotional
    assert result["djg_social"].value == social
    assert not djg.scale("djg_total").higher_is_better


def test_djg_subscale_bands():
    djg = surveys.load_instrument("djg6")
    result = djg.score(answers("djg", [1, 1, 1, 1, 1, 1]))
    assert result["djg_emotional"].band == "strongly_lonely"
    assert result["djg_social"].band == "not_lonely"


def test_demographics_block_is_optional_and_has_open_gender_option():
    demo = surveys.load_instrument("demographics")
    assert demo.kind == "demographics"
    assert demo.validate({}) == []
    assert demo.item("gender_other").type == "text"
    assert demo.validate({"gender": 3, "gender_other": "non-binair"}) == []


def test_prorating_of_a_sum_and_reverse_keying(toolkit):
    # a1=2, a2=4 (reversed -> 2), a3=5, a4 missing: mean 3 * 4 items = 12
    result = toolkit.score({"a1": 2, "a2": 4, "a3": 5})["total"]
    assert result.value == pytest.approx(12.0)
    assert result.items_answered == 3
    assert result.band == "mid"
    assert toolkit.score({"a1": 2, "a2": 4})["total"].value is None  # below min_items 3


def test_band_gaps_are_closed_by_lower_bounds(toolkit):
    # 14.0 is 'mid', 14.01 onwards 'high'; a prorated 14.67 falls in 'high'
    assert toolkit.score({"a1": 4, "a2": 2, "a3": 4, "a4": 2})["total"].band == "high"  # 16
    assert toolkit.score({"a1": 5, "a2": 3, "a3": 3})["total"].value == pytest.approx(44 / 3)
    assert toolkit.score({"a1": 5, "a2": 3, "a3": 3})["total"].band == "high"


def test_matrix_instrument_scores_each_domain():
    matrix = surveys.parse_instrument(
        """
id: my_matrix
version: "1"
kind: matrix
title: {nl: Eigen matrix}
languages: {nl: original}
levels:
  - {value: 1, label: {nl: Acute problematiek}}
  - {value: 2, label: {nl: Niet zelfredzaam}}
  - {value: 3, label: {nl: Beperkt zelfredzaam}}
  - {value: 4, label: {nl: Voldoende zelfredzaam}}
  - {value: 5, label: {nl: Volledig zelfredzaam}}
domains:
  - {id: finances, text: {nl: Financien}}
  - {id: housing, text: {nl: Huisvesting}}
scales:
  - {id: finances, items: [finances], method: sum, range: [1, 5]}
  - {id: housing, items: [housing], method: sum, range: [1, 5]}
  - {id: mean_level, items: [finances, housing], method: mean, range: [1, 5]}
""",
        source="matrix.yaml",
    )
    assert matrix.kind == "matrix" and [i.type for i in matrix.items] == ["likert", "likert"]
    scores = matrix.score({"finances": 2, "housing": 5})
    assert scores["finances"].value == 2 and scores["housing"].value == 5
    assert scores["mean_level"].value == 3.5
    rebuilt = surveys.Instrument.from_dict(matrix.to_dict())
    assert rebuilt.fingerprint == matrix.fingerprint and rebuilt.kind == "matrix"
