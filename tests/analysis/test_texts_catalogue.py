"""The report's and charts' gettext catalogues: complete, in step with the code, open to more."""

from __future__ import annotations

import ast
import io
import re
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

import analysis
from analysis.charts import texts as chart_texts
from analysis.charts.change_bars import CATEGORIES
from analysis.charts.texts import catalogue, chart_text, languages
from analysis.report import build_report
from analysis.report.methods import ANALYSES
from analysis.report.sample import sample_report_inputs
from analysis.report.texts import Texts
from analysis.results import DESIGN_CEILING, EVIDENCE_LEVELS

SOURCE = Path(analysis.__file__).parent
DOMAINS = ("report", "charts")

#: Values that f-string keys (``t(f"design_{design}")``) are completed with.
PREFIXES = {
    "design_": tuple(DESIGN_CEILING),
    "level_": EVIDENCE_LEVELS,
    "can_": tuple(DESIGN_CEILING),
}
#: Keys the code picks in a variable before it asks for the text; each must still appear as a
#: literal in analysis's code, so deleting the code that picks it shows up here.
PICKED = {
    "report": {
        "change_better", "change_worse",  # summary.py, by the sign of the change
        "size_tiny", "size_small", "size_medium",  # summary._size, Cohen's bands
        "compare_better", "compare_worse", "compare_unclear",  # summary._compared
        "site_hidden",  # appendix.py
        "mixed_term_intercept", "mixed_term_intercept_group", "mixed_term_wave",
        "mixed_term_wave_group",  # groups._term, with or without a comparison group
    },
    "charts": {
        "too_few", "secondary",  # charts.frame.hidden_because
        "intervention", "comparison",  # a row's group
        "better", "worse",  # forest.py, the axis ends
    },
}  # fmt: skip
#: Keys taken from a table in the code.
TABLED = {"report": {key for key, _reference in ANALYSES}, "charts": set(CATEGORIES)}


