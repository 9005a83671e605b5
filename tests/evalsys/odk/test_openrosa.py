"""ODK Collect at the protocol level: the form list, the XForm, HEAD and POST of submissions."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET

import pytest

from evalsys.collection import ratelimit
from evalsys.collection.models import Participant, Response
from evalsys.programme import questionnaires

from .. import builders
from ..api_client import make_link
from ..builders import BRS_ANSWERS
from .collect_client import Collect, instance_xml, message_of

FORM_LIST = "{http://openrosa.org/xforms/xformsList}"
LOCAL = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


class World:
    def __init__(self, dbsession):
        self.iv = builders.intervention(dbsession, name="Samen sterk")
        self.site = self.iv.sites[0]
        self.t0, self.t1 = self.iv.waves
        self.link = make_link(dbsession, self.iv, self.site, self.t0)
        self.other = make_link(dbsession, self.iv, self.iv.sites[1], self.t0)


@pytest.fixture
def world(dbsession, tm):
    made = World(dbsession)
    builders.commit(tm)
    return made


def listed(response) -> list[dict]:
    root = ET.fromstring(response.body)
    assert root.tag == f"{FORM_LIST}xforms"
    return [
        {child.tag.removeprefix(FORM_LIST): child.text for child in form}
        for form in root.findall(f"{FORM_LIST}xform")
    ]


def brs(**overrides) -> dict:
    return {**{k: str(v) for k, v in BRS_ANSWERS.items()}, **overrides}


def filled(collect: Collect, values: dict, **options) -> bytes:
    (entry,) = listed(collect.form_list())
    xform = collect.download(entry["downloadUrl"]).text
    return instance_xml(xform, values, **options)


def test_the_form_list_is_openrosa_with_the_links_form(testapp, world):
    response = Collect(testapp, world.link.token).form_list()
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.content_type == "text/xml"
    assert "Date" in response.headers
    (entry,) = listed(response)
    assert entry["formID"] == f"evalsys-{world.iv.slug}-site-a-T0"
    assert entry["version"] == "1"
    assert entry["name"].startswith("Samen sterk")
    assert entry["hash"].startswith("md5:") and len(entry["hash"]) == 36
    assert entry["downloadUrl"].endswith(f"/odk/key/{world.link.token}/form.xml")
    assert "manifestUrl" not in entry  # no media files


def test_the_downloaded_form_matches_its_hash_and_version(testapp, world):
    import hashlib

    collect = Collect(testapp, world.link.token)
    (entry,) = listed(collect.form_list())
    form = collect.download(entry["downloadUrl"])
    assert form.headers["X-OpenRosa-Version"] == "1.0"
    assert entry["hash"] == "md5:" + hashlib.md5(form.body).hexdigest()
    root = ET.fromstring(form.body)
    xf = "{http://www.w3.org/2002/xforms}"
    data = root.find(f".//{xf}model/{xf}instance")[0]
    assert (data.get("id"), data.get("version")) == (entry["formID"], "1")


def test_a_form_id_filter_lists_only_that_form(testapp, world):
    collect = Collect(testapp, world.link.token)
    assert listed(collect.form_list(formID="something-else")) == []
    assert len(listed(collect.form_list(formID=f"evalsys-{world.iv.slug}-site-a-T0"))) == 1


def test_head_on_the_submission_url_is_204_with_the_size_it_accepts(testapp, world):
    response = Collect(testapp, world.link.token).head_submission()
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert int(response.headers["X-OpenRosa-Accept-Content-Length"]) == 512 * 1024
    assert response.headers["Location"].endswith(f"/odk/key/{world.link.token}/submission")


def test_a_submission_is_stored_through_the_submission_path(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    instance_id = str(uuid.uuid4())
    end = dt.datetime.now(LOCAL).replace(microsecond=0) - dt.timedelta(hours=3)
    body = filled(
        collect,
        {**brs(), "participant_code": "ab12"},
        instance_id=f"uuid:{instance_id}",
        start=end - dt.timedelta(seconds=400),
        end=end,
    )
    response = collect.submit(body, status=201)
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert message_of(response) == "Thank you: the answers are stored."
    root = ET.fromstring(response.body)
    assert root.find("{http://openrosa.org/http/response}message").get("nature") == (
        "submit_success"
    )
    row = dbsession.query(Response).filter_by(submission_id=instance_id).one()
    assert row.answers == BRS_ANSWERS  # option values as numbers, as the API stores them
    assert row.submitted_at == end and row.received_at > end
    assert row.duration_seconds == 400
    assert row.mode == "api" and row.language == "nl"
    assert {s.scale: s.value for s in row.scores} == {"brs": 4.0}  # Smith et al. 2008
    assert dbsession.get(Participant, row.participant_id).code == "AB12"


def test_the_same_instance_sent_twice_is_stored_once(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    body = filled(collect, {**brs(), "participant_code": "AB13"})
    collect.submit(body, status=201)
    again = collect.submit(body, status=201)
    assert "already" in message_of(again)
    assert dbsession.query(Response).count() == 1


def test_the_same_instance_id_with_other_answers_is_409(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    instance_id = f"uuid:{uuid.uuid4()}"
    collect.submit(filled(collect, {**brs(), "participant_code": "AB14"}, instance_id=instance_id))
    changed = filled(
        collect, {**brs(brs_1="5"), "participant_code": "AB14"}, instance_id=instance_id
    )
    refused = collect.submit(changed, status=409)
    assert "other answers" in message_of(refused)
    assert dbsession.query(Response).one().answers["brs_1"] == 4


def test_an_invalid_answer_is_refused_with_a_message_naming_the_item(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    refused = collect.submit(filled(collect, {**brs(brs_1="9"), "participant_code": "AB15"}), 400)
    assert refused.headers["X-OpenRosa-Version"] == "1.0"
    text = message_of(refused)
    assert "brs_1" in text and "not valid" in text
    assert dbsession.query(Response).count() == 0
    assert dbsession.query(Participant).count() == 0  # nothing half-stored


def test_a_wrong_key_is_an_openrosa_404(testapp, world):
    collect = Collect(testapp, "no-such-key")
    assert "not known" in message_of(collect.form_list(status=404))
    # A HEAD answer has no body: the status says it.
    assert collect.head_submission(status=404).headers["X-OpenRosa-Version"] == "1.0"


def test_a_form_for_another_link_is_refused(testapp, world, dbsession):
    other = Collect(testapp, world.other.token)
    body = filled(other, {**brs(), "participant_code": "AB16"})
    refused = Collect(testapp, world.link.token).submit(body, status=400)
    assert "another survey link" in message_of(refused)
    assert dbsession.query(Response).count() == 0


def test_a_closed_link_lists_no_form_and_refuses_answers(testapp, world, dbsession, tm):
    collect = Collect(testapp, world.link.token)
    body = filled(collect, {**brs(), "participant_code": "AB17"})
    dbsession.merge(world.link).is_open = False
    builders.commit(tm)
    assert listed(collect.form_list()) == []
    refused = collect.submit(body, status=403)
    assert "survey link of this round is closed" in message_of(refused)
    assert dbsession.query(Response).count() == 0


def test_collect_switched_off_refuses_everything(testapp, world, dbsession, tm):
    collect = Collect(testapp, world.link.token)
    body = filled(collect, {**brs(), "participant_code": "AB18"})
    dbsession.merge(world.link).odk_enabled = False
    builders.commit(tm)
    assert "switched off" in message_of(collect.form_list(status=403))
    assert "switched off" in message_of(collect.submit(body, status=403))


def test_answered_offline_while_open_is_accepted_after_the_wave_closed(
    testapp, world, dbsession, tm
):
    wave = dbsession.merge(world.t0)
    wave.opens_on = dt.date.today() - dt.timedelta(days=30)
    wave.closes_on = dt.date.today() - dt.timedelta(days=2)
    builders.commit(tm)
    collect = Collect(testapp, world.link.token)
    answered = dt.datetime.now(LOCAL) - dt.timedelta(days=5)
    collect.submit(filled(collect, {**brs(), "participant_code": "AB19"}, end=answered), 201)
    late = dt.datetime.now(LOCAL) - dt.timedelta(days=1)
    refused = collect.submit(filled(collect, {**brs(), "participant_code": "AB20"}, end=late), 403)
    assert "closed on" in message_of(refused)


def test_an_end_time_in_the_future_is_refused(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    ahead = dt.datetime.now(LOCAL) + dt.timedelta(hours=2)
    refused = collect.submit(filled(collect, {**brs(), "participant_code": "AB21"}, end=ahead), 400)
    assert "date and time of the device" in message_of(refused)


def test_a_form_of_an_older_questionnaire_version_is_stored_with_that_version(
    testapp, world, dbsession, tm
):
    collect = Collect(testapp, world.link.token)
    old_form = filled(collect, {**brs(), "participant_code": "AB22"})
    intervention = dbsession.merge(world.iv)
    questionnaires.save_version(
        dbsession, intervention, questionnaires.build(intervention, [("brs", None), ("gse", None)])
    )
    builders.commit(tm)
    (entry,) = listed(collect.form_list())
    assert entry["version"] == "2"  # Collect sees the new version and updates the form
    collect.submit(old_form, status=201)
    row = dbsession.query(Response).one()
    assert row.questionnaire_id == intervention.questionnaires[0].id


def test_an_unknown_form_version_is_refused(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    refused = collect.submit(
        filled(collect, {**brs(), "participant_code": "AB23"}, version="7"), 400
    )
    assert "version" in message_of(refused)
    assert dbsession.query(Response).count() == 0


def test_attachments_are_refused_with_a_clear_message(testapp, world, dbsession):
    collect = Collect(testapp, world.link.token)
    body = filled(collect, {**brs(), "participant_code": "AB24"})
    photo = ("photo.jpg", "photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")
    refused = collect.submit(body, status=400, extra_files=[photo])
    assert "no photos" in message_of(refused)
    assert dbsession.query(Response).count() == 0


def test_a_body_that_is_not_xml_is_refused(testapp, world):
    refused = Collect(testapp, world.link.token).submit(b"<data id='x'><open", status=400)
    assert "cannot be read" in message_of(refused)


def test_an_entity_expansion_is_refused_not_expanded(testapp, world):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><data id="x">&b;</data>'
    )
    refused = Collect(testapp, world.link.token).submit(bomb, status=400)
    assert "cannot be read" in message_of(refused)


def test_refusals_are_in_the_language_of_the_device(testapp, world):
    # Dutch needs the lead's catalog entries (tr/odk.json); English is the msgid itself.
    collect = Collect(testapp, "no-such-key", language="en")
    assert message_of(collect.form_list(status=404)).startswith("This server address is not known")


def test_a_body_that_is_not_multipart_is_refused_with_what_to_send(testapp, world):
    refused = testapp.post(
        f"/odk/key/{world.link.token}/submission",
        b"<data/>",
        headers={"X-OpenRosa-Version": "1.0", "Content-Type": "text/xml"},
        status=400,
    )
    assert "multipart/form-data" in message_of(refused)
