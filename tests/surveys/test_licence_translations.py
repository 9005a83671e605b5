"""An instrument's licence in the reader's language, without changing what stored versions mean."""

import pytest

import surveys


def test_the_bundled_instruments_carry_their_licence_in_dutch():
    for instrument_id in ("brs", "gse", "djg6", "rses", "demographics"):
        instrument = surveys.load_instrument(instrument_id)
        assert instrument.licence_in("nl") != instrument.licence
        assert instrument.licence_in("en") == instrument.licence  # as written: English
    assert surveys.load_instrument("gse").licence_in("nl").startswith("Vrij te gebruiken")


def test_a_licence_translation_leaves_the_fingerprint_that_stored_questionnaires_check():
    data = surveys.load_instrument("brs").to_dict()
    without = {**data, "licence_translations": {}}
    changed = {**data, "licence_translations": {"nl": "Een andere tekst."}}
    fingerprints = {surveys.parse_instrument(d).fingerprint for d in (data, without, changed)}
    assert len(fingerprints) == 1
    assert surveys.parse_instrument(changed).licence_in("nl") == "Een andere tekst."
    # the licence itself still counts
    other = {**data, "licence": "All rights reserved."}
    assert surveys.parse_instrument(other).fingerprint not in fingerprints


def test_a_licence_translation_must_name_a_language():
    data = {**surveys.load_instrument("brs").to_dict(), "licence_translations": "vrij"}
    with pytest.raises(surveys.InstrumentError, match="licence_translations"):
        surveys.parse_instrument(data)