def note_keys() -> set[str]:
    """``note_<key>`` for every ``Note("<key>", ...)`` of analysis (report.note_texts), and of
    the web application's evaluation, whose notes the report prints too."""
    evaluation = SOURCE.parent / "evalsys" / "results" / "evaluation.py"
    return {
        f"note_{node.args[0].value}"
        for path in (*SOURCE.rglob("*.py"), evaluation)
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Note"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


TABLED["report"] |= note_keys()
# groups._component: analysis.mixed's variance components; data._flag_header: the flag codes
# of surveys.quality (the report reads them from the data, so they are not literals here)
TABLED["report"] |= {f"component_{c}" for c in ("site", "participant", "residual")}
TABLED["report"] |= {
    f"flag_{flag}"
    for flag in ("straight_lining", "reverse_inconsistent", "too_fast", "too_many_missing")
}


def texts_in_code() -> dict[str, set[str]]:
    """The literal keys the code asks for: report texts (``t``, ``texts``, ``ctx.texts``,
    ``.raw``) and chart texts (``chart_text``'s second argument), f-string keys expanded."""
    used: dict[str, set[str]] = {"report": set(), "charts": set()}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "chart_text" and len(node.args) > 1:
                used["charts"] |= _keys(node.args[1])
            elif name in ("t", "texts", "raw") and node.args:
                used["report"] |= _keys(node.args[0])
    return used


def _keys(arg: ast.expr) -> set[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.IfExp):
        return _keys(arg.body) | _keys(arg.orelse)
    if isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
        prefix = arg.values[0].value
        assert prefix in PREFIXES, f"f-string key {prefix}...: add its values to PREFIXES"
        return {prefix + value for value in PREFIXES[prefix]}
    return set()  # a variable: its keys are in PICKED or TABLED


def string_literals() -> set[str]:
    return {
        node.value
        for path in SOURCE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def po(domain: str, language: str) -> Catalog:
    with (chart_texts.LOCALE / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_nl_and_en_are_shipped():
    assert {"nl", "en"} <= set(languages())


def test_every_key_the_code_asks_for_is_in_every_language():
    used = texts_in_code()
    assert "summary_intro" in used["report"] and "forest_title" in used["charts"]
    literals = string_literals()
    assert sorted(k for keys in PICKED.values() for k in keys if k not in literals) == []
    for language in languages():
        charts, report = catalogue("charts", language), catalogue("report", language)
        wanted = used["charts"] | PICKED["charts"] | TABLED["charts"]
        assert sorted(wanted - set(charts)) == [], language
        wanted = used["report"] | PICKED["report"] | TABLED["report"]
        assert sorted(wanted - set(report) - set(charts)) == [], language


def test_no_key_goes_unused():
    used = texts_in_code()
    for domain in DOMAINS:
        asked = used[domain] | PICKED[domain] | TABLED[domain]
        if domain == "charts":  # the report asks for group names and the like from charts.po
            asked |= used["report"] | PICKED["report"]
        for language in languages():
            assert sorted({m.id for m in po(domain, language) if m.id} - asked) == [], language


def test_every_shipped_language_translates_every_key_with_the_same_placeholders():
    """No key falls back to English in a shipped language, and a translation asks for the same
    ``{values}`` as the English text (a missing one would leave a number out, an extra one
    would raise KeyError while the report is built)."""
    for domain in DOMAINS:
        english = {m.id: m.string for m in po(domain, "en") if m.id}
        assert len(english) > 20
        for language in languages():
            translated = {m.id: m.string for m in po(domain, language) if m.id and not m.fuzzy}
            assert sorted(k for k in english if not translated.get(k)) == [], (domain, language)
            wrong = [
                k for k, v in english.items() if placeholders(translated[k]) != placeholders(v)
            ]
            assert wrong == [], (domain, language)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_translator_comments_show_the_other_language(domain):
    """nl's ``#. en: ...`` comment is en's text and the other way round, so a translator sees
    both; after fixing a word, copy the new text into the other file's comment."""
    for language, other in (("nl", "en"), ("en", "nl")):
        texts = {m.id: m.string for m in po(domain, other) if m.id}
        stale = []
        for message in po(domain, language):
            if not message.id:
                continue
            comments = " ".join(" ".join(message.auto_comments).split())
            if f"{other}: {' '.join(texts[message.id].split())}" not in comments:
                stale.append(f"{message.id}: #. {other}: {texts[message.id]}")
        where = f"analysis/locale/{language}/LC_MESSAGES/{domain}.po"
        assert stale == [], f"{where}: set these comments\n" + "\n".join(stale)


def test_an_unknown_language_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="one of en, nl"):
        Texts("xx")
    with pytest.raises(ValueError, match="one of en, nl"):
        chart_text("../en", "pooled")


def test_the_report_asks_the_charts_only_for_keys_it_lacks():
    """``estimate`` is a column header in the report and a chart's; the report's own wins."""
    assert Texts("en")("estimate") == "Estimate [95% CI]"
    assert chart_text("en", "estimate") == "d_z [95% CI]"
    assert Texts("nl")("comparison") == "vergelijkingsgroep"  # only in charts.po


def write_catalogue(path: Path, language: str, texts: dict[str, str], fuzzy=()) -> None:
    catalog = Catalog(locale=None)
    for key, text in texts.items():
        catalog.add(key, text, flags=("fuzzy",) if key in fuzzy else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog)


@pytest.fixture()
def third_language(tmp_path, monkeypatch):
    """A language 'xx' present only as two partial catalogues in a copy of analysis/locale."""
    locale = tmp_path / "locale"
    shutil.copytree(chart_texts.LOCALE, locale)
    xx = locale / "xx" / "LC_MESSAGES"
    report = {"report": "Xx-Bericht", "summary": "Xx-Zusammenfassung", "lang": "de-DE"}
    report["methods"] = "Xx-Methoden"
    report["summary_intro"] = "Xx {intervention}, {n_sites}, {n_participants}."
    write_catalogue(xx / "report.po", "xx", report | {"key_figures": "Xx-fuzzy"}, {"key_figures"})
    write_catalogue(xx / "charts.po", "xx", {"pooled": "Xx-alle Orte"})
    monkeypatch.setattr(chart_texts, "LOCALE", locale)
    return locale


def test_a_third_language_needs_only_its_catalogue(third_language):
    """What 'xx' translates is used; what it lacks, or marks fuzzy, is English."""
    assert languages() == ("en", "nl", "xx")
    texts = Texts("xx")
    assert texts("summary") == "Xx-Zusammenfassung"
    assert texts("pooled") == chart_text("xx", "pooled") == "Xx-alle Orte"
    assert texts("key_figures") == "Key figures"  # fuzzy: not trusted yet
    assert texts("results") == "Results per scale"  # missing: English
    assert chart_text("xx", "axis") == chart_text("en", "axis")


def test_a_whole_report_builds_in_a_third_language(third_language):
    meta, _, public = sample_report_inputs(seed=2026, sites=3, scales=1, waves=2, per_site=30)
    reader = PdfReader(io.BytesIO(build_report(public, meta, language="xx")))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"
    assert reader.metadata.title == f"Xx-Bericht: {meta.intervention}"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Xx-Bericht", "Xx-Zusammenfassung", "Key figures"]
    assert "Xx-Methoden" in titles and "Results per scale" in titles
    assert f"Xx {meta.intervention}, 3," in text
    assert "Xx-alle Orte" in text  # the forest plot is drawn in the same language
