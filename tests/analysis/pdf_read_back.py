"""Read the counts a rendered PDF report prints back into named cells, as an attacker would.

Only the text of the PDF is used (``pdftotext -layout`` of poppler-utils, which keeps a
table row on one line). A cell is named as in tests/analysis/disclosure_check.py,
``(table, key, column)``; a printed "< 10", "niet getoond" (also when wrapped as
"niet g" / "etoon" / "d") or "–" is a blank cell. The Dutch report is read; site and
scale names must fit their column (short names such as "Locatie A"), so that the name
and the counts of a row stand on one line.

Read: the forest chart (site and pooled ``n``), the reliable-change chart (``n`` and the
printed percentages), the per-site tables (pairs ``n`` for each group), the key figures
(pooled ``n``), the comparison tables (``n`` per group, the "alle" row too), the response
and attrition table (baseline, still there, dropped, retention), the dropouts-versus-
completers table and the number of participants of the summary.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

GROUPS = {"interventiegroep": "intervention", "vergelijkingsgroep": "comparison"}
POOLED_ROW = "Alle locaties samen"
MESSAGE = re.compile(r"niet getoond: zou een kleine groep verraden|minder dan \d+ deelnemers")
# one printed cell: "< 10", "niet getoond" (or the part of it left on the row's line), "–",
# a count or a percentage
TOKEN = re.compile(r"\s*(< ?\d+|niet(?: g\w*)?|–|\d+%?)(?=\s|$)")
SECTIONS = {
    "Kerncijfers": "key_figures",
    "Resultaten per schaal": "results",
    "Vergelijking met de vergelijkingsgroep": "comparison",
    "Multilevelmodel": None,
    "Respons en uitval": "attrition",
    "Kwaliteit van de gegevens": None,
    "Methoden": None,
    "Bijlage: locaties": None,
}


@dataclass
class ReadBack:
    """What the PDF prints: known cells, blank cells, and the reliable-change percentages."""

    known: dict = field(default_factory=dict)
    blank: set = field(default_factory=set)
    #: cell of a row's n -> the percentages printed in that row of the reliable-change chart
    percents: dict = field(default_factory=dict)
    #: attrition key -> the retention as printed ("87%" or a blank)
    retention: dict = field(default_factory=dict)
    #: the overall retention of the summary and the limitations ("87%")
    overall: list = field(default_factory=list)
    #: the same cell printed twice with different values (parser or report fault)
    conflicts: list = field(default_factory=list)

    def put(self, cell, token: str) -> None:
        if re.fullmatch(r"\d+", token):
            value = float(token)
            if cell in self.known and self.known[cell] != value:
                self.conflicts.append((cell, self.known[cell], value))
            self.known[cell] = value
        else:
            self.blank.add(cell)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text laid out as printed (``pdftotext -layout``)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def tokens(text: str, how_many: int | None = None) -> list[str]:
    """The printed cells at the start of ``text`` (after the row's label)."""
    out, position = [], 0
    while how_many is None or len(out) < how_many:
        match = TOKEN.match(text, position)
        if not match:
            break
        out.append(match.group(1))
        position = match.end()
    return out


def read_back(text: str, sites: dict[str, str], scales: dict[str, str]) -> ReadBack:
    """Name every count the report text prints.

    Parameters
    ----------
    text : str
        ``pdftotext -layout`` output of a Dutch report.
    sites, scales : dict
        Printed name -> id, for sites and for scales.
    """
    out = ReadBack()
    site_names = "|".join(re.escape(s) for s in sorted(sites, key=len, reverse=True))
    scale_names = "|".join(re.escape(s) for s in sorted(scales, key=len, reverse=True))
    groups = "|".join(GROUPS)
    row = re.compile(rf"^\s*(?P<label>{site_names}|{POOLED_ROW}|alle)(?=\s)(?P<rest>.*)$")
    key_row = re.compile(
        rf"^\s*(?P<scale>{scale_names})\s+(?P<a>T\d+)–(?P<b>T\d+)\s+\d+\s+(?P<rest>.*)$"
    )
    attrition_row = re.compile(
        rf"^\s*(?P<site>{site_names})\s+(?P<group>{groups})\s+(?P<wave>T\d+)\s+(?P<rest>.*)$"
    )
    baseline_row = re.compile(
        rf"^\s*(?P<scale>{scale_names})\s+(?P<group>{groups})\s+(?P<rest>.*)$"
    )
    comparison_title = re.compile(rf"^\s*(?P<scale>{scale_names}), (?P<a>T\d+)–(?P<b>T\d+)\s*$")
    site_table = re.compile(rf"^\s*Per locatie \((?P<group>{groups}), (?P<a>T\d+)–(?P<b>T\d+)\)")
    # the summary's sentence may break anywhere; without a number the count is left out
    n = re.search(r"(\d+) deelnemers\s+vulden\s+ten\s+minste", text)
    out.put(("n_participants", (), "n_participants"), n.group(1) if n else "–")
    out.overall = re.findall(r"vulde\s+(\d+%)\s+ook\s+de\s+laatste", text)
    out.overall += re.findall(r"Uitval:\s+(\d+%)\s+van\s+de\s+deelnemers", text)
    lines = text.splitlines()
    section = scale = chart = group = pair = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped in SECTIONS:
            section, chart = SECTIONS[stripped], None
            continue
        if stripped.startswith("Evaluatierapport:") or not stripped:
            continue  # the running footer, or a blank line
        if section == "key_figures" and (m := key_row.match(line)):
            key = (scales[m["scale"]], "intervention", m["a"], m["b"])
            out.put(("pooled", key, "n"), tokens(m["rest"], 1)[0])
        elif section == "results":
            if stripped in scales:
                scale = scales[stripped]
                continue
            title = stripped + " " + (lines[i + 1].strip() if i + 1 < len(lines) else "")
            for marker, kind in ((": verandering van", "forest"),
                                 (": betrouwbare verandering per deelnemer", "rci")):  # fmt: skip
                if marker in stripped:
                    chart = kind
                    group = next(GROUPS[g] for g in GROUPS if f"({g})" in title)
                    pair = re.search(r"(T\d+) naar\s+(T\d+)", title).groups()
            if m := site_table.match(line):
                chart, group, pair = "table", GROUPS[m["group"]], (m["a"], m["b"])
                continue
            m = row.match(line)
            if not m or chart is None:
                continue
            if m["label"] == POOLED_ROW:
                cell = ("pooled", (scale, group, *pair), "n")
            else:
                cell = ("site_effects", (scale, sites[m["label"]], group, *pair), "n")
            rest = MESSAGE.sub(" ", m["rest"])
            if chart == "rci":
                printed = re.findall(r"< ?\d+|\d+%|\d+|–", rest)
                out.put(cell, printed[-1])
                out.percents[cell] = [s for s in printed[:-1] if s.endswith("%")]
            else:
                out.put(cell, tokens(rest, 1)[0])
        elif section == "comparison":
            if m := comparison_title.match(line):
                scale, pair = scales[m["scale"]], (m["a"], m["b"])
                continue
            m = row.match(line)
            if m and scale is not None and m["label"] != POOLED_ROW:
                site = "all" if m["label"] == "alle" else sites[m["label"]]
                key = (scale, *pair, site)
                n_intervention, n_comparison = tokens(m["rest"], 2)
                out.put(("comparison", key, "n_intervention"), n_intervention)
                out.put(("comparison", key, "n_comparison"), n_comparison)
        elif section == "attrition":
            if m := attrition_row.match(line):
                key = (sites[m["site"]], GROUPS[m["group"]], m["wave"])
                printed = tokens(m["rest"], 4)
                for column, token in zip(("n_baseline", "n_retained", "n_dropped"), printed,
                                         strict=False):  # fmt: skip
                    out.put(("attrition", key, column), token)
                out.retention[key] = printed[3] if len(printed) > 3 else None
            elif m := baseline_row.match(line):
                key = (scales[m["scale"]], GROUPS[m["group"]])
                completers, dropouts = tokens(m["rest"], 2)
                out.put(("attrition_baseline", key, "n_completers"), completers)
                out.put(("attrition_baseline", key, "n_dropouts"), dropouts)
    return out
