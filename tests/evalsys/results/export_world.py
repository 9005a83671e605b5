"""An intervention whose item names try to break the exports: items named like the fixed
columns (``site``, ``participant_code``), like a multiple-choice dummy (``act__1``), like a
renamed item (``item_site``) and like a score (``score_clash``); two ids longer than SPSS's 64
bytes that share their first 64 characters; labels of Dutch diacritics longer than SPSS's and
Stata's limits. Responses are stored through submit(), as every way in stores them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update

import surveys
from evalsys.collection.models import Response
from evalsys.collection.submissions import Submission, submit
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site, Wave

from .. import builders
from ..world import grant, make_user

LONG = "how_often_did_you_take_part_in_the_activities_of_the_neighbourhood_centre"
LONG_IDS = (f"{LONG}_this_year", f"{LONG}_last_year")  # 83 characters, the same first 64
LONG_TEXT = "Hoe vaak heb je meegedaan aan een activiteit van het buurthuis? " + "ëé" * 120
LONG_OPTION = "Één keer, misschien twee keer; ik weet het niet meer precies: " + "ü" * 80


def clash_instrument(*, extra_items: tuple[dict, ...] = (), **keys) -> dict:
    """The instrument ``clash``: its scale ``clash`` is exported as ``score_clash`` too."""
    return {
        "id": "clash",
        "version": "1.0",
        "kind": "questionnaire",
        "title": {"nl": "Botsende namen", "en": "Clashing names"},
        "languages": {"nl": "original", "en": "working"},
        "licence": "EUPL-1.2 (test)",
        "citation": "evalsys tests",
        "items": [
            {
                "id": "site",
                "type": "single_choice",
                "text": {"nl": "Waar woon je?", "en": "Where do you live?"},
                "options": [
                    {"value": 1, "label": {"nl": "Noord", "en": "North"}},
                    {"value": 2, "label": {"nl": "Zuid", "en": "South"}},
                ],
            },
            {
                "id": "participant_code",
                "type": "number",
                "min": 0,
                "max": 100,
                "text": {"nl": "Hoeveel mensen ken je?", "en": "How many people do you know?"},
            },
            {
                "id": "act",
                "type": "multiple_choice",
                "required": False,
                "text": {"nl": "Wat doe je?", "en": "What do you do?"},
                "options": [
                    {"value": 1, "label": {"nl": "Sport", "en": "Sports"}},
                    {"value": 2, "label": {"nl": "Muziek", "en": "Music"}},
                    {"value": 3, "label": {"nl": LONG_OPTION, "en": "Other"}},
                ],
            },
            {
                "id": "act__1",
                "type": "single_choice",
                "text": {"nl": "Doe je dit graag?", "en": "Do you like it?"},
                "options": [
                    {"value": 1, "label": {"nl": "Ja", "en": "Yes"}},
                    {"value": 2, "label": {"nl": LONG_OPTION, "en": "No"}},
                ],
            },
            {
                "id": "item_site",
                "type": "number",
                "min": 0,
                "max": 10,
                "text": {"nl": "Cijfer voor je buurt", "en": "Mark for your neighbourhood"},
            },
            {
                "id": "score_clash",
                "type": "number",
                "min": 0,
                "max": 10,
                "text": {"nl": "Cijfer voor je school", "en": "Mark for your school"},
            },
            *(
                {
                    "id": item_id,
                    "type": "number",
                    "min": 0,
                    "max": 365,
                    "text": {"nl": LONG_TEXT, "en": "How often?"},
                }
                for item_id in LONG_IDS
            ),
            *extra_items,
        ],
        "scales": [
            {
                "id": "clash",
                "title": {"nl": "Cijfers", "en": "Marks"},
                "items": ["item_site", "score_clash"],
                "method": "sum",
                "min_items": 2,
                "range": [0, 20],
            }
        ],
        **keys,
    }


# Every answer differs from every other one of its response, so a value that lands in another
# item's column is noticed.
def answers_of(n: int, wave: int) -> dict:
    return {
        "site": 1 + (n + wave) % 2,
        "participant_code": 40 + n + wave,
        "act": [[1], [2, 3], []][n % 3],
        "act__1": 1 + n % 2,
        "item_site": n % 5,
        "score_clash": 5 + n % 5,
        LONG_IDS[0]: 100 + n,
        LONG_IDS[1]: 200 + n + wave,
    }


@dataclass
class ExportWorld:
    intervention: Intervention
    answers: dict[tuple[str, str], dict] = field(default_factory=dict)  # (code, wave) -> answers
    users: dict = field(default_factory=dict)


def build(
    dbsession,
    tm,
    *,
    people: int = 6,
    instrument: dict | None = None,
    answers=answers_of,
    written_past_validation: bool = False,
):
    """The intervention ``clash``: sites ``noord`` and ``zuid``, rounds T0 and T1.

    ``written_past_validation``: each response is submitted with the first participant's
    answers and then given its own past the ORM (for answers the validation of this version
    of surveys does not take yet, such as missing codes)."""
    row = Intervention(slug=f"clash-{uuid.uuid4().hex[:6]}", name="Botsing", design="pre_post")
    row.sites.append(Site(slug="noord", name="Noord"))
    row.sites.append(Site(slug="zuid", name="Zuid"))
    row.waves.append(Wave(label="T0", name="Voormeting", position=0))
    row.waves.append(Wave(label="T1", name="Nameting", position=1))
    dbsession.add(row)
    dbsession.flush()
    questionnaire = surveys.Questionnaire(
        id=row.slug,
        version="1",
        title={"nl": row.name, "en": row.name},
        instruments=(surveys.parse_instrument(instrument or clash_instrument()),),
    )
    questionnaires.save_version(dbsession, row, questionnaire)
    world = ExportWorld(row)
    for n in range(people):
        code = f"C{n:02d}"
        for w, wave in enumerate(row.waves):
            given = answers(n, w)
            world.answers[(code, wave.label)] = given
            submit(
                dbsession,
                Submission(
                    submission_id=str(uuid.uuid4()),
                    intervention=row,
                    site=row.sites[n % 2],
                    wave=wave,
                    participant_code=code,
                    answers=answers(0, 0) if written_past_validation else given,
                    mode="paper",
                ),
            )
    if written_past_validation:
        table = Response.__table__
        for response in dbsession.execute(
            select(Response).where(Response.intervention_id == row.id)
        ).scalars():
            given = world.answers[(response.participant.code, response.wave.label)]
            dbsession.execute(update(table).where(table.c.id == response.id).values(answers=given))
        dbsession.flush()
    world.users["evaluator"] = make_user(dbsession, f"evaluator-{row.slug}", "evaluator")
    grant(dbsession, world.users["evaluator"], row)
    builders.commit(tm)
    return world


def coded_instrument() -> dict:
    """The instrument ``coded``: two declared missing codes and a question behind a
    condition (``why`` only when ``often`` is 3)."""
    options = [
        {"value": 1, "label": {"nl": "Nooit", "en": "Never"}},
        {"value": 2, "label": {"nl": "Soms", "en": "Sometimes"}},
        {"value": 3, "label": {"nl": "Vaak", "en": "Often"}},
    ]
    return {
        **{k: v for k, v in clash_instrument().items() if k not in ("items", "scales")},
        "id": "coded",
        "title": {"nl": "Met codes", "en": "With codes"},
        "missing_codes": [
            {"value": 98, "label": {"nl": "Weet ik niet", "en": "Don't know"}},
            {"value": 99, "label": {"nl": "Zeg ik liever niet", "en": "Rather not say"}},
        ],
        "items": [
            {
                "id": "often",
                "type": "single_choice",
                "text": {"nl": "Hoe vaak sport je?", "en": "How often do you exercise?"},
                "options": options,
            },
            {
                "id": "hours",
                "type": "number",
                "min": 0,
                "max": 24,
                "text": {"nl": "Uren slaap", "en": "Hours of sleep"},
            },
            {
                "id": "why",
                "type": "single_choice",
                "required": False,
                "relevant": "${often} = 3",
                "text": {"nl": "Waarom zo vaak?", "en": "Why so often?"},
                "options": [
                    {"value": 1, "label": {"nl": "Gezond", "en": "Healthy"}},
                    {"value": 2, "label": {"nl": "Leuk", "en": "Fun"}},
                ],
            },
        ],
    }


def coded_answers(n: int, wave: int) -> dict:
    """Per participant in turn: plain answers, a missing code each, the conditional
    question asked and answered, the other missing code each."""
    return [
        {"often": 1, "hours": 5 + wave},
        {"often": 99, "hours": 98},
        {"often": 3, "why": 2, "hours": 7},
        {"often": 98, "hours": 99},
    ][n % 4]


def coded(dbsession, tm) -> ExportWorld:
    """Eight people answering :func:`coded_instrument` (labels, missing codes, a condition),
    some answers written past validation: the world of the Stata, R and SPSS syntax tests."""
    return build(
        dbsession,
        tm,
        people=8,
        instrument=coded_instrument(),
        answers=coded_answers,
        written_past_validation=True,
    )


def export(dbsession, world, fmt: str, tmp_path, language: str = "nl", **options):
    """The path of ``world``'s export in ``fmt``, written as the download writes it."""
    from evalsys.results import export_files, exports

    path = tmp_path / f"export-{fmt}.{exports.EXTENSIONS[fmt]}"
    export_files.write_file(
        dbsession, world.intervention, fmt, str(path), language=language, **options
    )
    return path
