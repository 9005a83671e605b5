"""The PDF evaluation report: content, suppression, structure, metadata, fonts, languages.

The data are the synthetic evaluation of analysis.report.sample (seed 2026): six sites (one,
"Heerlen Noord", with 7 participants: below min_cell 10), two scales, three waves, an
intervention and a comparison group, evaluated with analysis.evaluate and disclosed with
analysis.disclose. Numbers are checked as the report prints them (analysis.charts.numbers).
"""

import dataclasses
import io
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import getFont

from analysis import disclose
from analysis.charts.numbers import number
from analysis.report import build_report
from analysis.report.fonts import register_fonts
from analysis.report.sample import sample_report_inputs

SECTIONS_NL = [
    "Evaluatierapport",
    "Samenvatting",
    "Kerncijfers",
    "Resultaten per schaal",
    "Vergelijking met de vergelijkingsgroep",
    "Multilevelmodel",
    "Respons en uitval",
    "Kwaliteit van de gegevens",
    "Methoden",
    "Beperkingen",
    "Bijlage: locaties",
]
SMALL_SITE = "heerlen-noord"


@pytest.fixture(scope="module")
def inputs():
    return sample_report_inputs(seed=2026)


@pytest.fixture(scope="module")
def pdf_nl(inputs):
    meta, _, public = inputs
    return build_report(public, meta)


