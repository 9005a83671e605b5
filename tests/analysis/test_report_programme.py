"""The programme report, the disclosure of the data-quality table, and oversized charts."""

import dataclasses
import io
import re

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.platypus import SimpleDocTemplate

from analysis.charts.numbers import number
from analysis.report import build_programme_report
from analysis.report.data import disclosed_quality
from analysis.report.document import ChartFlowable, make_styles
from analysis.report.sample import sample_report_inputs


@pytest.fixture(scope="module")
def two_interventions():
    meta_a, _, public_a = sample_report_inputs(seed=2026)
    meta_b, raw_b, public_b = sample_report_inputs(design="pre_post", scales=1, seed=99)
    meta_b = dataclasses.replace(meta_b, intervention="Buurtmentoren", slug="buurtmentoren")
    return [(meta_a, public_a), (meta_b, public_b)], raw_b


def test_programme_report_puts_the_interventions_side_by_side(two_interventions):
    items, _ = two_interventions
    pdf = build_programme_report(items)
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for meta, public in items:
        assert meta.intervention in text
        assert re.sub(r"\s+", " ", public.claim.text_nl) in text
        row = public.pooled[public.pooled["group"] == "intervention"].iloc[0]
        assert f"{number(row.estimate)} [{number(row.ci_low)}; {number(row.ci_high)}]" in text
    assert "Samen Sterk in de Wijk: goede aanwijzingen" in text
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [
        "Programmarapport",
        "Samenvatting",
        "Conclusies naast elkaar",
        "Gepoolde effecten per schaal",
    ]
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"


def test_programme_report_in_english_and_its_refusals(two_interventions):
    items, raw_b = two_interventions
    pdf = build_programme_report(items, language="en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Programme report" in text and "Conclusions side by side" in text
    with pytest.raises(ValueError, match="at least one"):
        build_programme_report([])
    with pytest.raises(ValueError, match="disclose"):
        build_programme_report([items[0], (items[1][0], raw_b)])


def test_quality_counts_below_min_cell_are_blanked():
    quality = pd.DataFrame(
        {
            "site": ["a", "a", "b"],
            "wave": ["T0", "T1", "T0"],
            "responses": [40, 12, 6],
            "straightlining": [0, 3, 0],
            "too_fast": [11, 10, 0],
        }
    )
    out = disclosed_quality(quality, 10)
    assert out.loc[0, "straightlining"] == 0 and out.loc[0, "too_fast"] == 11
    assert np.isnan(out.loc[1, "straightlining"]) and out.loc[1, "too_fast"] == 10
    assert out.loc[2, ["responses", "straightlining", "too_fast"]].isna().all()
    assert quality.loc[2, "responses"] == 6  # the input is not changed


def test_a_chart_taller_than_a_page_is_shrunk_to_fit():
    tall = Drawing(481, 2000)
    tall.add(Rect(0, 0, 481, 2000, fillColor=None))
    tall.add(String(10, 10, "مركز الشباب", fontName="DejaVuSans", fontSize=8))
    flowable = ChartFlowable(tall, make_styles().cell)
    assert flowable.scale < 0.5 and flowable.height < 842
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([flowable])  # a LayoutError if it did not fit
    assert len(PdfReader(io.BytesIO(buffer.getvalue())).pages) == 1
