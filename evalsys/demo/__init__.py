"""A synthetic demo programme: two interventions across the 20 NPLV areas, three waves, answers.

Everything here is invented; no real person, organisation or answer is in it. The same seed
gives the same programme, so screenshots, tests and benchmarks can rely on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import surveys
from evalsys.accounts.models import User
from evalsys.accounts.users import create_user, grant
from evalsys.collection import links
from evalsys.collection.submissions import Submission, stored_response, submit
from evalsys.demo import answers as demo_data
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.setup import instruments as stored_instruments

DEMO_SLUG = "veerkracht-demo"
SECOND_SLUG = "samen-sterk-demo"
DEFAULT_PARTICIPANTS = 600
DEFAULT_SEED = 2026

# The 20 NPLV areas (Nationaal Programma Leefbaarheid en Veiligheid), see DOMAIN.md:
# (slug, name, municipality, area). The first six run the first demo intervention.
NPLV_AREAS = [
    ("rotterdam-zuid", "Rotterdam-Zuid", "Rotterdam", "Rotterdam-Zuid"),
    ("amsterdam-zuidoost", "Amsterdam Zuidoost", "Amsterdam", "Zuidoost"),
    ("den-haag-zuidwest", "Den Haag Zuidwest", "Den Haag", "Zuidwest"),
    ("utrecht-overvecht", "Utrecht Overvecht", "Utrecht", "Overvecht"),
    ("heerlen-noord", "Heerlen Noord", "Heerlen", "Heerlen Noord"),
    ("groningen-noord", "Groningen Noord", "Groningen", "Noord"),
    ("leeuwarden-oost", "Leeuwarden-Oost", "Leeuwarden", "Oost"),
    ("arnhem-oost", "Arnhem Oost", "Arnhem", "Oost"),
    ("breda-noord", "Breda Noord", "Breda", "Noord"),
    ("eindhoven-woensel-zuid", "Eindhoven Woensel-Zuid", "Eindhoven", "Woensel-Zuid"),
    ("tilburg-noordwest", "Tilburg Noordwest", "Tilburg", "Noordwest"),
    ("schiedam-nieuwland-oost", "Schiedam Nieuwland-Oost", "Schiedam", "Nieuwland-Oost"),
    ("amsterdam-nieuw-west", "Amsterdam Nieuw-West", "Amsterdam", "Nieuw-West"),
    ("zaandam-oost", "Zaandam Oost", "Zaanstad", "Zaandam Oost"),
    ("lelystad-oost", "Lelystad Oost", "Lelystad", "Oost"),
    ("nieuwegein-centrale-as", "Nieuwegein Centrale-As", "Nieuwegein", "Centrale-As"),
    ("vlaardingen-west", "Vlaardingen West", "Vlaardingen", "West"),
    ("delft-west", "Delft West", "Delft", "West"),
    ("dordrecht-west", "Dordrecht West", "Dordrecht", "West"),
    ("roosendaal-stad", "Roosendaal-stad", "Roosendaal", "Roosendaal-stad"),
]
DEMO_SITES = NPLV_AREAS[:6]

# label, names, position, personal window in days after the participant's previous round
DEMO_WAVES = [
    ("T0", {"nl": "Voormeting", "en": "Pre-test"}, 0, None),
    ("T1", {"nl": "Nameting", "en": "Post-test"}, 1, (70, 112)),  # 10 to 16 weeks after T0
    # 14 to 26 weeks after their post-test
    ("T2", {"nl": "Follow-up (6 maanden)", "en": "Follow-up (6 months)"}, 2, (98, 182)),
]
DEMO_MAIL = "demo-coordinator@example.org"  # a reserved domain: nothing leaves the machine
# The first intervention's questions about the participant: the library's block with one
# conditional question and one missing-data code (docs/collecting.md shows both).
ABOUT_YOU = Path(__file__).with_name("about_you.yaml")

INTERVENTIONS = [
    {
        "slug": DEMO_SLUG,
        "name": "Veerkracht in de wijk (demo)",
        "description": (
            "Groepstraining van tien weken voor jongeren van 12 tot 18 jaar: omgaan met "
            "tegenslag, eigen kracht herkennen en hulp vragen. Synthetische demo-gegevens."
        ),
        "target_group": "Jongeren van 12 tot 18 jaar in NPLV-gebieden",
        "protective_factors": ["veerkracht", "zelfredzaamheid"],
        "design": "pre_post_comparison",
        "instruments": [("brs", None), ("gse", None)],
        "demographics": ABOUT_YOU,
        "sites": DEMO_SITES,
    },
    {
        "slug": SECOND_SLUG,
        "name": "Samen sterk (demo)",
        "description": (
            "Buurtcirkels voor volwassenen: elkaar leren kennen, samen activiteiten "
            "organiseren en eenzaamheid verminderen. Synthetische demo-gegevens."
        ),
        "target_group": "Volwassen buurtbewoners",
        "protective_factors": ["sociale inclusie", "identiteitsontwikkeling"],
        "design": "pre_post",
        "instruments": [("rses", None), ("djg6", None)],
        "sites": NPLV_AREAS[6:],
    },
]

CONSENT = {
    "nl": "Je doet mee aan een onderzoek naar deze activiteit. Je antwoorden gebruiken we "
    "alleen met je deelnemerscode, nooit met je naam. Je mag altijd stoppen.",
    "en": "You take part in a study of this activity. We only use your answers with your "
    "participant code, never with your name. You can stop at any time.",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    sees: str


# Demo-only passwords, printed by `evalsys demo`; the command refuses to run in production.
DEMO_LOGINS = [
    DemoLogin("admin", "demo-admin-wachtwoord", "admin", "everything"),
    DemoLogin("evaluator", "demo-evaluator-wachtwoord", "evaluator", "both demo interventions"),
    DemoLogin(
        "coordinator", "demo-coordinator-wachtwoord", "coordinator", f"{DEMO_SLUG}: Rotterdam-Zuid"
    ),
    DemoLogin(
        "ministerie", "demo-ministerie-wachtwoord", "ministry", "published reports and aggregates"
    ),
]


def seed(
    dbsession,
    today: dt.date | None = None,
    *,
    participants: int = DEFAULT_PARTICIPANTS,
    seed_value: int = DEFAULT_SEED,
) -> tuple[Intervention, bool]:
    """Create the demo programme unless it exists. Returns (first intervention, created)."""
    existing = dbsession.query(Intervention).filter_by(slug=DEMO_SLUG).one_or_none()
    if existing is not None:
        _ensure_logins(dbsession)
        return existing, False
    today = today or dt.date.today()
    rng = np.random.default_rng(seed_value)
    made = [_intervention(dbsession, spec, today) for spec in INTERVENTIONS]
    _ensure_logins(dbsession)
    total_sites = sum(len(spec["sites"]) for spec in INTERVENTIONS)
    for intervention, spec in zip(made, INTERVENTIONS, strict=True):
        share = participants * len(spec["sites"]) / total_sites
        _answers(dbsession, rng, intervention, share, today)
    _publish(dbsession, made)
    return made[0], True


def _publish(dbsession, interventions: list[Intervention]) -> None:
    """A published report per intervention, so the ministry's pages have something on them."""
    from evalsys.results.evaluation import NoResults, evaluate_intervention
    from evalsys.results.reports import publish

    admin = dbsession.query(User).filter_by(username="admin").one()
    for intervention in interventions:
        try:
            evaluation = evaluate_intervention(dbsession, intervention, {}, language="nl")
        except NoResults:
            continue  # a demo without answers
        publish(
            dbsession,
            intervention,
            evaluation,
            user=admin,
            language="nl",
            note="Demo: synthetische gegevens",
        )


