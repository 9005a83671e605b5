"""The fast body check (fastjsonschema) never accepts what the explaining one (jsonschema) refuses.

json_body() asks the compiled validator first and only asks jsonschema when it refuses, so a
body the fast check let through would skip validation altogether. Hypothesis generates bodies
near each request schema (right and wrong types, formats, lengths, extra and missing fields).
"""

from __future__ import annotations

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalsys.api.openapi import document
from evalsys.api.requests import _accepts, _compiled, validation_errors
from evalsys.api.submission_check import conforms_check, submission_conforms

REQUEST_SCHEMAS = (
    "ResponseSubmission",
    "InterventionCreate",
    "InterventionChange",
    "SiteCreate",
    "WaveCreate",
    "WaveChange",
    "QuestionnaireChange",
    "CoordinatorAssignment",
)

VALID_SUBMISSION = {
    "submission_id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "link": "abc",
    "participant_code": "AB12",
    "language": "nl",
    "answers": {"brs_1": 4, "note": "tekst", "many": [1, 2], "skipped": None},
    "duration_seconds": 120,
}

tricky = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([1.0, 2.5, -0.0, 10**6]),
    st.sampled_from(
        [
            "",
            "x" * 65,
            "nl",
            "en-GB",
            "NL",
            "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            "1b4e28ba2fa111d2883f0016d3cca427",
            "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}",
            "2026-02-28",
            "2026-02-31",
            "2026-11-28T12:00:00Z",
            "pre_post",
            "intervention",
            "brs",
        ]
    ),
    st.text(max_size=5),
)
values = st.recursive(
    tricky,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def bodies(schema_name: str):
    properties = list(document()["components"]["schemas"][schema_name].get("properties", {}))
    keys = st.sampled_from(properties + ["extra"]) if properties else st.just("extra")
    return st.dictionaries(keys, values, max_size=len(properties) + 1)


@pytest.mark.parametrize("schema_name", REQUEST_SCHEMAS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_the_fast_check_accepts_jsonschema_accepts_too(schema_name, data):
    body = data.draw(bodies(schema_name))
    if _accepts(schema_name, body):
        assert validation_errors(schema_name, body) == []


@pytest.mark.parametrize(
    "change, field",
    [
        ({"submission_id": "1b4e28ba2fa111d2883f0016d3cca427"}, "submission_id"),
        ({"language": "Dutch"}, "language"),
        ({"link": ""}, "link"),
        ({"answers": {"brs_1": {"nested": 1}}}, "answers.brs_1"),
        ({"duration_seconds": -1}, "duration_seconds"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_a_wrong_submission_is_refused_by_both_and_explained(change, field):
    body = {**VALID_SUBMISSION, **change}
    assert _accepts("ResponseSubmission", VALID_SUBMISSION)
    assert not _accepts("ResponseSubmission", body)
    assert [d["field"] for d in validation_errors("ResponseSubmission", body)] == [field]


@st.composite
def near_valid_submissions(draw):
    body = dict(VALID_SUBMISSION)
    for key in draw(st.lists(st.sampled_from(sorted(body)), max_size=2, unique=True)):
        body[key] = draw(values)
    answers = draw(st.dictionaries(st.text(max_size=4), values, max_size=3))
    if isinstance(body.get("answers"), dict):
        body["answers"] = {**body["answers"], **answers}
    return body


@settings(max_examples=500, deadline=None)
@given(body=near_valid_submissions())
def test_near_valid_submissions_get_the_same_verdict_from_both(body):
    # Near a valid body the two checks must agree both ways; only then does the fast path
    # carry the load (a fast refusal of a good body would cost time, not correctness).
    assert _accepts("ResponseSubmission", body) == (
        validation_errors("ResponseSubmission", body) == []
    )


def test_the_quick_submission_check_is_written_for_the_current_schema():
    # If this fails, the schema of ResponseSubmission changed: bring api/submission_check.py
    # (WRITTEN_FOR and submission_conforms) up to date with it.
    assert conforms_check("ResponseSubmission") is submission_conforms
    assert conforms_check("SiteCreate") is None


@settings(max_examples=500, deadline=None)
@given(body=near_valid_submissions())
def test_what_the_quick_submission_check_accepts_both_others_accept(body):
    if submission_conforms(body):
        assert validation_errors("ResponseSubmission", body) == []
        assert _compiled_accepts(body)


@pytest.mark.parametrize(
    "change, conforms",
    [
        ({"submission_id": "1b4e28ba2fa111d2883f0016d3cca427"}, False),
        ({"submission_id": "1B4E28BA-2FA1-11D2-883F-0016D3CCA42G"}, False),
        ({"language": "nl\n"}, True),  # jsonschema's $ allows a final newline
        ({"link": ""}, False),
        ({"participant_code": "x" * 65}, False),
        ({"answers": {"brs_1": True}}, False),
        ({"answers": {"brs_1": [1.0]}}, True),  # 1.0 is an integer to JSON Schema
        ({"duration_seconds": 2.0}, True),
        ({"submitted_at": "2026-11-28T12:00:00Z"}, True),
    ],
)
def test_the_quick_check_leaves_what_it_is_unsure_of_to_the_others(change, conforms):
    body = {**VALID_SUBMISSION, **change}
    assert submission_conforms(VALID_SUBMISSION)
    assert not submission_conforms(body)
    # ...which decide as before: json_body stores a body that jsonschema accepts, also
    # after the compiled check refused it (nl\n), and explains the others.
    explained = validation_errors("ResponseSubmission", body)
    assert not (_accepts("ResponseSubmission", body) and explained)
    assert (explained == []) == conforms


def _compiled_accepts(body) -> bool:
    try:
        _compiled("ResponseSubmission")(body)
    except fastjsonschema.JsonSchemaException:
        return False
    return True
