"""The results page prints each estimate with its own interval, and both p-values beside the
claim."""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

import numpy as np
import pytest

from analysis.groups import compare_groups
from evalsys.results.views.results import comparison_cells

from .. import results_data
from ..world import sign_in


def parse(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def test_each_standardised_effect_lies_inside_its_own_interval():
    """Today's page printed the standardised ANCOVA d with the raw-score interval (an issue
    review found GSE 0,25 [0,30; 4,34]): on a scale whose SD is far from 1 the two never fit."""
    rng = np.random.default_rng(3)
    n = 80
    group = np.repeat(["intervention", "comparison"], n // 2)
    pre = rng.normal(25, 6, n)  # a sum score: SD 6, so raw and standardised differ sixfold
    post = pre + rng.normal(0, 3, n) + np.where(group == "intervention", 2.0, 0.0)
    found = compare_groups(pre, post, group)
    row = SimpleNamespace(
        n_intervention=found.n_intervention,
        n_comparison=found.n_comparison,
        baseline_d=found.baseline_d,
        ancova_d=found.ancova_d,
        ancova_low=found.ancova_ci[0],
        ancova_high=found.ancova_ci[1],
        ancova_p=found.ancova_p,
        p_adjusted=found.ancova_p,
        did_d=found.did_d,
        did_low=found.did_ci[0],
        did_high=found.did_ci[1],
        did_p_adjusted=found.did_p,
        sd_pre_pooled=found.ancova_effect / found.ancova_d,
    )
    cells = comparison_cells(row, "nl")
    for estimate, ci in (("ancova_d", "ancova_ci"), ("did_d", "did_ci")):
        low, high = (parse(x) for x in re.findall(r"−?-?\d+,\d+", cells[ci]))
        assert low < parse(cells[estimate]) < high, (cells[estimate], cells[ci])
        assert high - low < 1.5  # a d interval, not a raw-score one (which is six times wider)


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def test_the_page_shows_the_raw_and_the_adjusted_p_and_says_which_the_claim_uses(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    pooled = page.text[page.text.index("<caption>") : page.text.index("</table>")]
    head = re.findall(r'<th scope="col">(.*?)</th>', pooled)
    assert "p" in head and any("p (" in h for h in head)
    assert 'id="multiplicity"' in page.text and "Holm" in page.text


ITEMS = tuple(f"brs_{i}" for i in range(1, 7))


def comparison_world(dbsession, tm):
    """Three sites of 14 + 14 and one of 4 + 4, intervention and comparison groups, T0 and T1."""
    from evalsys.collection.submissions import Submission, submit
    from evalsys.programme.models import Site

    from .. import builders
    from ..world import grant, make_user

    intervention = builders.intervention(
        dbsession, slug="vergelijk-test", name="Vergelijk", design="pre_post_comparison"
    )
    intervention.sites.append(Site(slug="site-c", name="Site C"))
    intervention.sites.append(Site(slug="klein", name="Klein"))
    dbsession.flush()
    rng = np.random.default_rng(11)
    sizes = {"site-a": 14, "site-b": 14, "site-c": 14, "klein": 4}
    number_ = 0
    for index, site in enumerate(intervention.sites):
        for group in ("intervention", "comparison"):
            for n in range(sizes[site.slug]):
                base = rng.integers(1, 5, size=6)
                gain = rng.integers(0, 2, size=6) * (group == "intervention")
                for position, wave in enumerate(intervention.waves):
                    values = np.clip(base + (gain if position else 0), 1, 5)
                    number_ += 1
                    submit(
                        dbsession,
                        Submission(
                            submission_id=str(uuid.UUID(int=number_)),
                            intervention=intervention,
                            site=site,
                            wave=wave,
                            participant_code=f"S{index}{group[0]}{n:03d}",
                            group=group,
                            answers=dict(zip(ITEMS, map(int, values), strict=True)),
                            mode="paper",
                        ),
                    )
    evaluator = make_user(dbsession, "evaluator-vergelijk", "evaluator")
    grant(dbsession, evaluator, intervention)
    builders.commit(tm)
    return intervention, evaluator


def test_a_comparison_design_page_shows_each_effect_inside_its_interval(testapp, dbsession, tm):
    intervention, evaluator = comparison_world(dbsession, tm)
    sign_in(testapp, evaluator)
    page = testapp.get(f"/i/{intervention.slug}/results")
    table = page.text[page.text.index("ANCOVA d") :]
    table = table[: table.index("</table>")]
    row = re.search(r"<th scope=\"row\">(?:Alle locaties|All sites)</th>(.*?)</tr>", table, re.S)
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    ancova, ci = parse(cells[3]), [parse(x) for x in re.findall(r"−?-?\d+,\d+", cells[4])]
    assert ci[0] < ancova < ci[1]
    # the small site's counts say "< 10"; a count hidden only to protect it says "niet getoond"
    klein = re.search(r"<th scope=\"row\">Klein</th>(.*?)</tr>", page.text, re.S).group(1)
    assert "< 10" in klein or "colspan" in klein
    assert "niet getoond" in page.text


def test_who_stayed_says_the_retention_of_all_sites_together(testapp, world):
    """The per-site rows are mostly blank (every site lost fewer than 10): the page still says
    what the report's summary says, for all sites together."""
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    sentence = re.search(r'<p id="overall-retention">(.*?)</p>', page.text, re.S).group(1)
    assert "100%" in sentence and "T1" in sentence  # everyone answered both rounds