def _intervention(dbsession, spec: dict, today: dt.date) -> Intervention:
    intervention = Intervention(
        slug=spec["slug"],
        name=spec["name"],
        description=spec["description"],
        target_group=spec["target_group"],
        protective_factors=spec["protective_factors"],
        design=spec["design"],
        consent_text=CONSENT,
        retention_days=5 * 365,
    )
    dbsession.add(intervention)
    for slug, name, municipality, area in spec["sites"]:
        intervention.sites.append(
            Site(
                slug=slug,
                name=name,
                municipality=municipality,
                area=area,
                organisation=f"Wijkteam {municipality} (demo)",
            )
        )
    # Rolling intake: every round is open, so each demo link can be tried.
    start = today - dt.timedelta(weeks=30)
    for label, names, position, window in DEMO_WAVES:
        intervention.waves.append(
            Wave(
                label=label,
                name=names["nl"],
                names=names,
                position=position,
                opens_on=start,
                closes_on=today + dt.timedelta(weeks=26),
                opens_after_days=window[0] if window else None,
                closes_after_days=window[1] if window else None,
                settings={"participant_code": "assigned"},
            )
        )
    dbsession.flush()
    demographics = "demographics"
    if spec.get("demographics"):
        demographics = stored_block(dbsession, spec["demographics"])
    questionnaires.save_version(
        dbsession,
        intervention,
        questionnaires.build(intervention, spec["instruments"], demographics=demographics),
    )
    links.ensure_links(dbsession, intervention)
    return intervention


