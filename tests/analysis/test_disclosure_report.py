"""The PDF prints a blank as "< 10" only where that is true, and "niet getoond" elsewhere.

Issue 24, part 4: the response and attrition table printed "< 10" for cells left out only
to protect another one (a site of 30 showed retained "< 10" for 27 participants), and a
percentage as "< 10". The report of analysis.report.sample (seed 2026: six sites, one of 7)
is rendered and read back with pypdf; each row's printed cells are compared with what the
disclosed result and its suppression records say.
"""

import io
import re

import numpy as np
import pytest
from pypdf import PdfReader

from analysis.charts import change_bars
from analysis.charts.numbers import count, percent
from analysis.disclosure import suppression_kinds
from analysis.report import build_report
from analysis.report.data import disclosed_quality
from analysis.report.sample import sample_report_inputs
from analysis.report.texts import Texts

NOT_SHOWN = {"nl": "niet getoond", "en": "not shown"}


@pytest.fixture(scope="module")
def inputs():
    return sample_report_inputs(seed=2026)


@pytest.fixture(scope="module")
def texts(inputs):
    meta, _, public = inputs
    return {
        language: _text(build_report(public, meta, language=language))
        for language in "nl en".split()
    }


def _text(pdf: bytes) -> str:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


def printed(public, kinds, i, column, value, language, *, share=False):
    """What the report should print for one cell of a disclosed table."""
    if value is not None and np.isfinite(float(value)):
        return percent(value, language) if share else count(value)
    return (
        f"< {public.min_cell}"
        if kinds.iat[i, kinds.columns.get_loc(column)] == "small"
        else NOT_SHOWN[language]
    )


def test_a_blank_count_says_less_than_10_only_when_it_is(inputs):
    """ "small" (printed "< 10") is only ever given to a count below min_cell; the demo has
    blanks of both kinds in the attrition table."""
    _, raw, public = inputs
    kinds = suppression_kinds(public, "attrition")
    columns = ["n_baseline", "n_retained", "n_dropped"]
    truth = raw.attrition[columns].to_numpy(float)
    small = (kinds[columns] == "small").to_numpy()
    assert small.any() and (truth[small] < public.min_cell).all()
    hidden = (kinds[columns] == "hidden").to_numpy()
    assert hidden.any() and (truth[hidden] >= public.min_cell).any()
    assert (kinds["retention"] != "small").all()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_attrition_table_prints_not_shown_for_a_secondary_blank(inputs, texts, language):
    _, raw, public = inputs
    t = Texts(language)
    text = texts[language]
    start = text.index(t("attrition"), text.index(t("mixed")) if t("mixed") in text else 0)
    kinds = suppression_kinds(public, "attrition")
    position = start
    secondary_ten_or_more = 0
    for i, row in enumerate(public.attrition.itertuples(index=False)):
        cells = [
            printed(public, kinds, i, c, getattr(row, c), language)
            for c in ("n_baseline", "n_retained", "n_dropped")
        ]
        cells.append(printed(public, kinds, i, "retention", row.retention, language, share=True))
        phrase = " ".join([t(row.group), str(row.wave), *cells])
        found = text.find(phrase, position)
        assert found >= 0, f"row {i} should read '{phrase}'"
        position = found + len(phrase)
        secondary_ten_or_more += sum(
            cell == NOT_SHOWN[language] and raw.attrition.iloc[i][c] >= public.min_cell
            for cell, c in zip(cells, ("n_baseline", "n_retained", "n_dropped"), strict=False)
        )
    assert secondary_ten_or_more > 0  # the case of the review: 10 or more, left out, "not shown"


def test_no_count_of_10_or_more_prints_as_less_than_10_in_attrition_or_quality(inputs, texts):
    """Read the other way: every "< 10" in the two tables stands where the count is small."""
    meta, raw, public = inputs
    text = texts["nl"]
    t = Texts("nl")
    section = text[text.index(t("attrition"), text.index(t("mixed"))) : text.index(t("methods"))]
    quality = disclosed_quality(meta.quality, public.min_cell, public)
    alone = disclosed_quality(meta.quality, public.min_cell)
    assert quality["responses"].isna().sum() > alone["responses"].isna().sum()
    q = section[section.index(t("quality")) :]
    for (_, row), (_, bare) in zip(quality.iterrows(), alone.iterrows(), strict=True):
        if np.isnan(row["responses"]) and not np.isnan(bare["responses"]):
            assert f"{row['wave']} {NOT_SHOWN['nl']}" in q  # a total that gives a group away
    assert "< 10%" not in section and "<10" not in section


def test_a_comparison_row_left_out_for_another_says_why(inputs, texts):
    """A per-site comparison row hidden because its group's n protects another site says
    "niet getoond: zou een kleine groep verraden", not "minder dan 10 deelnemers"."""
    _, _, public = inputs
    kinds = suppression_kinds(public, "comparison")
    secondary = [
        i for i in range(len(public.comparison))
        if kinds.iat[i, kinds.columns.get_loc("ancova_effect")] == "hidden"
        and "small" not in set(kinds.iloc[i][["n_intervention", "n_comparison"]])
    ]  # fmt: skip
    assert secondary
    text = texts["nl"]
    t = Texts("nl")
    section = text[text.index(t("comparison_section"), text.index(t("results"))) :]
    section = section[: section.index(t("mixed"))]
    assert t("secondary") in section
    assert section.count(t("too_few", min_cell=public.min_cell)) < len(
        public.comparison[public.comparison["ancova_effect"].isna()]
    )


def test_a_pooled_bar_left_out_for_another_says_why(inputs):
    """The demo's baseline-to-follow-up pooled n is hidden (a site of 3 pairs is not pooled,
    so pooled n and the "all" row would differ by it): its change bar says "niet getoond:
    zou een kleine groep verraden", not "minder dan 10 deelnemers" for 115 people."""
    _, raw, public = inputs
    hidden = public.pooled[public.pooled["n"].isna() & (raw.pooled["n"] >= public.min_cell)]
    assert len(hidden)
    t = Texts("nl")
    for row in hidden.itertuples(index=False):
        chart = change_bars(public, row.scale, (row.wave_from, row.wave_to), group=row.group)
        tail = chart.description.split(". ")[-2:]
        assert t("secondary") in " ".join(tail)
        assert t("too_few", min_cell=public.min_cell) not in " ".join(tail)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_methods_chapter_states_the_rule_across_tables(texts, language):
    rule = {
        "nl": ("'niet getoond'", "secundaire onderdrukking over gekoppelde tabellen"),
        "en": ("'not shown'", "secondary suppression across linked tables"),
    }[language]
    assert all(part in texts[language] for part in rule)
