"""The results page read back as an attacker would: no count it leaves out can be worked out
exactly from the counts it prints (every table, scale and pair of waves together), using every
linear relation between the tables (tests/analysis/disclosure_check.py, which shares no code
with analysis.disclosure)."""

from __future__ import annotations

import re

import pytest

import analysis
from evalsys.results import evaluation
from tests.analysis.disclosure_check import determined_cells, result_relations, tables_of

from .. import results_data
from ..world import sign_in

CAPTIONS = {
    "pooled": "Pooled change (random effects)",
    "site_effects": "Change per site",
    "attrition": "Participants at the first round",
}
# the <td> of each count, counted from the first <td> of a row
COLUMNS = {
    "pooled": {"n": 1},
    "site_effects": {"n": 1, "improved": 10, "unchanged": 11, "deteriorated": 12},
    "attrition": {"n_baseline": 2, "n_retained": 3},
}
KEYS = {
    "pooled": ("scale", "group", "wave_from", "wave_to"),
    "site_effects": ("scale", "site", "group", "wave_from", "wave_to"),
    "attrition": ("site", "group", "wave"),
}


def table_rows(page: str, caption: str) -> list[list[str]]:
    start = page.index(caption)
    body = page[start : page.index("</table>", start)]
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", re.sub(r">\s+<", "><", body), re.S)
    ]


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def test_no_count_the_page_leaves_out_can_be_worked_out(testapp, world, monkeypatch):
    seen = {}
    disclose = analysis.disclose

    def keep_raw(raw, **options):
        seen["raw"] = raw
        seen["public"] = disclose(raw, **options)
        return seen["public"]

    monkeypatch.setattr(evaluation.analysis, "disclose", keep_raw)
    sign_in(testapp, world.users["evaluator"])
    testapp.get(f"/i/{world.intervention.slug}/results")
    raw, public = seen["raw"], seen["public"]
    effects = public.site_effects
    pairs = sorted(set(zip(effects["wave_from"], effects["wave_to"], strict=True)))
    known, blank = {}, set()
    for scale in public.scales:
        for wave_from, wave_to in pairs:
            page = testapp.get(
                f"/i/{world.intervention.slug}/results",
                {"scale": scale, "pair": f"{wave_from}-{wave_to}", "lang": "en"},
            ).text
            for table, caption in CAPTIONS.items():
                frame = getattr(public, table)
                if table != "attrition":
                    keep = (
                        (frame["scale"] == scale)
                        & (frame["wave_from"] == wave_from)
                        & (frame["wave_to"] == wave_to)
                    )
                    frame = frame[keep]
                rows = table_rows(page, caption)
                assert len(rows) == len(frame), table
                for cells, (_, row) in zip(rows, frame.iterrows(), strict=True):
                    key = tuple(str(row[k]) for k in KEYS[table])
                    for column, at in COLUMNS[table].items():
                        shown = (
                            cells[at] if at < len(cells) and "colspan" not in "".join(cells) else ""
                        )
                        cell = (table, key, column)
                        if shown.isdigit():
                            known[cell] = float(shown)
                            assert float(shown) == float(getattr(raw, table).loc[row.name, column])
                        else:
                            blank.add(cell)
    assert blank and known  # the page does leave counts out (the small site "klein")
    fixed = determined_cells(known, result_relations(raw, tables_of(public)[0]))
    assert {cell: value for cell, value in fixed.items() if cell in blank} == {}
