"""The evaluation service: one query, sample reference values, suppression of small sites."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

from evalsys.results import evaluation

from .. import results_data


@pytest.fixture
def world(dbsession, tm):
    return results_data.build(dbsession, tm)


def test_scores_are_read_as_one_long_table_of_current_responses(dbsession, world):
    scores = evaluation.load_scores(dbsession, world.intervention)
    assert list(scores.columns) == ["participant", "site", "group", "wave", "scale", "score"]
    assert len(scores) == 2 * sum(results_data.SITES.values())
    noord = scores[(scores["site"] == "noord") & (scores["wave"] == "T0")]
    assert sorted(noord["score"]) == sorted(world.brs("noord", "T0"))


def test_site_effects_hold_the_hand_computed_mean_change(dbsession, world):
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    rows = found.result.site_effects.set_index("site")
    assert rows.loc["west", "mean_diff"] == pytest.approx(world.mean_change("west"))
    assert rows.loc["zuid", "mean_diff"] == pytest.approx(world.mean_change("zuid"))
    assert found.result.min_cell == 10


def test_the_small_site_is_suppressed_and_the_next_smallest_too(dbsession, world):
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    rows = found.result.site_effects.set_index("site")
    for site in ("klein", "noord"):  # noord: else pooled minus the others gives klein
        assert rows.loc[site, ["mean_pre", "mean_post", "mean_diff", "d_z", "n"]].isna().all()


def test_without_published_values_the_sample_baseline_is_named_as_the_source(dbsession, world):
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    info = found.scale_infos["brs.brs"]
    # BRS publishes a reliability (.78) but no reference SD: the SD is this sample's at T0.
    assert info.reliability == pytest.approx(0.78)
    assert "SD: deze steekproef bij T0" in info.reference_source  # in the page's language
    english = evaluation.evaluate_intervention(dbsession, world.intervention, {}, language="en")
    assert "SD: this sample at T0" in english.scale_infos["brs.brs"].reference_source

    assert info.reference_sd == pytest.approx(
        np.std(
            world.brs("noord", "T0")
            + world.brs("zuid", "T0")
            + world.brs("west", "T0")
            + world.brs("klein", "T0"),
            ddof=1,
        )
    )
    assert found.meta.instruments[0].alpha["brs.brs"] is not None


def test_min_cell_is_never_below_five(caplog):
    assert evaluation.min_cell({"evalsys.min_cell": "3"}) == 5
    assert "below 5" in caplog.text
    assert evaluation.min_cell({"evalsys.min_cell": "12"}) == 12
    assert evaluation.min_cell({}) == 10


def test_the_sample_alpha_is_cronbachs_alpha_of_the_reverse_keyed_baseline_items(dbsession, world):
    """Cronbach (1951): alpha = k / (k - 1) * (1 - sum of item variances / variance of the sum)."""
    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    items = np.array(
        [
            [6 - a[i] if i in results_data.REVERSED else a[i] for i in results_data.ITEMS]
            for (_, _, wave), a in world.answers.items()
            if wave == "T0"
        ],
        dtype=float,
    )
    k = items.shape[1]
    alpha = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert found.meta.instruments[0].alpha["brs.brs"] == pytest.approx(alpha)


def test_a_scale_without_reference_values_is_left_out_and_the_pdf_says_so(dbsession, world):
    """gse publishes no SD and no reliability; a baseline where every score is equal gives no
    sample SD either: the scale is left out, and the Dutch PDF names it in words."""
    import pandas as pd
    from pypdf import PdfReader

    import surveys
    from analysis.report.note_texts import note_text
    from analysis.report.texts import Texts
    from evalsys.results import reports

    gse = surveys.load_instrument("gse")
    scores = pd.DataFrame(
        [(p, "noord", "intervention", "T0", "gse.gse", 30.0) for p in range(12)],
        columns=["participant", "site", "group", "wave", "scale", "score"],
    )
    infos, notes = evaluation._scale_infos({"gse": gse}, scores, {}, "T0", "nl")
    assert "gse.gse" not in infos
    (note,) = notes
    assert note.key == "scale_left_out"
    dutch = note_text(note, Texts("nl"))
    assert dutch.startswith("Algemene zelfeffectiviteit (GSE) is weggelaten")

    found = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    with_note = dataclasses.replace(found, notes=(*found.notes, note))
    pages = PdfReader(io.BytesIO(reports.make_pdf(with_note, "nl"))).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Algemene zelfeffectiviteit (GSE) is weggelaten" in text
    assert "gse.gse" not in text


def test_the_same_data_are_evaluated_once_and_any_change_is_seen(app, dbsession, world, tm):
    """The evaluation is kept per data snapshot (evalsys.results.snapshots): asked again, it is
    the same computation with a new data_taken_at; a voided response or an erased participant
    makes a new one, with the changed counts."""
    from evalsys.collection.corrections import Reason, void
    from evalsys.collection.models import Participant, Response
    from evalsys.privacy.erasure import erase_participant

    first = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    again = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    assert again.result is first.result and again.data_taken_at >= first.data_taken_at
    english = evaluation.evaluate_intervention(dbsession, world.intervention, {}, language="en")
    assert english.result is not first.result  # another language is another evaluation

    def pairs(found) -> int:  # complete pairs over all sites (the pooled row is never hidden)
        return int(found.result.pooled["n"].iloc[0])

    west = [p for p in dbsession.query(Participant) if p.code.startswith("WE")]
    (response,) = [
        r
        for r in dbsession.query(Response).filter_by(participant_id=west[0].id)
        if r.wave.label == "T1"
    ]
    void(dbsession, response, Reason("entry_error"))
    voided = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    assert voided.result is not first.result and pairs(voided) == pairs(first) - 1
    erase_participant(dbsession, app.registry.settings, west[1], "withdrew consent")
    erased = evaluation.evaluate_intervention(dbsession, world.intervention, {})
    assert pairs(erased) == pairs(first) - 2
