"""The PDF names the design and its claim rule, and a site where everyone changed alike.

Built from the synthetic programme of analysis.report.sample (3 sites, one scale, two waves),
once as a quasi-experimental design and once as a randomised one; the text is read back from
the PDF with pypdf.
"""

import io
import re
import warnings

import pytest
from pypdf import PdfReader

from analysis import disclose, evaluate
from analysis.report import build_report
from analysis.report.sample import SCALE_INFO, sample_report_inputs, sample_scores

SIZE = {"sites": 3, "scales": 1, "waves": 2, "per_site": 30}


def pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def section(texts: list[str], title: str) -> str:
    """The pages from the one whose text starts a section ``title`` to the next section."""
    found = [i for i, text in enumerate(texts) if f" {title} " in text]
    return " ".join(texts[found[-1] : found[-1] + 2])


@pytest.fixture(scope="module")
def quasi():
    """Quasi-experimental; at Utrecht Overvecht every intervention participant gains 0.5."""
    meta, _, _ = sample_report_inputs(seed=2026, small_site=None, **SIZE)
    scores = sample_scores(seed=2026, small_site=None, **SIZE)
    alike = (scores["site"] == "overvecht") & (scores["group"] == "intervention")
    before = scores[alike & (scores["wave"] == "T0")].set_index("participant")["score"]
    after = alike & (scores["wave"] == "T1")
    scores.loc[after, "score"] = scores.loc[after, "participant"].map(before + 0.5)
    scores = scores[~(alike & (scores["wave"] == "T1") & scores["score"].isna())]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = evaluate(
            scores, "pre_post_comparison", {"brs": SCALE_INFO["brs"]}, waves=["T0", "T1"]
        )
    public = disclose(raw, min_cell=10)
    return (
        public,
        pages(build_report(public, meta)),
        pages(build_report(public, meta, language="en")),
    )


def test_the_summary_and_methods_name_a_quasi_experimental_design(quasi):
    public, nl, en = quasi
    assert "quasi-experimenteel onderzoek (voor- en nameting met een vergelijkingsgroep" in nl[0]
    summary_nl, summary_en = nl[1], en[1]
    assert re.sub(r"\s+", " ", public.claim.text_nl) in summary_nl
    assert "Dit onderzoek was quasi-experimenteel" in summary_nl
    assert "This study was quasi-experimental" in summary_en
    methods_nl = section(nl, "Opzet en conclusie")
    assert "Opzet van dit onderzoek: quasi-experimenteel onderzoek" in methods_nl
    assert "hoogstens 0,25 standaarddeviatie" in methods_nl
    assert "What Works Clearinghouse 2022" in methods_nl and "Lord 1967" in methods_nl
    methods_en = section(en, "Design and conclusion")
    assert "Design of this study: quasi-experimental study" in methods_en
    assert "at most 0.25 standard deviations apart at baseline" in methods_en


def test_a_randomised_report_names_its_own_rule():
    meta, _, public = sample_report_inputs(seed=2026, design="randomised", **SIZE)
    nl = pages(build_report(public, meta))
    assert "quasi" not in nl[0] + nl[1]  # cover and summary
    methods = section(nl, "Opzet en conclusie")
    assert "Opzet van dit onderzoek: gerandomiseerd onderzoek" in methods
    assert "Dit onderzoek was gerandomiseerd" in methods and "Senn 1994" in methods


def test_the_site_row_says_everyone_changed_alike(quasi):
    public, nl, en = quasi
    row = public.site_effects[
        (public.site_effects["site"] == "overvecht")
        & (public.site_effects["group"] == "intervention")
    ].iloc[0]
    assert row["constant_change"] == 1 and row["sd_diff"] == 0
    text = " ".join(nl)
    assert "Utrecht Overvecht 15" in text
    assert "iedereen veranderde evenveel (0,50): geen d_z" in text
    assert "everyone changed alike (0.50): no d_z" in " ".join(en)
    assert any("overvecht" in note and "left out of the pooled" in note for note in public.notes)
