"""Broken instrument files give one clear error per problem; versions and fingerprints hold."""

from __future__ import annotations

import json

import pytest

import surveys
from surveys.registry import Registry, version_key


def break_it(definition: dict, mutation) -> dict:
    mutation(definition)
    return definition


def _set(path, value):
    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path):
    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


BROKEN = [
    ("missing id", _delete(["id"]), "id", "is required"),
    ("numeric version", _set(["version"], 1.1), "version", "must be quoted text"),
    ("unknown top key", _set(["scoring"], "sum"), "scoring", "unknown key"),
    ("bad kind", _set(["kind"], "quiz"), "kind", "must be one of"),
    ("bad item type", _set(["items", 0, "type"], "slider"), "items[0].type", "must be one of"),
    ("bad item id", _set(["items", 0, "id"], "a 1"), "items[0].id", "must be an identifier"),
    ("duplicate item", _set(["items", 1, "id"], "a1"), "items[1].id", "duplicate item id"),
    (
        "unknown option set",
        _set(["items", 0, "options"], "seven"),
        "items[0].options",
        "option_sets does not define",
    ),
    ("empty options", _set(["items", 8, "options"], []), "items[8].options", "non-empty list"),
    (
        "duplicate option value",
        _set(
            ["items", 8, "options"],
            [
                {"value": 1, "label": {"en": "x", "nl": "x"}},
                {"value": 1, "label": {"en": "y", "nl": "y"}},
            ],
        ),
        "items[8].options[1].value",
        "duplicate option value",
    ),
    (
        "text option value",
        _set(["items", 8, "options"], [{"value": "one", "label": {"en": "x", "nl": "x"}}]),
        "items[8].options[0].value",
        "whole number",
    ),
    (
        "missing translation",
        _set(["items", 0, "text"], {"en": "A1"}),
        "items[0].text",
        "differ from declared",
    ),
    (
        "bad language code",
        _set(["items", 0, "text"], {"english": "A1"}),
        "items[0].text.english",
        "language code",
    ),
    (
        "scored number without max",
        _delete(["items", 4, "max"]),
        "scales[2].items[0]",
        "scale 'time' scores the number item 'hours', which needs min and max",
    ),
    ("min above max", _set(["items", 4, "min"], 30), "items[4].min", "above max"),
    (
        "text without max_length",
        _delete(["items", 9, "max_length"]),
        "items[9].max_length",
        "whole number",
    ),
    (
        "options on a number",
        _set(["items", 4, "options"], "five"),
        "items[4].options",
        "has no options",
    ),
    (
        "reverse text item",
        _set(["items", 9, "reverse"], True),
        "items[9].reverse",
        "cannot be reverse-keyed",
    ),
    (
        "required not a flag",
        _set(["items", 0, "required"], "yes"),
        "items[0].required",
        "true or false",
    ),
    (
        "scores do not match options",
        _set(["items", 8, "scores"], {1: 0, 2: 1}),
        "items[8].scores",
        "exactly the option values",
    ),
    (
        "scale with unknown item",
        _set(["scales", 0, "items"], ["a1", "zz"]),
        "scales[0].items[1]",
        "unknown item 'zz'",
    ),
    (
        "scale with text item",
        _set(["scales", 1, "items"], ["a1", "note"]),
        "scales[1].items[1]",
        "cannot be scored",
    ),
    ("bad method", _set(["scales", 0, "method"], "median"), "scales[0].method", "sum or mean"),
    (
        "min_items too high",
        _set(["scales", 0, "min_items"], 9),
        "scales[0].min_items",
        "from 1 to 4",
    ),
    (
        "wrong range",
        _set(["scales", 0, "range"], [0, 20]),
        "scales[0].range",
        "declared [0, 20] but the items give [4, 20]",
    ),
    (
        "overlapping bands",
        _set(["scales", 0, "bands", 1, "min"], 9),
        "scales[0].bands[1].min",
        "overlaps",
    ),
    (
        "band outside range",
        _set(["scales", 0, "bands", 2, "max"], 25),
        "scales[0].bands[2]",
        "outside the scale range",
    ),
    (
        "reliability above 1",
        _set(["scales", 0, "reliability"], 1.5),
        "scales[0].reliability",
        "between 0 and 1",
    ),
    (
        "reliability without source",
        _delete(["scales", 0, "reference_source"]),
        "scales[0].reference_source",
        "is required",
    ),
    (
        "bad translation status",
        _set(["languages", "nl"], "official"),
        "languages.nl",
        "original, validated, working",
    ),
]


