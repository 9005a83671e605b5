"""A questionnaire with conditions and missing-data codes, for the tests of every way in.

Pages (blocks), in order: the library's demographics; ``vrije_tijd`` with a conditional group
(``sportclub``: only if ``${sport} = 1``) holding a number with a missing-data code, a yes/no
and a text asked only if ``${club_member} = 1``; ``team_sport``, a whole page only if
``${sport} = 1``, with a block-wide missing-data code; and the BRS.
"""

from __future__ import annotations

import surveys
from evalsys.collection.models import SurveyLink

from . import builders

LEISURE = """
id: vrije_tijd
version: "1"
title: {nl: Vrije tijd, en: Free time}
languages: {nl: original, en: working}
groups:
  - id: sportclub
    title: {nl: Je sport, en: Your sport}
    relevant: "${sport} = 1"
items:
  - id: sport
    type: yes_no
    text: {nl: "Doe je aan sport?", en: "Do you play sport?"}
  - id: sport_hours
    type: number
    min: 0
    max: 40
    group: sportclub
    text: {nl: "Hoeveel uur per week sport je?", en: "How many hours a week do you play sport?"}
    missing:
      - {value: 99, label: {nl: Weet ik niet, en: "Don't know"}}
  - id: club_member
    type: yes_no
    group: sportclub
    text: {nl: "Ben je lid van een club?", en: "Are you a member of a club?"}
  - id: club_name
    type: text
    required: false
    group: sportclub
    max_length: 100
    relevant: "${club_member} = 1"
    text: {nl: "Welke club?", en: "Which club?"}
"""

TEAM = """
id: team_sport
version: "1"
title: {nl: Samen sporten, en: Team sport}
languages: {nl: original, en: working}
relevant: "${sport} = 1"
missing_codes:
  - {value: 9, label: {nl: Zeg ik liever niet, en: Rather not say}}
items:
  - id: team
    type: likert
    text: {nl: "Ik sport graag in een team.", en: "I like to play sport in a team."}
    options:
      - {value: 1, label: {nl: Oneens, en: Disagree}}
      - {value: 2, label: {nl: Neutraal, en: Neutral}}
      - {value: 3, label: {nl: Eens, en: Agree}}
"""

INSTRUMENTS = (("vrije_tijd", "1"), ("team_sport", "1"), ("brs", None))
BRS = {"brs_1": 4, "brs_2": 2, "brs_3": 4, "brs_4": 2, "brs_5": 4, "brs_6": 2}
# A sporter: every question applies.
SPORTER = {"sport": 1, "sport_hours": 3, "club_member": 1, "club_name": "HC Zuid", "team": 3}
# No sport: the group and the whole team page do not apply.
NO_SPORT = {"sport": 0}


def register() -> None:
    """Make the two instruments loadable (the same definitions each time: idempotent)."""
    for text in (LEISURE, TEAM):
        surveys.register_instrument(surveys.parse_instrument(text))


def intervention(dbsession, **overrides):
    """An intervention whose questionnaire has the conditional blocks."""
    register()
    return builders.intervention(dbsession, instruments=INSTRUMENTS, **overrides)


def link(dbsession, tm, token: str = "tok-conditions"):
    """A survey link of such an intervention's first site and wave, committed."""
    iv = intervention(dbsession)
    row = SurveyLink(
        token=token, intervention_id=iv.id, site_id=iv.sites[0].id, wave_id=iv.waves[0].id
    )
    dbsession.add(row)
    builders.commit(tm)
    return row
