"""The report's paragraphs: one longer than a page splits across pages (Latin and Arabic)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from analysis.report.document import Para, make_styles


def test_a_paragraph_longer_than_a_page_splits_across_pages():
    """reportlab makes the halves of a split paragraph from fragments, with no markup: the
    demo's report broke on that (TypeError) once a summary sentence grew past a page's end."""
    styles = make_styles()
    words = " ".join(f"woord{i}" for i in range(1400))
    arabic = " ".join(["مرحبا بكم في الحي"] * 300)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([Para(words, styles.body), Para(arabic, styles.body)])
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    assert len(pages) >= 3
    text = "".join(page.extract_text() for page in pages)
    assert "woord0" in text and "woord1399" in text
