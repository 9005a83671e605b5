"""The report speaks its reader's language: no identifiers, no words of the other language.

Read back from the PDF of analysis.report.sample (seed 2026: a comparison-group design with a
mixed model, small sites that are left out of pooling, quality flags), in Dutch and in English.
What the evaluator typed (intervention, sites, waves, instruments' titles and citations) is
replaced by words of no language first: it is the evaluator's text in the evaluator's language.
"""

import dataclasses
import re

import pytest

from analysis.report import build_report
from analysis.report.sample import sample_report_inputs
from tests.analysis.pdf_read_back import pdf_text

# d_z and g_av are the effect sizes' names in the literature (Lakens 2013), written so on purpose
NOTATION = {"d_z", "g_av"}
IDENTIFIER = re.compile(
    r"\b[A-Za-z]+_[A-Za-z_]+\b"  # snake_case: straight_lining, djg_emotional
    r"|\b\w+\[[^\]]*\]"  # model terms: wave[T1], group[intervention]
    r"|\b[a-z]{2,}\d*\.[a-z_]{2,}\b"  # instrument.scale ids: brs.brs
)
URL = re.compile(r"https?://\S+|doi\.org/\S+")
# words that are common in one language and do not occur in the other
ENGLISH = {"the", "and", "with", "for", "are", "were", "from", "which", "than", "only", "site",
           "sites", "wave", "waves", "group", "participants", "left", "scale"}  # fmt: skip
# (not "de" and "van": the English report cites Van Breukelen and De Jong Gierveld)
DUTCH = {"het", "een", "en", "niet", "met", "voor", "zijn", "deelnemers", "locatie",
         "locaties", "meting", "groep", "bij", "naar", "ook"}  # fmt: skip


@pytest.fixture(scope="module")
def inputs():
    return sample_report_inputs(seed=2026)


@pytest.fixture(scope="module", params=["nl", "en"])
def report_text(request, inputs):
    meta, _, public = inputs
    public = dataclasses.replace(public, scales={key: key.upper() for key in public.scales})
    text = pdf_text(build_report(public, _neutral(meta), language=request.param))
    return request.param, URL.sub(" ", " ".join(text.split()))


def _neutral(meta):
    """The meta data with what the evaluator typed in no language at all, so that every
    word left is the report's own."""
    return dataclasses.replace(
        meta,
        intervention="Demo X",
        description="",
        target_group="",
        protective_factors=(),
        version_label="",
        authors=("A. B.",),
        sites=tuple(
            dataclasses.replace(
                site, name=f"Loc{i}", municipality="", area="", organisation=""
            )  # fmt: skip
            for i, site in enumerate(meta.sites)
        ),
        waves=tuple((label, "") for label, _ in meta.waves),
        instruments=tuple(
            dataclasses.replace(
                info,
                title=info.id.upper(),
                citation=f"{info.id.upper()} (2008)",
                licence="CC-BY",
                translation_note="",
            )  # fmt: skip
            for info in meta.instruments
        ),
        scale_info={
            key: dataclasses.replace(info, label=key.upper())
            for key, info in meta.scale_info.items()
        },
    )


def test_the_report_shows_no_identifiers(report_text):
    language, text = report_text
    found = {token for token in IDENTIFIER.findall(text) if token not in NOTATION}
    assert found == set(), f"identifiers in the {language} report"


def test_the_report_shows_no_words_of_the_other_language(report_text):
    language, text = report_text
    words = set(re.findall(r"[a-zà-ÿ]+", text.lower()))
    other = ENGLISH if language == "nl" else DUTCH
    assert words & other == set(), f"words of the other language in the {language} report"


def test_the_check_finds_what_it_looks_for():
    text = "Scale brs.brs, wave[T1]: straight lining, reverse_inconsistent; d_z 0,61"
    assert set(IDENTIFIER.findall(text)) - NOTATION == {
        "brs.brs",
        "wave[T1]",
        "reverse_inconsistent",
    }
    assert {"the", "sites"} <= set("left out of the pooled d_z: 2 sites".split()) & ENGLISH


def test_mixed_model_terms_and_notes_are_in_words(inputs):
    meta, _, public = inputs
    text = " ".join(pdf_text(build_report(public, meta, language="nl")).split())
    assert "Extra verandering T0 → T1, interventiegroep" in text
    assert "Binnen deelnemers (rest)" in text
    assert "Te snel ingevuld" in text and "Overal hetzelfde" in text
    assert "tellen niet mee in de gepoolde d_z" in text  # the small-sites note, translated
