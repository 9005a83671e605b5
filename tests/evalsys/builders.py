"""Small builders that make valid rows; a test changes only what it is about."""

from __future__ import annotations

import itertools
import uuid

from evalsys.accounts.models import User
from evalsys.accounts.passwords import hash_password
from evalsys.collection.models import Participant, Response
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Questionnaire, Site, Wave

_counter = itertools.count(1)

# Hand-scored: items 2, 4, 6 reversed -> 4, 4, 4, 4, 4, 4 -> BRS mean 4.0 (Smith et al. 2008).
BRS_ANSWERS = {"brs_1": 4, "brs_2": 2, "brs_3": 4, "brs_4": 2, "brs_5": 4, "brs_6": 2}


def intervention(dbsession, instruments=(("brs", None),), **overrides) -> Intervention:
    n = next(_counter)
    row = Intervention(slug=f"interventie-{n}", name=f"Interventie {n}", design="pre_post")
    for key, value in overrides.items():
        setattr(row, key, value)
    row.sites.append(Site(slug="site-a", name="Site A"))
    row.sites.append(Site(slug="site-b", name="Site B"))
    row.waves.append(Wave(label="T0", name="Voormeting", position=0))
    row.waves.append(Wave(label="T1", name="Nameting", position=1))
    dbsession.add(row)
    dbsession.flush()
    questionnaires.save_version(dbsession, row, questionnaires.build(row, instruments))
    return row


def participant(
    dbsession, intervention: Intervention, code: str | None = None, site: Site | None = None
) -> Participant:
    row = Participant(
        intervention_id=intervention.id,
        site_id=(site or intervention.sites[0]).id,
        code=code or f"P{next(_counter):05d}",
    )
    dbsession.add(row)
    dbsession.flush()
    return row


def response(dbsession, participant: Participant, wave: Wave, **overrides) -> Response:
    intervention_id = participant.intervention_id
    questionnaire = (
        dbsession.query(Questionnaire).filter_by(intervention_id=intervention_id).first()
    )
    values = dict(
        submission_id=str(uuid.uuid4()),
        intervention_id=intervention_id,
        participant_id=participant.id,
        wave_id=wave.id,
        questionnaire_id=questionnaire.id,
        answers=dict(BRS_ANSWERS),
        instruments={},
        language="nl",
        mode="web",
    )
    values.update(overrides)
    row = Response(**values)
    dbsession.add(row)
    dbsession.flush()
    return row


def user(
    dbsession,
    username: str | None = None,
    role: str = "admin",
    password: str = "correct horse battery",
) -> User:
    row = User(
        username=username or f"user{next(_counter)}",
        role=role,
        password_hash=hash_password(password),
    )
    dbsession.add(row)
    dbsession.flush()
    return row


def commit(tm) -> None:
    """Commit what the test wrote (so the app's requests see it) and carry on in a new transaction.

    The test's outer connection transaction still rolls everything back at the end.
    """
    tm.commit()
    tm.begin()
