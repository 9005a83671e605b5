"""The report speaks its reader's language: no identifiers, no words of the other language.

Read back from the PDF of analysis.report.sample (seed 2026: a comparison-group design with a
mixed model, small sites that are left out of pooling, quality flags), in Dutch and in English.
What the evaluator typed (intervention, sites, waves, instruments' titles and citations) is
replaced by words of no language first: it is the evaluator's text in the evaluator's language.
"""

import dataclasses

import pytest

from analysis.report import build_report
from analysis.report.sample import sample_report_inputs
from tests.analysis.pdf_read_back import pdf_text
from tests.analysis.words_check import identifiers, other_language_words


@pytest.fixture(scope="module")
def inputs():
    return sample_report_inputs(seed=2026)


@pytest.fixture(scope="module", params=["nl", "en"])
def report_text(request, inputs):
    meta, _, public = inputs
    public = dataclasses.replace(public, scales={key: key.upper() for key in public.scales})
    text = pdf_text(build_report(public, _neutral(meta), language=request.param))
    return request.param, " ".join(text.split())


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
    assert identifiers(text) == set(), f"identifiers in the {language} report"


def test_the_report_shows_no_words_of_the_other_language(report_text):
    language, text = report_text
    found = other_language_words(text, language)
    assert found == set(), f"words of the other language in the {language} report"


def test_the_check_finds_what_it_looks_for():
    text = "Scale brs.brs, wave[T1]: straight lining, reverse_inconsistent; d_z 0,61"
    assert identifiers(text) == {"brs.brs", "wave[T1]", "reverse_inconsistent"}
    assert other_language_words("left out of the pooled d_z: 2 sites", "nl") >= {"the", "sites"}
    assert other_language_words("niet getoond bij de locatie", "en") >= {"niet", "locatie"}


def test_mixed_model_terms_and_notes_are_in_words(inputs):
    meta, _, public = inputs
    text = " ".join(pdf_text(build_report(public, meta, language="nl")).split())
    assert "Extra verandering T0 → T1, interventiegroep" in text
    assert "Binnen deelnemers (rest)" in text
    assert "Te snel ingevuld" in text and "Overal hetzelfde" in text
    assert "tellen niet mee in de gepoolde d_z" in text  # the small-sites note, translated
