"""services/setup.py without HTTP: the functions the web forms and the JSON API share."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from evalsys import setup
from evalsys.accounts.models import Membership
from evalsys.audit.models import AuditEvent
from evalsys.collection.submissions import Submission, submit
from evalsys.programme.models import Questionnaire

from .. import builders
from ..builders import BRS_ANSWERS


def new(dbsession, creator=None, **extra):
    values = dict(slug="buurt-kracht", name="Buurtkracht", design="pre_post")
    values.update(extra)
    return setup.create_intervention(dbsession, creator=creator, **values)


def test_an_evaluator_who_creates_an_intervention_evaluates_it(dbsession):
    evaluator = builders.user(dbsession, role="evaluator")
    iv = new(dbsession, creator=evaluator, protective_factors=["veerkracht", " veerkracht", ""])
    assert iv.protective_factors == ["veerkracht"]
    membership = dbsession.query(Membership).filter_by(user_id=evaluator.id).one()
    assert (membership.intervention_id, membership.site_id) == (iv.id, None)
    event = dbsession.query(AuditEvent).filter_by(action="intervention_created").one()
    assert event.actor_id == evaluator.id and event.target_id == "buurt-kracht"


def test_an_admin_who_creates_one_gets_no_membership(dbsession):
    admin = builders.user(dbsession, role="admin")
    new(dbsession, creator=admin)
    assert dbsession.query(Membership).filter_by(user_id=admin.id).count() == 0


@pytest.mark.parametrize(
    "extra, field, code",
    [
        ({"slug": "Hoofd Letters"}, "slug", "invalid_format"),
        ({"name": "  "}, "name", "required"),
        ({"design": "cohort"}, "design", "invalid_option"),
    ],
)
def test_invalid_input_names_the_field(dbsession, extra, field, code):
    with pytest.raises(setup.SetupError) as caught:
        new(dbsession, **extra)
    assert (caught.value.field, caught.value.code, caught.value.conflict) == (field, code, False)


def test_a_taken_slug_is_a_conflict(dbsession):
    new(dbsession)
    with pytest.raises(setup.SetupError) as caught:
        new(dbsession)
    assert caught.value.conflict and caught.value.field == "slug"


def test_waves_are_appended_in_order_and_dates_are_checked(dbsession):
    iv = new(dbsession)
    t0 = setup.add_wave(dbsession, iv, label="T0", name="Voormeting")
    t1 = setup.add_wave(
        dbsession,
        iv,
        label="T1",
        name="Nameting",
        opens_on=dt.date(2027, 3, 1),
        participant_code="self_generated",
    )
    assert (t0.position, t1.position) == (0, 1)
    assert t1.settings == {"participant_code": "self_generated"}
    with pytest.raises(setup.SetupError) as caught:
        setup.update_wave(dbsession, t1, {"closes_on": dt.date(2027, 2, 1)})
    assert caught.value.field == "closes_on"
    assert setup.update_wave(dbsession, t1, {"closes_on": dt.date(2027, 4, 1)}) == {
        "closes_on": dt.date(2027, 4, 1)
    }
    with pytest.raises(setup.SetupError) as taken:
        setup.add_wave(dbsession, iv, label="T2", name="Follow-up", position=1)
    assert taken.value.field == "position" and taken.value.conflict


def test_the_questionnaire_keeps_the_chosen_order_and_its_versions(dbsession):
    iv = new(dbsession)
    first, created = setup.set_questionnaire(dbsession, iv, [("gse", None), ("brs", "1.0")])
    # None is the newest version (1.1): naming it gives the same questionnaire
    assert created and first.version == 1
    same, created = setup.set_questionnaire(dbsession, iv, [("gse", "1.1"), ("brs", "1.0")])
    assert not created and same.id == first.id
    second, created = setup.set_questionnaire(dbsession, iv, [("brs", None), ("gse", None)])
    assert created and second.version == 2
    without, created = setup.set_questionnaire(dbsession, iv, [("brs", None)], demographics=False)
    assert created and without.version == 3
    assert dbsession.query(Questionnaire).filter_by(intervention_id=iv.id).count() == 3


def test_a_response_keeps_its_version_when_the_questionnaire_changes(dbsession):
    iv = builders.intervention(dbsession)
    old = iv.questionnaire
    stored = submit(
        dbsession,
        Submission(str(uuid.uuid4()), iv, iv.sites[0], iv.waves[0], "QQ01", dict(BRS_ANSWERS)),
    )
    assert setup.has_responses(dbsession, old)
    row, created = setup.set_questionnaire(dbsession, iv, [("brs", None), ("djg6", None)])
    assert created and row.id != old.id
    assert stored.response.questionnaire_id == old.id
    assert old.definition == dbsession.get(Questionnaire, old.id).definition


@pytest.mark.parametrize(
    "refs, field, code",
    [
        ([], "instruments", "required"),
        ([("bestaat-niet", None)], "instruments[0].id", "unknown_instrument"),
        ([("brs", "9.9")], "instruments[0].version", "unknown_instrument"),
        ([("brs", None), ("brs", None)], "instruments[1].id", "duplicate"),
        ([("demographics", None)], "instruments[0].id", "not_allowed"),
    ],
)
def test_questionnaire_choices_that_cannot_be_used(dbsession, refs, field, code):
    iv = new(dbsession)
    with pytest.raises(setup.SetupError) as caught:
        setup.set_questionnaire(dbsession, iv, refs)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_the_design_cannot_change_once_responses_are_in(dbsession):
    iv = builders.intervention(dbsession)
    assert setup.update_intervention(dbsession, iv, {"design": "randomised"}) == {
        "design": "randomised"
    }
    trial = Submission(str(uuid.uuid4()), iv, iv.sites[0], iv.waves[0], "DS00", dict(BRS_ANSWERS))
    trial.test = True
    submit(dbsession, trial)  # a test response decides nothing: the design still changes
    assert setup.update_intervention(dbsession, iv, {"design": "pre_post_comparison"})
    submit(
        dbsession,
        Submission(str(uuid.uuid4()), iv, iv.sites[0], iv.waves[0], "DS01", dict(BRS_ANSWERS)),
    )
    with pytest.raises(setup.SetupError) as caught:
        setup.update_intervention(dbsession, iv, {"design": "pre_post"})
    assert caught.value.field == "design" and caught.value.conflict
    # other fields still change
    assert setup.update_intervention(dbsession, iv, {"target_group": "Ouders"})


def test_coordinators_are_assigned_once_and_only_coordinators(dbsession):
    iv = builders.intervention(dbsession)
    coordinator = builders.user(dbsession, role="coordinator")
    membership, created = setup.assign_coordinator(dbsession, iv.sites[1], coordinator)
    assert created and membership.site_id == iv.sites[1].id
    again, created = setup.assign_coordinator(dbsession, iv.sites[1], coordinator)
    assert not created and again.id == membership.id
    evaluator = builders.user(dbsession, role="evaluator")
    with pytest.raises(setup.SetupError) as caught:
        setup.assign_coordinator(dbsession, iv.sites[0], evaluator)
    assert caught.value.code == "not_a_coordinator"


def test_sites_need_a_unique_slug_within_the_intervention(dbsession):
    iv = new(dbsession)
    setup.add_site(dbsession, iv, slug="delft-west", name="Delft West", municipality="Delft")
    with pytest.raises(setup.SetupError) as caught:
        setup.add_site(dbsession, iv, slug="delft-west", name="Delft West 2")
    assert caught.value.conflict
    other = new(dbsession, slug="ander-project")
    assert setup.add_site(dbsession, other, slug="delft-west", name="Delft West").id


def test_the_library_holds_the_bundled_instruments(dbsession):
    ids = {(i.id, i.version) for i in setup.library()}
    assert {("brs", "1.0"), ("gse", "1.0"), ("djg6", "1.0")} <= ids
