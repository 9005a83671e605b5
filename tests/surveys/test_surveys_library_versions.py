"""Several versions of one bundled instrument, pinned 1.0 definitions, and reference values.

The library folder holds one YAML file per instrument version (``brs.yaml`` is 1.0, a later
version goes in e.g. ``brs-1.1.yaml``). Stored responses keep the version they were answered
with, so a definition must never change under an existing id + version; these tests pin the
published 1.0 definitions and check that the newest version is the default.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

import surveys
from surveys.registry import LIBRARY, Registry, version_key

# sha256 of the canonical JSON of the bundled 1.0 definitions. If one of these fails, a
# bundled file was edited in place: undo that and put the change in a new version instead
# (copy the file to <id>-<new version>.yaml and raise `version`).
PINNED_1_0 = {
    "brs": "36464e051ae7353d2b93f9552326b7d2d766af63db1805d9011fb9f38311c724",
    "demographics": "71af9c122feb415f16575d87cf42e92044b25fd05d72b97cd1eaa3e4f5f2f337",
    "djg6": "9401ccd4a227b1b134481a51bfd4936381d0108f456a1f2677b63bdc2e27c26e",
    "gse": "474a848a14ee6b12780146906bf61e94e33dc0173b518bb20481f1a825555f67",
    "rses": "c33793b22fc22eb4fe98cc91999fe35dd684f076389b7ffbfe71a836de73ed18",
}

# Reliability and reference SD per (instrument, scale) in the newest bundled version: only
# values checked against their published source (see docs/instruments.md, "Reference values
# for reliable change"). None means: not verified, the user supplies it.
REFERENCE_VALUES = {
    ("brs", "brs"): (0.78, None),  # Cronbach's alpha, BRS-DLV, Soer et al. (2019), n = 1,023
    ("gse", "gse"): (None, None),
    ("rses", "rses"): (None, None),
    ("djg6", "djg_total"): (None, None),
    ("djg6", "djg_emotional"): (None, None),
    ("djg6", "djg_social"): (None, None),
}


def newest_bundled() -> dict[str, surveys.Instrument]:
    newest: dict[str, surveys.Instrument] = {}
    for inst in surveys.bundled_instruments():
        known = newest.get(inst.id)
        if known is None or version_key(inst.version) > version_key(known.version):
            newest[inst.id] = inst
    return newest


@pytest.mark.parametrize("inst_id", sorted(PINNED_1_0))
def test_bundled_version_1_0_is_unchanged(inst_id):
    inst = surveys.load_instrument(inst_id, "1.0")
    assert inst.version == "1.0"
    assert inst.fingerprint == PINNED_1_0[inst_id], (
        f"{inst_id} 1.0 changed in place: stored responses refer to it; make a new version"
    )


def test_every_bundled_id_and_version_is_unique():
    keys = [(inst.id, inst.version) for inst in surveys.bundled_instruments()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("inst_id", sorted(PINNED_1_0))
def test_load_instrument_without_version_gives_the_newest_bundled_version(inst_id):
    newest = newest_bundled()[inst_id]
    loaded = surveys.load_instrument(inst_id)
    assert loaded.version == newest.version
    assert loaded.fingerprint == newest.fingerprint


@pytest.mark.parametrize("key", sorted(REFERENCE_VALUES))
def test_reference_values_are_only_the_checked_ones(key):
    inst_id, scale_id = key
    scale = surveys.load_instrument(inst_id).scale(scale_id)
    reliability, reference_sd = REFERENCE_VALUES[key]
    assert (scale.reliability, scale.reference_sd) == (reliability, reference_sd)
    if reliability is not None or reference_sd is not None:
        assert scale.reference_source  # the schema requires it; say where the number is from


def test_brs_reliability_names_its_published_source():
    source = surveys.load_instrument("brs").scale("brs").reference_source
    assert "Soer et al. 2019" in source and "1,023" in source


@pytest.fixture
def two_version_library(tmp_path):
    """A library folder with brs 1.0 (the bundled file) and a 1.1 that adds a reference SD."""
    shutil.copy(LIBRARY / "brs.yaml", tmp_path / "brs.yaml")
    data = yaml.safe_load((LIBRARY / "brs.yaml").read_text(encoding="utf-8"))
    data["version"] = "1.1"
    scale = data["scales"][0]
    scale["reference_sd"] = 0.5  # an invented number, for this test only
    scale["reference_source"] = "Invented for a test of the library loader."
    (tmp_path / "brs-1.1.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return tmp_path


def test_a_library_folder_holds_several_versions_of_one_instrument(two_version_library):
    registry = Registry(library=two_version_library)
    assert [(i.id, i.version) for i in registry.all()] == [("brs", "1.0"), ("brs", "1.1")]
    newest = registry.get("brs")
    assert newest.version == "1.1" and newest.scale("brs").reference_sd == 0.5
    old = registry.get("brs", "1.0")
    assert old.fingerprint == PINNED_1_0["brs"] and old.scale("brs").reference_sd is None
    assert sorted(i.version for i in registry.bundled()) == ["1.0", "1.1"]


def test_a_stored_1_0_questionnaire_still_resolves_after_a_newer_version(two_version_library):
    registry = Registry(library=two_version_library)
    stored = surveys.Questionnaire(
        id="q", version="1", title={"nl": "Q"}, instruments=(registry.get("brs", "1.0"),)
    ).to_dict()
    rebuilt = surveys.Questionnaire.from_dict(stored, resolve=registry.get)
    assert rebuilt.instruments[0].version == "1.0"
    assert rebuilt.instruments[0].fingerprint == PINNED_1_0["brs"]


def test_two_library_files_with_one_version_but_other_content_are_refused(two_version_library):
    clash = yaml.safe_load((two_version_library / "brs-1.1.yaml").read_text(encoding="utf-8"))
    clash["scales"][0]["reference_sd"] = 0.6
    (two_version_library / "brs-1.1-copy.yaml").write_text(
        yaml.safe_dump(clash, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    with pytest.raises(surveys.InstrumentError, match="new version"):
        Registry(library=two_version_library).get("brs")


FORMAL = re.compile(r"\b(u|uw|uzelf|U|Uw)\b")


@pytest.mark.parametrize("instrument_id", sorted(PINNED_1_0))
def test_version_1_1_says_je_and_scores_as_1_0(instrument_id):
    """1.1 differs from 1.0 only in the register of its Dutch texts: same items, options and
    scoring (so the scores compare), and not one "u" left in what a participant reads."""
    old, new = (surveys.load_instrument(instrument_id, v) for v in ("1.0", "1.1"))

    def scoring(instrument):
        data = instrument.to_dict()
        items = [
            {k: v for k, v in item.items() if k not in ("text", "hint")} for item in data["items"]
        ]
        return items, data["scales"]

    assert scoring(new) == scoring(old)
    dutch = [new.instructions.get("nl", ""), new.title["nl"], new.section_title.get("nl", "")]
    dutch += [item.text["nl"] for item in new.items]
    dutch += [label["nl"] for item in new.items for label in (o.labels for o in item.options)]
    assert [text for text in dutch if FORMAL.search(text)] == []
    old_dutch = [old.instructions.get("nl", "")] + [item.text["nl"] for item in old.items]
    assert any(FORMAL.search(text) for text in old_dutch)  # 1.0 keeps "u"