@pytest.fixture(scope="module")
def pdf_en(inputs):
    meta, _, public = inputs
    return build_report(public, meta, language="en")


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in read(pdf).pages]


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces made single spaces."""
    return re.sub(r"\s+", " ", text)


def outline_titles(outline) -> list[str]:
    return [item.title for item in outline if not isinstance(item, list)]


def test_the_pooled_effect_and_the_claim_are_printed(inputs, pdf_nl):
    meta, _, public = inputs
    text = flat(" ".join(page_texts(pdf_nl)))
    pooled = public.pooled
    row = pooled[(pooled["scale"] == "brs") & (pooled["group"] == "intervention")].iloc[0]
    assert f"Het effect is {number(row.estimate)} (d_z)" in text
    assert f"tussen {number(row.ci_low)} en {number(row.ci_high)}" in text
    assert f"tussen {number(row.pi_low)} en {number(row.pi_high)}" in text
    assert flat(public.claim.text_nl) in text
    assert public.claim.level == "good_indication"  # the sample's intervention works


def test_a_site_row_prints_its_n_and_means(inputs, pdf_nl):
    _, _, public = inputs
    effects = public.site_effects
    row = effects[
        (effects["site"] == "overvecht")
        & (effects["scale"] == "brs")
        & (effects["group"] == "intervention")
        & (effects["wave_to"] == "T1")
    ].iloc[0]
    pre = f"{number(row.mean_pre)} ({number(row.sd_pre)})"
    post = f"{number(row.mean_post)} ({number(row.sd_post)})"
    text = flat(" ".join(page_texts(pdf_nl)))
    d_z = f"{number(row.d_z)} [{number(row.d_z_low)}; {number(row.d_z_high)}]"
    assert f"Utrecht Overvecht {int(row.n)} {pre} {post} {d_z}" in text


def test_the_small_site_shows_no_figure_anywhere(inputs, pdf_nl, pdf_en):
    meta, raw, public = inputs
    small = raw.site_effects[raw.site_effects["site"] == SMALL_SITE]
    assert (small["n"] < 10).all()
    assert public.site_effects.loc[public.site_effects["site"] == SMALL_SITE, "n"].isna().all()
    for pdf, language in ((pdf_nl, "nl"), (pdf_en, "en")):
        text = flat(" ".join(page_texts(pdf)))
        for row in small.itertuples():
            assert f"{number(row.mean_pre, 2, language)} ({number(row.sd_pre, 2, language)})" \
                not in text  # fmt: skip
        others = [site.name for site in meta.sites if site.id != SMALL_SITE]
        stop = re.compile("|".join(map(re.escape, [*others, "Evaluat", "Heerlen Noord"])))
        found = 0
        for match in re.finditer("Heerlen Noord", text):
            after = text[match.end() : match.end() + 45]  # the figures of its row
            cut = stop.search(after)
            after = after[: cut.start()] if cut else after
            after = re.sub(r"< 10|(minder dan|fewer than) 10|T\d", "", after)
            assert not re.search(r"\d", after), after
            found += 1
        assert found > 10
        assert "< 10" in text


def test_an_undisclosed_result_is_refused(inputs):
    meta, raw, _ = inputs
    with pytest.raises(ValueError, match="disclose"):
        build_report(raw, meta)
    with pytest.raises(ValueError, match="disclose"):
        build_report(raw, meta, language="en")
    weaker = disclose(raw, min_cell=5)
    with pytest.raises(ValueError, match="min_cell=10"):
        build_report(weaker, meta)


def test_an_unknown_language_is_refused(inputs):
    meta, _, public = inputs
    with pytest.raises(ValueError, match="language"):
        build_report(public, meta, language="de")


def test_outline_has_every_section_in_order_on_its_page(inputs, pdf_nl):
    meta, _, _ = inputs
    reader = read(pdf_nl)
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == SECTIONS_NL
    pages = [reader.get_destination_page_number(item) for item in top]
    assert pages == sorted(pages) and pages[0] == 0 and pages[-1] > pages[1]
    scales = reader.outline[SECTIONS_NL.index("Resultaten per schaal") + 1]
    assert "Veerkracht (BRS)" in outline_titles(scales)
    sites = reader.outline[-1]  # the appendix: one entry per site, in the meta's order
    assert outline_titles(sites) == [site.name for site in meta.sites]


def test_metadata_title_author_and_language(inputs, pdf_nl, pdf_en):
    meta, _, _ = inputs
    reader = read(pdf_nl)
    assert reader.metadata.title == f"Evaluatierapport: {meta.intervention}"
    assert reader.metadata.author == "Zoë de Vries, Şükrü Yılmaz"
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    assert read(pdf_en).trailer["/Root"]["/Lang"] == "en-GB"
    assert read(pdf_en).metadata.title == f"Evaluation report: {meta.intervention}"


def test_every_font_is_embedded(pdf_nl):
    reader = read(pdf_nl)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts, "no fonts found"
    for name, font in fonts.items():
        assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"
    assert {str(n).split("+")[-1] for n in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_page_numbers_count_the_pages(pdf_nl, pdf_en):
    for pdf, word, of in ((pdf_nl, "pagina", "van"), (pdf_en, "page", "of")):
        texts = page_texts(pdf)
        total = len(texts)
        assert total > 10
        for number_, text in enumerate(texts, start=1):
            assert re.search(rf"{word} {number_} {of}\s*{total}\b", text), (number_, text[:80])


def test_names_beyond_latin_render(pdf_nl):
    raw = " ".join(page_texts(pdf_nl))
    assert "Zoë" in raw and "Şükrü" in raw
    normal = unicodedata.normalize("NFKC", raw)
    for word in ("مركز", "الشباب"):
        assert word in normal or word[::-1] in normal, word


def test_arabic_is_shaped_when_harfbuzz_is_there(pdf_nl):
    register_fonts()
    if not getFont("DejaVuSans").shapable:
        pytest.skip("uharfbuzz is not installed: Arabic prints unjoined (install uharfbuzz)")
    raw = " ".join(page_texts(pdf_nl))
    # joined Arabic letters are presentation forms (U+FE70-U+FEFF): the shaper ran
    assert re.search("[\ufe70-\ufeff]", raw)


def test_english_version_speaks_english(inputs, pdf_en):
    _, _, public = inputs
    text = flat(" ".join(page_texts(pdf_en)))
    assert "Summary" in text and "Key figures" in text and "Samenvatting" not in text
    assert flat(public.claim.text_en) in text
    row = public.pooled.iloc[0]
    assert f"The effect is {number(row.estimate, 2, 'en')} (d_z)" in text
    titles = outline_titles(read(pdf_en).outline)
    assert titles[:3] == ["Evaluation report", "Summary", "Key figures"]


def test_summary_fits_one_page_and_has_its_parts(pdf_nl):
    texts = page_texts(pdf_nl)
    summary = flat(texts[1])
    for head in (
        "Wat is de conclusie?",
        "Wat veranderde er, en hoe zeker zijn we?",
        "Wat kan dit onderzoek wel en niet laten zien?",
        "Wie deed mee tot het einde?",
    ):
        assert head in summary
    assert "Kerncijfers" in flat(texts[2])


def test_methods_cite_instruments_alpha_and_the_suppression_rule(inputs, pdf_nl):
    meta, _, public = inputs
    text = flat(" ".join(page_texts(pdf_nl)))
    assert "Smith, B. W., et al. (2008)" in text
    assert "0,79" in text  # alpha of the BRS in meta.instruments
    assert "Jacobson & Truax (1991)" in text and "Viechtbauer (2005)" in text
    cells = int(public.suppressed["column"].str.split(", ").map(len).sum())
    assert cells > len(public.suppressed)  # records name several cells
    assert f"In dit rapport zijn {cells} cellen weggelaten." in text
    assert "minder dan 10 deelnemers" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_every_page_renders(pdf_nl, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_nl)
    done = subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == len(read(pdf_nl).pages)


def test_a_pre_post_report_without_comparison_or_quality():
    meta_pp, _, public = sample_report_inputs(design="pre_post", scales=1, waves=2, seed=7)
    bare = dataclasses.replace(meta_pp, quality=None, instruments=())
    text = flat(" ".join(page_texts(build_report(public, bare))))
    assert "Er zijn geen gegevens over de kwaliteit meegegeven." in text
    assert "hoogstens eerste aanwijzingen" in text
    titles = outline_titles(read(build_report(public, bare)).outline)
    assert "Vergelijking met de vergelijkingsgroep" not in titles


def test_report_and_charts_never_import_the_app_or_the_database():
    """DESIGN.md: analysis (the report and charts too) must not depend on the web app."""
    code = (
        "import sys, analysis.report, analysis.charts, analysis.report.build, "
        "analysis.report.programme; "
        "bad = [m for m in ('evalsys', 'pyramid', 'sqlalchemy', 'surveys') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