def stored_block(dbsession, path: Path) -> str:
    """A YAML instrument of the demo stored beside the library's; its ``id@version``."""
    instrument = surveys.parse_instrument(path.read_text(encoding="utf-8"), source=str(path))
    stored_instruments.store(dbsession, instrument)
    return f"{instrument.id}@{instrument.version}"


def _answers(
    dbsession, rng, intervention: Intervention, participants: float, today: dt.date
) -> None:
    sites = intervention.sites
    # Uneven sites, one of them small (fewer than 10): the report shows it suppressed.
    weights = rng.uniform(0.5, 1.5, len(sites))
    sizes = np.maximum(12, np.round(participants * weights / weights.sum())).astype(int)
    sizes[-1] = 7
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    generated = demo_data.programme(
        rng,
        questionnaires.load(intervention.questionnaire),
        [s.slug for s in sites],
        list(sizes),
        with_comparison=intervention.design != "pre_post",
        start=now - dt.timedelta(weeks=30),
        now=now,
    )
    for site in sites:
        for answer in generated[site.slug]:
            if stored_response(dbsession, answer.submission_id) is not None:
                continue
            submit(
                dbsession,
                Submission(
                    submission_id=answer.submission_id,
                    intervention=intervention,
                    site=site,
                    wave=intervention.waves[answer.wave_index],
                    participant_code=answer.code,
                    answers=answer.answers,
                    language=answer.language,
                    mode="web",
                    group=answer.group,
                    duration_seconds=answer.duration_seconds,
                    consent_by="participant",
                    submitted_at=answer.submitted_at,
                    received_at=answer.submitted_at,
                ),
            )


def _ensure_logins(dbsession) -> None:
    for login in DEMO_LOGINS:
        if dbsession.query(User).filter_by(username=login.username).count():
            continue
        user = create_user(
            dbsession,
            login.username,
            login.role,
            login.password,
            display_name=f"Demo {login.role}",
            intervention=DEMO_SLUG if login.role in ("evaluator", "coordinator") else None,
            sites=["rotterdam-zuid"] if login.role == "coordinator" else [],
        )
        if login.role == "evaluator":
            grant(dbsession, user, SECOND_SLUG)
        if login.role == "coordinator":
            user.email = DEMO_MAIL  # the follow-up digests go to var/mail/ (docs/follow-up.md)
    dbsession.flush()


def send_digests(dbsession, settings: dict) -> str | None:
    """Today's follow-up digests for the demo, delivered at once (into var/mail/ with the
    development settings); where they went, or None when none were due."""
    from evalsys.followup.digests import queue_digests
    from evalsys.mail import outbox, transport

    if not queue_digests(dbsession, settings):
        return None
    sent = outbox.deliver(dbsession, settings)["sent"]
    if settings.get("evalsys.mail.transport", "folder") == "smtp":
        return f"{sent} sent through {settings.get('evalsys.mail.host', 'localhost')}"
    return f"{sent} written to {transport.mail_folder(settings)}"
