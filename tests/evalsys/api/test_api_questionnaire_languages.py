"""The questionnaire in the API carries what a tablet app needs to show it (docs/api.md): every
text in every language, the conditions, groups and missing-data codes."""

from __future__ import annotations

import pytest

import surveys
from evalsys.setup import instruments as stored
from surveys.conditions import parse_condition

from .. import builders
from .. import world as worlds
from ..api_client import ApiClient, make_token, member

NEIGHBOURHOOD = {
    "id": "wijkveilig",
    "version": "1",
    "title": {"nl": "Veilig in de wijk", "en": "Safe in the neighbourhood"},
    "languages": {"nl": "original", "en": "working"},
    "groups": [{"id": "veilig", "title": {"nl": "Veiligheid", "en": "Safety"}}],
    "missing_codes": [{"value": 9, "label": {"nl": "Zeg ik liever niet", "en": "Rather not say"}}],
    "items": [
        {
            "id": "veilig_1",
            "type": "single_choice",
            "group": "veilig",
            "text": {"nl": "Voel je je veilig?", "en": "Do you feel safe?"},
            "hint": {"nl": "Denk aan de avond.", "en": "Think of the evening."},
            "options": [
                {"value": 1, "label": {"nl": "Ja", "en": "Yes"}},
                {"value": 2, "label": {"nl": "Nee", "en": "No"}},
            ],
        },
        {
            "id": "veilig_2",
            "type": "text",
            "max_length": 500,
            "required": False,
            "relevant": "${veilig_1} = 2",
            "text": {"nl": "Waarom niet?", "en": "Why not?"},
        },
    ],
}


@pytest.fixture
def api(testapp, dbsession, tm):
    iv = builders.intervention(dbsession)
    user = worlds.make_user(dbsession, "tablet", "evaluator")
    member(dbsession, user, iv)
    token = make_token(dbsession, user, iv, permission="submit", site=iv.sites[0])
    stored.store(dbsession, surveys.parse_instrument(NEIGHBOURHOOD))
    from evalsys import setup

    setup.set_questionnaire(dbsession, iv, [("brs", None), ("wijkveilig", "1")])
    slug = iv.slug
    builders.commit(tm)
    return ApiClient(testapp, token), slug


def test_every_text_of_the_library_instruments_comes_in_every_language(api):
    client, slug = api
    body = client.get(f"/interventions/{slug}/questionnaire").json
    assert set(body["languages"]) >= {"nl", "en"}
    assert body["consent"] == {} or set(body["consent"]) <= set(body["languages"])
    brs = next(block for block in body["instruments"] if block["id"] == "brs")
    library = surveys.load_instrument("brs")
    for sent, item in zip(brs["items"], library.items, strict=True):
        assert sent["text"] == dict(item.text) and set(sent["text"]) == {"nl", "en"}
        assert [c["label"] for c in sent["choices"]] == [dict(o.labels) for o in item.options]
        assert sent["options"] == [c["value"] for c in sent["choices"]]
    assert brs["title"]["en"] and brs["section_title"] == dict(library.section_title)


def test_conditions_groups_and_missing_codes_are_in_the_questionnaire(api):
    client, slug = api
    body = client.get(f"/interventions/{slug}/questionnaire").json
    block = next(b for b in body["instruments"] if b["id"] == "wijkveilig")
    assert block["groups"] == [
        {
            "id": "veilig",
            "title": {"nl": "Veiligheid", "en": "Safety"},
            "relevant": None,
            "parent": None,
        }
    ]
    first, second = block["items"]
    assert first["group"] == "veilig" and first["hint"]["en"] == "Think of the evening."
    assert first["missing"] == [
        {"value": 9, "label": {"nl": "Zeg ik liever niet", "en": "Rather not say"}, "name": None}
    ]
    assert second["relevant"] == "${veilig_1} = 2" and second["missing"] == []
    # the condition text the app gets is one the server's parser reads
    condition = parse_condition(second["relevant"])
    assert condition.names == {"veilig_1"}
    assert condition.holds({"veilig_1": 2}) and not condition.holds({"veilig_1": 1})