@pytest.mark.parametrize("name, mutation, path, fragment", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_definition_names_file_key_and_problem(toolkit_dict, name, mutation, path, fragment):
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(break_it(toolkit_dict, mutation), source="kit.yaml")
    error = caught.value
    assert error.source == "kit.yaml"
    matching = [p for p in error.problems if p[0] == path and fragment in p[1]]
    assert matching, error.problems
    assert f"kit.yaml: {path}: " in str(error)


def test_all_problems_are_reported_at_once(toolkit_dict):
    toolkit_dict["items"][0]["type"] = "slider"
    toolkit_dict["scales"][2]["method"] = "median"
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(toolkit_dict, source="kit.yaml")
    paths = {p for p, _ in caught.value.problems}
    assert {"items[0].type", "scales[2].method"} <= paths


def test_yaml_syntax_error_names_the_line():
    text = 'id: x\nversion: "1"\ntitle: {en: [unclosed\n'
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument(text, source="bad.yaml")
    assert str(caught.value).startswith("bad.yaml: line ")
    assert "not valid YAML" in str(caught.value)


@pytest.mark.parametrize("text", ["- just\n- a list\n", "plain text\n", ""])
def test_a_file_that_is_not_a_mapping_is_refused(text):
    with pytest.raises(surveys.InstrumentError, match="must hold a mapping"):
        surveys.parse_instrument(text, source="odd.yaml")


def test_parse_instrument_file_uses_the_path_in_messages(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text('id: mine\nversion: "1"\ntitle: {en: M}\nlanguages: {en: original}\n')
    with pytest.raises(surveys.InstrumentError) as caught:
        surveys.parse_instrument_file(path)
    assert str(path) in str(caught.value) and "items" in str(caught.value)


def test_canonical_dict_round_trips_through_json(toolkit):
    data = json.loads(json.dumps(toolkit.to_dict()))
    rebuilt = surveys.Instrument.from_dict(data)
    assert rebuilt == toolkit
    assert rebuilt.fingerprint == toolkit.fingerprint
    assert rebuilt.score({"a1": 1, "a2": 2, "a3": 3}) == toolkit.score({"a1": 1, "a2": 2, "a3": 3})


def test_bundled_instruments_round_trip_with_same_fingerprint():
    for inst in surveys.bundled_instruments():
        rebuilt = surveys.parse_instrument(json.loads(json.dumps(inst.to_dict())))
        assert rebuilt.fingerprint == inst.fingerprint, inst.id


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["items"][0]["text"].update(en="A1 changed"),
        lambda d: d["option_sets"]["five"][0]["label"].update(nl="anders"),
        lambda d: d["items"][1].update(reverse=False),
        lambda d: d["scales"][0].update(min_items=4),
    ],
)
def test_any_change_of_content_changes_the_fingerprint(toolkit_dict, toolkit, change):
    change(toolkit_dict)
    assert surveys.parse_instrument(toolkit_dict).fingerprint != toolkit.fingerprint


def test_registry_refuses_two_definitions_under_one_id_and_version(toolkit_dict, toolkit):
    registry = Registry(library=None)
    assert registry.register(toolkit) is toolkit
    assert registry.register(dict(toolkit_dict)) is toolkit  # same content: no-op
    toolkit_dict["items"][0]["text"]["en"] = "Changed wording"
    with pytest.raises(surveys.InstrumentError, match="new version"):
        registry.register(toolkit_dict)
    toolkit_dict["version"] = "2"
    assert registry.register(toolkit_dict).version == "2"
    assert registry.get("toolkit").version == "2"
    assert registry.get("toolkit", "1") is toolkit


def test_registry_picks_the_highest_version_numerically(toolkit_dict):
    registry = Registry(library=None)
    for version in ["1.9", "1.10", "1.2"]:
        registry.register({**toolkit_dict, "version": version})
    assert registry.get("toolkit").version == "1.10"
    assert version_key("2.0") > version_key("1.10")


def test_registry_register_from_yaml_path(tmp_path, toolkit):
    import yaml

    path = tmp_path / "toolkit.yaml"
    path.write_text(yaml.safe_dump(toolkit.to_dict(), allow_unicode=True), encoding="utf-8")
    registry = Registry(library=None)
    assert registry.register(path).fingerprint == toolkit.fingerprint


def test_unknown_instrument_is_a_lookup_error():
    with pytest.raises(LookupError, match="no instrument with id 'nope'"):
        surveys.load_instrument("nope")
    with pytest.raises(surveys.UnknownInstrumentError, match="known versions: 1.0"):
        surveys.load_instrument("brs", "9.9")


def test_default_registry_serves_bundled_and_registered(toolkit_dict):
    toolkit_dict["id"] = "toolkit_registered_in_test"
    registered = surveys.register_instrument(toolkit_dict)
    assert surveys.load_instrument("toolkit_registered_in_test") is registered
    assert surveys.load_instrument("brs", "1.0").id == "brs"
